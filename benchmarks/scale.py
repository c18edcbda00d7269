"""Scale (issue 14): check jobs on 1, 2 and 4 workers against the registry's bound, and
service reads with 1 and 2 server processes.

* Cold runs: ``--articles`` generated articles (default 2,000) citing ``--works`` generated
  works (default 4,000; two DOIs each, every DOI cited once), submitted as check jobs to a
  fresh PostgreSQL database, then checked by N ``evidence worker`` processes against the
  stand-in registry at the polite pool's limits (3 list requests a second, 3 at once). Printed:
  articles per second, the run's time against the registry bound (unique DOIs / 150 per
  second: 3 list requests of 50), list requests, 429s, jobs lost or failed, DOIs asked twice.
* Reads: the seed-sized example article read back (``GET /api/articles/{id}``, and its page
  ``/articles/{id}``) by
  ``--clients`` clients for ``--seconds`` seconds, with 1 and 2 server processes
  (``evidence serve --workers N``): p50/p99, requests per second and CPU per request, from
  two load generators (``read_load``: Python clients in this process, and ``wrk`` where
  installed). With ``--before DIR`` the cold runs and the reads also run, interleaved, on
  the source tree in DIR (before a change: ``git archive main | tar -x -C DIR``); with
  ``--baseline`` the cold runs also time one in-process ``evidence check`` of the same files.

Usage: .venv/bin/python benchmarks/scale.py [--articles 2000 --works 4000 --workers 1,2,4]
       .venv/bin/python benchmarks/scale.py --skip-cold --before /tmp/main-tree
(the issue's 10,000 articles / 20,000 works take about five times as long per run.)
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from _machine import describe, repo_root_on_path
from _serving import wait_until_up
from read_load import WRK_MISSING, Load, python_load, wrk_load

ROOT = repo_root_on_path()

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from evidence.store.engine import make_engine, open_store, session_factory  # noqa: E402
from evidence.store.models import CheckJob  # noqa: E402
from evidence.store.tokens import create_token  # noqa: E402
from tests import database  # noqa: E402
from tests.standin import Standin, StandinConfig, free_port_url, run_standin  # noqa: E402
from tests.standin.articles import write_corpus  # noqa: E402

CLI = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"
MAILTO = "scale@example.org"
REGISTRY_BOUND = 150.0
"""DOIs a second the polite pool allows through doi: list requests (3 a second of 50)."""


def cold_run(workers: int, concurrency: int, paths: list[Path], works: int, *,
             code: Path | None = None, profile: Path | None = None) -> dict[str, Any]:
    """``workers`` worker processes checking ``paths`` as jobs; ``code``: a checkout whose
    ``evidence`` the workers run instead (a peer: the code before a change), ``profile``: a
    folder for each worker's cProfile output."""
    url = database.create_database()
    app = Standin(StandinConfig(generated=works))
    try:
        engine = make_engine(url)  # the schema is the code's own: its submit migrates
        sessions = session_factory(engine)
        with run_standin(app) as base_url:
            env = _env(url, base_url, code)
            started = time.perf_counter()
            # cwd: ``python -c`` puts the current folder first on sys.path, before PYTHONPATH.
            subprocess.run([*_python(), "submit", str(paths[0].parent)], env=env, check=True,
                           cwd=code or ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            submitted_in = time.perf_counter() - started
            load = _loadavg()
            processes = [subprocess.Popen(
                [*_python(), "worker", "--concurrency", str(concurrency)],
                env=env, cwd=code or ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for n in range(workers)]
            spies = [_spy(process.pid, profile / f"worker-{workers}-{n}.txt")
                     for n, process in enumerate(processes)] if profile else []
            began = time.perf_counter()
            cpu_before = _children_cpu()
            own_before = time.process_time()
            backends = Backends(url)
            states = _wait(sessions, len(paths), backends)
            elapsed = time.perf_counter() - began
            standin_cpu = time.process_time() - own_before
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            _stop(processes)
            worker_cpu = _children_cpu() - cpu_before
        engine.dispose()
    finally:
        database.drop_database(url)
    asked = _asked(app)
    unique = len(set(asked))
    bound = unique / REGISTRY_BOUND
    return {"workers": workers, "articles": len(paths), "seconds": elapsed,
            "worker_cpu": worker_cpu, "load": f"{load} / {_loadavg()}",
            "pg_cpu": backends.cpu(), "standin_cpu": standin_cpu,
            "submit_seconds": submitted_in, "per_second": len(paths) / elapsed,
            "unique_dois": unique, "bound": bound, "ratio": elapsed / bound,
            "lists": sum(r.kind == "list" for r in app.log),
            "requests": len(app.log), "429": _refused(app),
            "done": states.get("done", 0), "failed": states.get("failed", 0),
            "lost": len(paths) - states.get("done", 0) - states.get("failed", 0),
            "asked_twice": sum(n > 1 for n in Counter(asked).values())}


def baseline_run(folder: Path, paths: list[Path], works: int, *,
                 code: Path | None = None) -> dict[str, Any]:
    """One ``evidence check`` process over the same files at the same limits, on a fresh
    PostgreSQL store (the in-process peer of the workers: it reads every file, asks the
    registry for all their DOIs in one client, audits, and stores the run at its end)."""
    url = database.create_database()
    app = Standin(StandinConfig(generated=works))
    try:
        with run_standin(app) as base_url:
            env = _env(url, base_url, code)
            load = _loadavg()
            command = [*_python(), "check", str(folder), "--format", "json",
                       "--output", os.devnull, "--fail-on", "never"]
            began = time.perf_counter()
            cpu_before = _children_cpu()
            own_before = time.process_time()
            backends = Backends(url)
            with tempfile.TemporaryFile() as errors:
                checking = subprocess.Popen(command, env=env, cwd=code or ROOT,
                                            stdout=subprocess.DEVNULL, stderr=errors)
                while checking.poll() is None:
                    backends.sample()
                    time.sleep(0.5)
                elapsed = time.perf_counter() - began
                standin_cpu = time.process_time() - own_before
                cpu = _children_cpu() - cpu_before
                if checking.returncode != 0:
                    errors.seek(0)
                    raise RuntimeError(errors.read().decode(errors="replace")[-2000:])
    finally:
        database.drop_database(url)
    asked = _asked(app)
    bound = len(set(asked)) / REGISTRY_BOUND
    return {"workers": 0, "articles": len(paths), "seconds": elapsed, "worker_cpu": cpu,
            "pg_cpu": backends.cpu(), "standin_cpu": standin_cpu,
            "load": f"{load} / {_loadavg()}", "per_second": len(paths) / elapsed,
            "bound": bound, "ratio": elapsed / bound,
            "lists": sum(r.kind == "list" for r in app.log), "requests": len(app.log),
            "429": _refused(app), "done": len(paths), "failed": 0,
            "lost": 0, "asked_twice": sum(n > 1 for n in Counter(asked).values())}


def _refused(app: Standin) -> str:
    """The 429s, and which of the stand-in's limits each was past: ``2 (rate 2)``."""
    limits = Counter(r.refused.limit for r in app.log if r.refused is not None)
    total = sum(r.status == 429 for r in app.log)
    return f"{total} ({', '.join(f'{k} {n}' for k, n in sorted(limits.items()))})" if total \
        else "0"


def _env(url: str, base_url: str, code: Path | None) -> dict[str, str]:
    env = {**os.environ, "EVIDENCE_DATABASE_URL": url, "EVIDENCE_CROSSREF_URL": base_url,
           "EVIDENCE_DOI_URL": f"{base_url}/doi", "EVIDENCE_MAILTO": MAILTO}
    if code is not None:
        # Its evidence and refs before the installed ones.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    return env


def _python() -> list[str]:
    return [sys.executable, "-c", CLI]


def _spy(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """py-spy (installed by hand: not a dependency) sampling a worker's CPU, every thread,
    idle time left out; collapsed stacks in ``output``, written when it is interrupted."""
    output.parent.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen([str(spy), "record", "--pid", str(pid), "--format", "raw",
                             "--rate", "200", "--output", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the workers, once stopped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Backends:
    """CPU seconds of the PostgreSQL backends serving one database, sampled from /proc while
    they live (a backend that comes and goes between two samples is missed: an undercount)."""

    def __init__(self, url: str) -> None:
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        self.database = make_url(url).database
        self.seen: dict[int, float] = {}
        self.tick = os.sysconf("SC_CLK_TCK")

    def sample(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            pids = [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()", (self.database,))]
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended, or another machine's
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / self.tick

    def cpu(self) -> float:
        return sum(self.seen.values())


def _wait(sessions: Any, total: int, backends: Backends,
          timeout: float = 3600) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        backends.sample()
        with sessions() as session:
            states = dict(session.execute(
                select(CheckJob.state, func.count()).group_by(CheckJob.state)).all())
        if states.get("done", 0) + states.get("failed", 0) >= total:
            return states
        if time.monotonic() > deadline:
            return states
        time.sleep(0.5)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _asked(app: Standin) -> list[str]:
    asked: list[str] = []
    for record in app.log:
        if record.kind == "list" and record.status == 200:
            for value in parse_qs(record.query)["filter"]:
                asked += [part.removeprefix("doi:") for part in value.split(",")]
        elif record.kind == "single" and record.status == 200:
            asked.append(record.path.removeprefix("/works/"))
    return asked


def reads(processes: int, clients: int, seconds: float, tree: Path | None = None,
          etag: bool = False) -> list[tuple[str, Load | None]]:
    """The seed-sized example read back from a warm store by ``processes`` servers, through
    the API (``/api/articles/{id}``) and the article page (``/articles/{id}``, the bearer
    token standing for a signed-in editor), under each load generator in turn; ``tree``: run
    the server from that source tree instead (the baseline); ``etag``: also read with
    ``If-None-Match`` (304s)."""
    url = database.create_database()
    try:
        engine = open_store(url)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            token = create_token(session, name="bench", role="editor")
        engine.dispose()
        example = ROOT / "examples" / "spine-pain.txt"
        port_url = free_port_url()
        env = {**os.environ, "EVIDENCE_DATABASE_URL": url}
        if tree is not None:  # its own ``evidence`` first on the path, no .pyc left in it
            env |= {"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
        server = subprocess.Popen(
            [sys.executable, "-c", CLI, "serve", "--offline", "--port",
             port_url.rsplit(":", 1)[1], "--workers", str(processes)],
            env=env, cwd=tree or ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            wait_until_up(port_url)
            stored = httpx.post(f"{port_url}/api/articles", headers=headers, timeout=60,
                                json={"name": example.name, "text": example.read_text()})
            article = stored.json()["id"]
            loads: list[tuple[str, Load | None]] = []
            for route, target in (("api", f"{port_url}/api/articles/{article}"),
                                  ("page", f"{port_url}/articles/{article}")):
                httpx.get(target, headers=headers, timeout=60).raise_for_status()  # warm
                loads += [
                    (f"{route}: python", python_load(target, headers, clients, seconds,
                                                     server.pid, url)),
                    (f"{route}: wrk", wrk_load(target, headers, clients, seconds, server.pid,
                                               url))]
                tag = httpx.get(target, headers=headers, timeout=60).headers.get("etag")
                if etag and tag:
                    loads.append((f"{route}: wrk, If-None-Match", wrk_load(
                        target, {**headers, "If-None-Match": tag}, clients, seconds,
                        server.pid, url)))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    finally:
        database.drop_database(url)
    return loads


def _cpu(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_reads(args: argparse.Namespace) -> None:
    trees: list[tuple[str, Path | None]] = [("now", None)]
    if args.before is not None:
        trees.insert(0, ("before", args.before.resolve()))
    print(f"\nreads: the example article, {args.clients} clients, {args.seconds:g} s each; "
          "CPU ms per request (server process tree, its PostgreSQL backends, the generator)")
    print("| code | server processes | route: generator | requests | requests/s | p50 ms | "
          "p99 ms | "
          "server CPU | CPU split % | PostgreSQL CPU | generator CPU | load avg | answers |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for processes in (1, 2):
        for name, tree in trees:
            for kind, r in reads(processes, args.clients, args.seconds, tree,
                                 etag=tree is None):
                if r is None:
                    print(f"| {name} | {processes} | {kind}: {WRK_MISSING} |")
                    continue
                print(f"| {name} | {processes} | {kind} | {r.requests} | {r.rps:.0f} | "
                      f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {_cpu(r.server_cpu_ms)} | {r.split} | "
                      f"{_cpu(r.postgres_cpu_ms)} | {_cpu(r.generator_cpu_ms)} | "
                      f"{r.load_before:.1f}-{r.load_after:.1f} | {r.statuses} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--works", type=int, default=4000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--baseline", action="store_true",
                        help="also one in-process `evidence check` of the same files")
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout of the code before a change: each run again on it")
    parser.add_argument("--profile", type=Path, default=None,
                        help="a folder for py-spy's samples of each worker (py-spy: by hand)")
    args = parser.parse_args(argv)
    print(describe(["procrastinate", "psycopg", "uvicorn", "httpx"]))
    if not args.skip_cold:
        cold_runs(args)
    if not args.skip_reads:
        print_reads(args)
    return 0


def cold_runs(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = write_corpus(Path(folder), args.articles, args.works,
                             per_article=max(1, args.works // args.articles))
        print(f"\ncold runs: {args.articles} articles citing {args.works} works, "
              f"{args.concurrency} jobs per worker, stand-in at polite limits")
        print("| code | workers | seconds | articles/s | bound (DOIs/150) | x bound "
              "| CPU s | CPU ms/article | PostgreSQL CPU s | stand-in CPU s | list requests "
              "| requests | 429s | done | failed | lost | DOIs asked twice "
              "| load average (start / end) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        codes: list[tuple[str, Path | None]] = [("now", None)]
        if args.before is not None:
            codes.append(("before", args.before))
        runs: list[tuple[int, str, Path | None]] = []
        if args.baseline:
            runs += [(0, label, code) for label, code in codes]
        runs += [(int(n), label, code) for n in args.workers.split(",") for label, code in codes]
        for workers, label, code in runs:
            if workers == 0:
                r = baseline_run(Path(folder), paths, args.works, code=code)
            else:
                r = cold_run(workers, args.concurrency, paths, args.works, code=code,
                             profile=args.profile)
            print(f"| {label} | {workers or 'check'} | {r['seconds']:.1f} | "
                  f"{r['per_second']:.1f} | {r['bound']:.1f} s | {r['ratio']:.2f} | "
                  f"{r['worker_cpu']:.1f} | {1000 * r['worker_cpu'] / r['articles']:.1f} | "
                  f"{r['pg_cpu']:.1f} | {r['standin_cpu']:.1f} | "
                  f"{r['lists']} | {r['requests']} | "
                  f"{r['429']} | {r['done']} | {r['failed']} | {r['lost']} | "
                  f"{r['asked_twice']} | {r['load']} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
