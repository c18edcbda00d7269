"""A warm read's own CPU inside the app (issue 14): ``GET /api/articles/{id}`` and the article
page ``/articles/{id}``, the seed-sized example kept, called straight through ASGI: no HTTP
server, no socket, no load generator.

``scale.py``'s reads measure the whole server under ``wrk``; on a shared two-core machine
their requests per second follow the other work, and the HTTP stack and the kernel's
loopback share the figure. This measures what the app's code costs a read: CPU seconds
(user+system, all threads) of the process that calls the app, and of the PostgreSQL backends
it uses, over ``--requests`` reads, ``--concurrency`` at once on one event loop (the thread
pool hand-offs included). With ``--before DIR`` each round runs the code of the source tree
in DIR (``git archive main | tar -x -C DIR``) too, alternated with this one; given more than
once, each tree's rows are named by its folder.

Usage: .venv/bin/python benchmarks/read_path.py [--before /tmp/main-tree] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _machine import ROOT, describe, repo_root_on_path
from read_load import _Meter

PATHS = {"api": "/api/articles/{id}", "page": "/articles/{id}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, action="append", default=[],
                        help="a source tree of the code before a change: each round on it "
                             "too (may be given more than once)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE_URL", "ROUTE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, route = args.child
        print(json.dumps(asyncio.run(_measure(url, route, args.requests, args.concurrency))))
        return 0
    repo_root_on_path()  # here, not in a child: there the tree's ``evidence`` comes first
    print(describe(["fastapi", "starlette", "sqlalchemy", "psycopg"]))
    trees: list[tuple[str, Path | None]] = [
        ("before" if len(args.before) == 1 else tree.name, tree.resolve())
        for tree in args.before]
    trees.append(("now", None))
    print(f"\n{args.requests} warm reads a row, {args.concurrency} at once; CPU ms per read "
          "(the calling process, all threads; its PostgreSQL backends)")
    print("| round | code | route | reads/s (one process) | app CPU ms | PostgreSQL CPU ms "
          "| load avg |")
    print("|---|---|---|---|---|---|---|")
    for n in range(1, args.rounds + 1):
        for route in ("api", "page"):
            for name, tree in trees:
                row = _child(tree, route, args.requests, args.concurrency)
                print(f"| {n} | {name} | {route} | {row['per_second']:.0f} | "
                      f"{row['cpu_ms']:.2f} | {row['postgres_ms']:.2f} | "
                      f"{row['load_before']:.1f}-{row['load_after']:.1f} |", flush=True)
    return 0


def _child(tree: Path | None, route: str, requests: int, concurrency: int) -> dict[str, Any]:
    """One measurement in a fresh process running ``tree``'s code, on a fresh database."""
    from tests import database

    url = database.create_database()
    try:
        env = dict(os.environ)
        if tree is not None:  # its own ``evidence`` first on the path, no .pyc left in it
            env |= {"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", url, route,
             "--requests", str(requests), "--concurrency", str(concurrency)],
            env=env, cwd=tree or ROOT, capture_output=True, text=True, check=True).stdout
    finally:
        database.drop_database(url)
    found: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    assert Path(found["code"]) == (tree or ROOT), found  # the code meant was the code run
    return found


async def _measure(url: str, route: str, requests: int, concurrency: int) -> dict[str, Any]:
    import evidence
    from evidence.config import Settings
    from evidence.store.engine import session_factory
    from evidence.store.tokens import create_token
    from evidence.web import create_app

    app = create_app(Settings.from_env(database_url=url, offline=True))
    svc = app.state.service
    with session_factory(svc.engine).begin() as session:
        token = create_token(session, name="bench", role="editor")
    headers = [(b"authorization", f"Bearer {token}".encode()), (b"host", b"bench")]
    async with _Lifespan(app):
        example = ROOT / "examples" / "spine-pain.txt"
        body = json.dumps({"name": example.name, "text": example.read_text()}).encode()
        status, answer = await _call(app, "POST", "/api/articles",
                                     [*headers, (b"content-type", b"application/json")], body)
        assert status == 201, answer
        path = PATHS[route].format(id=json.loads(answer)["id"])
        for _ in range(3):  # kept, and the connections' statements prepared
            status, _ = await _call(app, "GET", path, headers)
            assert status == 200, status
        queue = iter(range(requests))

        async def reader() -> None:
            for _ in queue:
                status, _ = await _call(app, "GET", path, headers)
                assert status == 200, status

        with _Meter(os.getpid(), url) as meter:
            began, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(reader() for _ in range(concurrency)))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - began
    return {"per_second": requests / wall, "cpu_ms": 1000 * cpu / requests,
            "postgres_ms": 1000 * meter.postgres / requests,
            "load_before": meter.load_before, "load_after": meter.load_after,
            "code": str(Path(evidence.__file__).parents[1])}


class _Lifespan:
    """The app started (its lifespan's startup) and stopped, as a server would."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def __aenter__(self) -> None:
        self.task = asyncio.create_task(self.app({"type": "lifespan", "asgi": {
            "version": "3.0"}, "state": {}}, self.inbox.get, self.outbox.put))
        await self.inbox.put({"type": "lifespan.startup"})
        said = await self.outbox.get()
        assert said["type"] == "lifespan.startup.complete", said

    async def __aexit__(self, *_: object) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        await self.outbox.get()
        await self.task


async def _call(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]],
                body: bytes = b"") -> tuple[int, bytes]:
    """One request straight into the app; its status and body."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # the client stays: nothing more to read
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, chunks = 0, []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main())
