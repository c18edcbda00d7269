"""``evidence serve --workers N``: several server processes on one port, under uvicorn."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.standin import free_port_url

SERVE = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_two_server_processes_answer_on_one_port(tmp_path: Path) -> None:
    url = free_port_url()
    port = url.rsplit(":", 1)[1]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--database", f"sqlite:///{tmp_path / 'e.db'}", "serve",
         "--offline", "--port", port, "--workers", "2"], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        answers = [httpx.get(f"{url}/health", timeout=5).json() for _ in range(10)]
        assert answers == [{"status": "ok", "database": "sqlite"}] * 10
        python_children = [p for p in _children(server.pid)
                           if "python" in Path(f"/proc/{p}/cmdline").read_bytes().decode(
                               errors="replace")]
        assert len(python_children) >= 2  # two server processes (and uvicorn's own helper)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
