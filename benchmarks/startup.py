"""Start-up cost of the command line and of a worker (issue 14): CPU time per command, before
and after a change, measured in the same run.

Each command runs as a whole process, ``--runs`` times, the trees interleaved run by run; the
figure is the median CPU time of the process (user+sys, threads included: the kernel's
rusage of the waited child, or ``/proc/PID/stat`` for the worker), wall clock beside it.

* ``python -c pass``: the interpreter's own start, the floor.
* ``evidence --help``.
* ``evidence check --offline examples/spine-pain.txt`` on a warm SQLite store: the example's
  two works stored as registry records (as ``benchmarks/check.py`` does), so nothing is asked.
* ``evidence worker`` to its first job: a check job of the example article (a line added per
  run, so that each run is a new job) queued on PostgreSQL before the worker starts; the
  worker's CPU is read from ``/proc`` when the job is seen done (polled every 20 ms), then the
  worker is stopped. Its store holds the example's works: the job asks no registry (the
  registry URL is a closed port on 127.0.0.1, so that a request fails rather than go out).

The trees: this one, and each ``--before REF`` (default ``main``; repeatable, the change is
against the first) exported with ``git archive``; all run with this interpreter and its
packages, each tree first on ``PYTHONPATH`` and every process started in a folder of its own
(``python -c`` puts the working folder first). Bytecode is cached for each (a
``PYTHONPYCACHEPREFIX`` each, written by a first, untimed run), as an installed tool has it.
Each tree gets its own stores (SQLite files, and a scratch PostgreSQL database dropped at the
end).

Usage: .venv/bin/python benchmarks/startup.py [--runs 11] [--before REF]... [--no-worker]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from _machine import describe, repo_root_on_path

ROOT = repo_root_on_path()

import psycopg  # noqa: E402

from tests import database  # noqa: E402

CLI = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"
EXAMPLE = ROOT / "examples" / "spine-pain.txt"
EXAMPLE_BIB = ROOT / "examples" / "spine-pain.bib"
CLOSED_REGISTRY = "http://127.0.0.1:9"
"""The discard port: nothing listens, so a registry request fails at once, never goes out."""
WARM = """
import sys
from pathlib import Path
from evidence.check import parse_bibliography
from evidence.store.engine import open_store, session_factory
from evidence.store.queries import upsert_works
from refs.work import Work
bib = parse_bibliography(Path(sys.argv[2]).read_text(encoding="utf-8"), path=sys.argv[2])
with session_factory(open_store(sys.argv[1])).begin() as session:
    upsert_works(session, [e.written for e in bib.entries if isinstance(e.written, Work)],
                 origin="crossref")
"""
"""The store an online run would leave: the example's two works as registry records."""


@dataclass
class Tree:
    label: str
    code: Path
    folder: Path
    pg_url: str | None = None
    cpu: dict[str, list[float]] = field(default_factory=dict)
    wall: dict[str, list[float]] = field(default_factory=dict)

    def env(self, database_url: str | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "EVIDENCE_DATABASE_URL")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.code),
                                                          os.environ.get("PYTHONPATH")]))
        env["PYTHONPYCACHEPREFIX"] = str(self.folder / "pycache")
        env["EVIDENCE_DATABASE_URL"] = database_url or self.sqlite_url
        env["EVIDENCE_CROSSREF_URL"] = CLOSED_REGISTRY
        env["EVIDENCE_DOI_URL"] = CLOSED_REGISTRY
        return env

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.folder / 'warm.db'}"

    def record(self, name: str, cpu: float, wall: float) -> None:
        self.cpu.setdefault(name, []).append(cpu)
        self.wall.setdefault(name, []).append(wall)


def _export(ref: str, into: Path) -> str:
    """The tree of ``ref`` in ``into``; its commit."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return _commit(ref)


def _commit(ref: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], check=True,
                          capture_output=True, text=True).stdout.strip()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: Sequence[str], tree: Tree) -> tuple[float, float]:
    """CPU (user+sys) and wall seconds of one whole process."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=tree.env(), cwd=tree.folder, capture_output=True,
                          check=False)
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): "
                         f"{done.stderr.decode(errors='replace')}")
    return cpu, wall


COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "evidence --help": [sys.executable, "-c", CLI, "--help"],
    "evidence check --offline (warm store)": [sys.executable, "-c", CLI, "check", "--offline",
                                              str(EXAMPLE)],
}
WORKER = "evidence worker, to its first job done"


def _process_cpu(pid: int) -> float:
    """CPU seconds (user+sys, every thread) of a live process, from ``/proc``."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def worker_run(tree: Tree, run: int, timeout: float = 120.0) -> tuple[float, float]:
    """Queue one new job, start a worker, and take its CPU when the job is done."""
    assert tree.pg_url is not None
    env = tree.env(tree.pg_url)
    article = tree.folder / f"article-{run}.txt"
    article.write_text(EXAMPLE.read_text(encoding="utf-8") + f"\nStart-up run {run}.\n",
                       encoding="utf-8")
    subprocess.run([sys.executable, "-c", CLI, "submit", str(article)], env=env,
                   cwd=tree.folder, check=True, capture_output=True)
    with psycopg.connect(_libpq(tree.pg_url), autocommit=True) as connection:
        start = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-c", CLI, "worker", "--concurrency", "1"],
                                  env=env, cwd=tree.folder, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        try:
            while True:
                row = connection.execute("SELECT count(*) FILTER (WHERE state = 'done'), "
                                         "count(*) FILTER (WHERE state = 'failed') "
                                         "FROM check_job").fetchone()
                assert row is not None
                if row[1]:
                    raise SystemExit(f"{tree.label}: the benchmark's job failed")
                if row[0] >= run:
                    cpu, wall = _process_cpu(worker.pid), time.perf_counter() - start
                    break
                if worker.poll() is not None or time.perf_counter() - start > timeout:
                    raise SystemExit(f"{tree.label}: the worker ended or took too long: "
                                     f"{worker.stderr.read().decode() if worker.stderr else ''}")
                time.sleep(0.02)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    return cpu, wall


def _prepare(tree: Tree, with_worker: bool) -> None:
    env = tree.env()
    found = subprocess.run([sys.executable, "-c", "import evidence; print(evidence.__file__)"],
                           env=env, cwd=tree.folder, check=True, capture_output=True, text=True)
    if not Path(found.stdout.strip()).is_relative_to(tree.code):
        raise SystemExit(f"{tree.label} imports evidence from {found.stdout.strip()}")
    subprocess.run([sys.executable, "-c", WARM, tree.sqlite_url, str(EXAMPLE_BIB)], env=env,
                   cwd=tree.folder, check=True, capture_output=True)
    for command in COMMANDS.values():  # writes the bytecode, untimed
        _timed(command, tree)
    if with_worker:
        tree.pg_url = database.create_database()
        subprocess.run([sys.executable, "-c", WARM, tree.pg_url, str(EXAMPLE_BIB)],
                       env=env, cwd=tree.folder, check=True, capture_output=True)


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def table(trees: list[Tree]) -> list[str]:
    """CPU and wall medians per command and tree; the change is the last tree's against the
    first's."""
    first = trees[0]
    lines = ["| command | " + " | ".join(f"CPU s, {t.label}" for t in trees) + " | CPU change | "
             + " | ".join(f"wall s, {t.label}" for t in trees) + " |",
             "| --- " * (2 * len(trees) + 2) + "|"]
    for name in first.cpu:
        cpu = [statistics.median(t.cpu[name]) for t in trees]
        wall = [statistics.median(t.wall[name]) for t in trees]
        b, a = cpu[0], cpu[-1]
        change = f"{(a - b) / b:+.0%}" if b else "-"
        lines.append(f"| `{name}` | " + " | ".join(f"{c:.3f}" for c in cpu) + f" | {change} | "
                     + " | ".join(f"{w:.3f}" for w in wall) + " |")
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="Runs of each command per tree.")
    parser.add_argument("--worker-runs", type=int, default=5,
                        help="Runs of the worker to its first job, per tree.")
    parser.add_argument("--before", action="append",
                        help="A revision measured as before (repeatable; the first is the one "
                             "the change is against) [default: main].")
    parser.add_argument("--no-worker", action="store_true",
                        help="Leave out the worker (it needs the PostgreSQL server).")
    parser.add_argument("--only-worker", action="store_true", help="Measure the worker alone.")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="evidence-startup-") as folder:
        base = Path(folder)
        befores = args.before or ["main"]
        head = _commit("HEAD")
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "evidence", "refs"], capture_output=True, text=True,
                               check=True).stdout.strip()
        trees = [Tree(f"{ref} ({_export(ref, base / f'code-{i}')})", base / f"code-{i}",
                      base / f"before-{i}") for i, ref in enumerate(befores)]
        trees.append(Tree(f"this tree ({head}{', modified' if dirty else ''})", ROOT,
                          base / "after"))
        try:
            for tree in trees:
                tree.folder.mkdir()
                _prepare(tree, not args.no_worker)
            load_start = _loadavg()
            started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            for _ in range(0 if args.only_worker else args.runs):
                for name, command in COMMANDS.items():
                    for tree in trees:
                        tree.record(name, *_timed(command, tree))
            if not args.no_worker:
                for run in range(1, args.worker_runs + 1):
                    for tree in trees:
                        tree.record(WORKER, *worker_run(tree, run))
            load_end = _loadavg()
        finally:
            for tree in trees:
                if tree.pg_url is not None:
                    database.drop_database(tree.pg_url)
    print(describe(["SQLAlchemy", "procrastinate", "fastapi", "httpx", "click"]))
    print(f"started {started}; load average {load_start} at the start, {load_end} at the end")
    print(f"median of {args.runs} runs per command ({args.worker_runs} for the worker), "
          "trees interleaved run by run; CPU = user+sys of the process")
    print()
    print("\n".join(table(trees)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
