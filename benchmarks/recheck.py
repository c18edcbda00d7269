"""Rechecking a large store: the walk of update notices against re-fetching every work.

A SQLite store holds ``--stored`` generated works (Crossref's test prefix 10.5555, fetched
"yesterday"). The stand-in Crossref (``tests.standin``) runs on 127.0.0.1 at the polite
pool's limits (3 list requests/s, 3 at once, 429 past them) with ``--latency`` per answer,
and lists ``T`` generated update notices indexed today, ``--hits`` of them about stored works
(whose records then show the notice), the rest about works the store does not hold.

Each run starts from a copy of the same store and calls ``evidence.recheck.recheck``:

* notice walk (``strategy="notices"``): ``ceil(T / 1000)`` list requests for the walk, then
  the works it names re-read in ``filter=doi:`` batches;
* re-fetch (``strategy="works"``): every stored work in ``filter=doi:`` batches of 50;
* auto (``strategy=None``): what ``evidence recheck`` chooses by counting requests.

Requests and 429s are counted by the stand-in. The notice counts are scenarios (a quiet and a
busy day), not Crossref's own figures.

Run from the repository root:
``nice -n 10 .venv/bin/python benchmarks/recheck.py [--stored 100000] [--notices 1000,20000]``
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _machine import describe, repo_root_on_path

from evidence.config import Settings
from evidence.recheck import Strategy, recheck
from evidence.store.engine import open_store, session_factory
from evidence.store.queries import upsert_works
from refs import work_from_crossref

MAILTO = "benchmarks@example.org"
SETTLE = 1.5
"""Seconds between runs, so the stand-in's token buckets are full again."""


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    notices: int
    chose: str
    seconds: float
    requests: int
    rate_limited: int
    changes: int


def build_store(path: Path, stored: int) -> float:
    """The store of ``stored`` generated works; the seconds it took."""
    from tests.standin import generated_doi, generated_message

    start = time.perf_counter()
    engine = open_store(f"sqlite:///{path}")
    yesterday = datetime.now(UTC) - timedelta(days=1)
    works = (work_from_crossref(generated_message(generated_doi(i)))
             for i in range(1, stored + 1))
    with session_factory(engine).begin() as session:
        upsert_works(session, works, origin="crossref", fetched_at=yesterday)
    engine.dispose()
    return time.perf_counter() - start


def standin_with_notices(stored: int, notices: int, hits: int, latency: float) -> Any:
    from tests.standin import (
        Standin,
        StandinConfig,
        generated_doi,
        generated_notice,
        updated_message,
    )

    app = Standin(StandinConfig(generated=stored, latency=latency))
    now = datetime.now(UTC)
    for index in range(1, notices + 1):
        # the first ``hits`` notices are about stored works, the others about works elsewhere
        target = generated_doi(index if index <= hits else 900_000 + index)
        kind = "retraction" if index % 3 == 0 else "correction"
        notice = generated_notice(index, target, kind, indexed=now)
        app.add_notice(notice)
        if index <= hits:
            app.works[target] = updated_message(app.works[target], notice)
    return app


def run_once(app: Any, base_url: str, store: Path, folder: Path, strategy: Strategy | None,
             label: str, notices: int) -> Row:
    copy = folder / f"run-{time.monotonic_ns()}.db"
    shutil.copyfile(store, copy)
    settings = Settings(database_url=f"sqlite:///{copy}", crossref_url=base_url,
                        doi_url=f"{base_url}/doi", mailto=MAILTO, registry_wait=3600.0)
    engine = open_store(settings.database_url)
    before = len(app.log)
    start = time.perf_counter()
    result = asyncio.run(recheck(session_factory(engine), settings, strategy=strategy))
    seconds = time.perf_counter() - start
    engine.dispose()
    seen = app.log[before:]
    time.sleep(SETTLE)
    return Row(label, notices, result.strategy or "-", seconds, len(seen),
               sum(1 for r in seen if r.status == 429), len(result.changes))


def run(args: argparse.Namespace) -> tuple[list[Row], float]:
    repo_root_on_path()
    from tests.standin import run_standin

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = folder / "store.db"
        built = build_store(store, args.stored)
        for count in args.notices:
            app = standin_with_notices(args.stored, count, args.hits, args.latency)
            with run_standin(app) as base_url:
                rows.append(run_once(app, base_url, store, folder, "notices",
                                     "notice walk", count))
                rows.append(run_once(app, base_url, store, folder, None, "auto", count))
                if not args.skip_refetch and count == args.notices[-1]:
                    rows.append(run_once(app, base_url, store, folder, "works",
                                         "re-fetch every work (doi: batches of 50)", count))
    return rows, built


def report(rows: list[Row], built: float, args: argparse.Namespace) -> str:
    lines = [
        f"{args.stored} stored works (store built in {built:.0f} s); stand-in at polite "
        f"limits (list 3/s, 3 at once), latency {args.latency * 1000:.0f} ms; "
        f"{args.hits} notices about stored works",
        "",
        "| run | notices in the window | chose | requests | 429s | seconds | new changes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(f"| {row.label} | {row.notices} | {row.chose} | {row.requests} | "
                     f"{row.rate_limited} | {row.seconds:.2f} | {row.changes} |")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--notices", default="1000,20000",
                        help="notices in the window, comma-separated scenarios")
    parser.add_argument("--hits", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--skip-refetch", action="store_true")
    args = parser.parse_args(argv)
    args.notices = [int(n) for n in args.notices.split(",")]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(describe(["httpx", "SQLAlchemy", "uvicorn"]))
    print()
    rows, built = run(args)
    print(report(rows, built, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
