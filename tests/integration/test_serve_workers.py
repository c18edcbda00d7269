"""``evidence serve --workers N``: several server processes on one port, under uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from evidence.store.engine import open_store, session_factory
from evidence.store.tokens import create_token
from tests.evidence.web.articles import article_body
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


def _wait_until_up(server: subprocess.Popen[bytes], url: str) -> None:
    # A ceiling for a start that is stuck, not a speed check: two processes importing on a
    # machine at a load average of 17 took past 30 s.
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def test_two_server_processes_answer_on_one_port(tmp_path: Path) -> None:
    url = free_port_url()
    port = url.rsplit(":", 1)[1]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--database", f"sqlite:///{tmp_path / 'e.db'}", "serve",
         "--offline", "--port", port, "--workers", "2"], stdout=log, stderr=log)
    try:
        _wait_until_up(server, url)
        answers = [httpx.get(f"{url}/health", timeout=5).json() for _ in range(10)]
        assert answers == [{"status": "ok", "database": "sqlite"}] * 10
        python_children = [p for p in _children(server.pid)
                           if "python" in Path(f"/proc/{p}/cmdline").read_bytes().decode(
                               errors="replace")]
        assert len(python_children) >= 2  # two server processes (and uvicorn's own helper)
    finally:
        _stop(server)
        log.close()


@pytest.mark.postgresql
def test_a_write_shows_in_every_server_process_at_once(pg_url: str, tmp_path: Path) -> None:
    """Two real server processes on PostgreSQL, each keeping the answers and pages it gave:
    after a comment, every read (whichever process answers it, each on a new connection)
    shows it, in the API and on the article page."""
    engine = open_store(pg_url)
    with session_factory(engine).begin() as session:
        token = create_token(session, name="ada", role="editor")
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    url = free_port_url()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--database", pg_url, "serve", "--offline", "--port",
         url.rsplit(":", 1)[1], "--workers", "2"], stdout=log, stderr=log)
    try:
        _wait_until_up(server, url)
        stored = httpx.post(f"{url}/api/articles", json=article_body(), headers=headers,
                            timeout=60).json()
        target = f"{url}/api/articles/{stored['id']}"
        page = f"{url}/articles/{stored['id']}"
        before = [httpx.get(target, headers=headers, timeout=30).json() for _ in range(30)]
        pages_before = [httpx.get(page, headers=headers, timeout=30).text for _ in range(10)]
        first = before[0]["claims"][0]
        said = httpx.post(f"{url}/api/claims/{first['id']}/comments", headers=headers,
                          json={"text": "seen by every process"}, timeout=30)
        after = [httpx.get(target, headers=headers, timeout=30).json() for _ in range(30)]
        pages_after = [httpx.get(page, headers=headers, timeout=30).text for _ in range(10)]
    finally:
        _stop(server)
        log.close()
    assert said.status_code == 201
    assert {len(a["claims"][0]["comments"]) for a in before} == {0}
    assert {tuple(c["text"] for c in a["claims"][0]["comments"]) for a in after} == {
        ("seen by every process",)}
    assert not any("seen by every process" in p for p in pages_before)
    assert all("seen by every process" in p for p in pages_after)


def _established(pid: int, port: int) -> int:
    """Connections to ``port`` that process ``pid`` holds (from /proc: Linux)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:
                held += 1
    return held


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreads only on Linux")
def test_connections_opened_together_are_spread_over_the_processes(tmp_path: Path) -> None:
    """Sixty connections opened at once, as a load generator or a proxy opens its pool: with
    one socket shared by the processes, the first to wake accepted nearly all (18 of 20) and
    kept them; with a socket per process the kernel spreads them (each side at least 15 of
    60 unless the hash is off by 3.9 standard deviations)."""
    url = free_port_url()
    port = int(url.rsplit(":", 1)[1])
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--database", f"sqlite:///{tmp_path / 'e.db'}", "serve",
         "--offline", "--port", str(port), "--workers", "2"], stdout=log, stderr=log)
    clients: list[socket.socket] = []
    try:
        _wait_until_up(server, url)
        time.sleep(1)  # both processes up: a health answer may come from the first alone
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10)
                   for _ in range(60)]
        for client in clients:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        processes = [p for p in _children(server.pid) if _established(p, port)]
        held = sorted(_established(p, port) for p in processes)
    finally:
        for client in clients:
            client.close()
        _stop(server)
        log.close()
    assert sum(held) == 60
    assert len(held) == 2 and held[0] >= 15, held
