"""Uploads with workers (issue 14): what an upload costs the server, checked in the request
(before) or queued as a job (after), and what its job costs a worker later.

The server (``evidence serve``, ``EVIDENCE_JOBS=postgres``, a fresh PostgreSQL database, the
stand-in registry on loopback) is sent ``--uploads`` distinct copies of the example PDF
(``tests/fixtures/manuscripts/spine-pain.pdf``, a comment line appended to each so that none
is the same job), one after the other. Their text is the same: checked in the request, each is
read, found stored and answered 200 (no registry, no audit, no store); as a job, each is read,
audited and found stored by the worker. So the request's cost before is its reading only.
Printed, for each code tree: the answer's status, p50 and max of its wall time, and the CPU
seconds of the server's processes (the server and its check processes, read from /proc before
and after) per upload. For the
queued run, one ``evidence worker`` then checks the jobs: its CPU (user+sys, including about a
second of start-up) and wall time until the last is done.

The stand-in answers at once: with the real registry an upload checked in the request also
waits for its answers (seconds), which the queued upload does not.

Usage: .venv/bin/python benchmarks/uploads.py --before /tmp/main-tree [--uploads 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _machine import describe, repo_root_on_path
from _serving import wait_until_up

ROOT = repo_root_on_path()

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from evidence.store.engine import open_store, session_factory  # noqa: E402
from evidence.store.models import CheckJob  # noqa: E402
from evidence.store.tokens import create_token  # noqa: E402
from tests import database  # noqa: E402
from tests.standin import Standin, StandinConfig, free_port_url, run_standin  # noqa: E402

CLI = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"
PDF = ROOT / "tests" / "fixtures" / "manuscripts" / "spine-pain.pdf"
TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants, and of the children it reaped."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = [int(c) for task in Path(f"/proc/{current}/task").iterdir()
                        for c in (task / "children").read_text().split()]
        except OSError:
            continue  # ended between two reads
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / TICK
        pending += children
    return total


def run(tree: Path | None, uploads: int) -> dict[str, object]:
    """``uploads`` PDFs sent to a server of ``tree`` (None: this one); then, if they were
    queued, one worker until their jobs are done."""
    url = database.create_database()
    try:
        engine = open_store(url)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            token = create_token(session, name="bench", role="editor")
        with run_standin(Standin(StandinConfig(enforce_limits=False))) as registry:
            env = {**os.environ, "EVIDENCE_DATABASE_URL": url, "EVIDENCE_JOBS": "postgres",
                   "EVIDENCE_CROSSREF_URL": registry, "EVIDENCE_DOI_URL": f"{registry}/doi",
                   "EVIDENCE_MAILTO": "uploads@example.org"}
            if tree is not None:  # its own ``evidence`` first on the path, no .pyc left in it
                env |= {"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
            port_url = free_port_url()
            server = subprocess.Popen(
                [sys.executable, "-c", CLI, "serve", "--port", port_url.rsplit(":", 1)[1]],
                env=env, cwd=tree or ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_until_up(port_url)
                headers = {"Authorization": f"Bearer {token}"}
                data = PDF.read_bytes()
                # One upload first, not counted: the check processes start on the first.
                statuses, walls = [], []
                with httpx.Client(base_url=port_url, headers=headers, timeout=300) as http:
                    for n in range(uploads + 1):
                        if n == 1:
                            cpu_before = tree_cpu(server.pid)
                        started = time.perf_counter()
                        sent = http.post("/api/articles/upload", files={
                            "file": ("spine-pain.pdf", data + f"\n%upload {n}\n".encode())})
                        if n:
                            walls.append(time.perf_counter() - started)
                            statuses.append(sent.status_code)
                    server_cpu = tree_cpu(server.pid) - cpu_before
            finally:
                server.send_signal(signal.SIGINT)
                server.wait(timeout=30)
            worker = _worker(env, tree, sessions) if 202 in statuses else None
        engine.dispose()
    finally:
        database.drop_database(url)
    return {"statuses": sorted(set(statuses)), "p50": statistics.median(walls),
            "max": max(walls), "server_cpu": server_cpu / uploads, "worker": worker}


def _worker(env: dict[str, str], tree: Path | None, sessions: object) -> tuple[float, float, str]:
    """One worker until every job has ended: its CPU seconds, wall seconds, the job states."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    worker = subprocess.Popen([sys.executable, "-c", CLI, "worker", "--concurrency", "2"],
                              env=env, cwd=tree or ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while True:
            with sessions() as session:  # type: ignore[operator]
                states = dict(session.execute(select(CheckJob.state, func.count())
                                              .group_by(CheckJob.state)).all())
            if not states.get("queued") and not states.get("running"):
                break
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return cpu, wall, ", ".join(f"{count} {state}" for state, count in sorted(states.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True,
                        help="a source tree before the change (git archive main | tar -x)")
    parser.add_argument("--uploads", type=int, default=10)
    args = parser.parse_args(argv)
    print(describe(["fastapi", "procrastinate", "pdfminer.six"]))
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    for label, tree in (("before (checked in the request)", args.before),
                        ("after (queued)", None)):
        result = run(tree, args.uploads)
        print(f"{label}: {args.uploads} uploads of {PDF.name} ({PDF.stat().st_size} bytes): "
              f"status {result['statuses']}, p50 {result['p50'] * 1000:.0f} ms, "
              f"max {result['max'] * 1000:.0f} ms, server CPU "
              f"{result['server_cpu'] * 1000:.0f} ms an upload")
        if result["worker"] is not None:
            cpu, wall, states = result["worker"]  # type: ignore[misc]
            print(f"  then one worker (--concurrency 2): {cpu:.2f} s CPU (with its start-up), "
                  f"{wall:.1f} s wall until every job ended ({states})")
        print(f"  load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
