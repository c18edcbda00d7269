"""Resolving DOIs at the registry's limit: cold, warm, and against the peers, on a stand-in.

The stand-in Crossref (``tests.standin``) runs on 127.0.0.1 with the polite pool's limits
(10 single requests/s, 3 list requests/s, 3 at once; 429 past them, with Crossref's headers)
and 100 ms latency, serving generated works under Crossref's test prefix 10.5555.

* cold, refs client: ``CrossrefClient.works(dois)``, list requests of ``batch`` DOIs.
* cold, resolver: ``evidence.resolver.resolve_dois`` with an empty SQLite store (asks the
  registry, then stores every work): what ``evidence resolve`` and ``check`` do.
* steady state: the same client, its limits already read from headers, on fresh DOIs.
* warm: ``resolve_dois`` again, the store holding every DOI: it must send no request.
* peers, each as usually used, one request per DOI: habanero
  (``Crossref(base_url=..., mailto=...).works(ids=doi)``) and a plain sequential httpx loop
  (``GET /works/{doi}`` on one keep-alive client).

The bound is what the list budget allows: N / (batch x list requests per second).

Run from the repository root: ``.venv/bin/python benchmarks/resolve.py [--peer-sample N]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from _machine import describe, repo_root_on_path

from evidence.config import Settings
from evidence.resolver import resolve_dois
from evidence.store.engine import open_store, session_factory
from refs.crossref import CrossrefClient, CrossrefSettings

MAILTO = "benchmarks@example.org"
SETTLE = 1.5
"""Seconds between runs, so the stand-in's token buckets are full again for the next one."""


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    dois: int
    seconds: float
    requests: int
    rate_limited: int
    found: int
    note: str = ""

    def per_second(self) -> float:
        return self.dois / self.seconds if self.seconds else float("inf")


class Probe:
    """Counts what the stand-in saw during one run (its own log, not the client's word)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.rate_limited = 0

    @contextmanager
    def watch(self) -> Iterator[Probe]:
        start = len(self.app.log)
        try:
            yield self
        finally:
            seen = self.app.log[start:]
            self.requests = len(seen)
            self.rate_limited = sum(1 for record in seen if record.status == 429)


def timed(probe: Probe, job: Callable[[], int]) -> tuple[float, int]:
    """Seconds ``job`` took and what it returned (the DOIs found), counted by ``probe``."""
    time.sleep(SETTLE)
    with probe.watch():
        start = time.perf_counter()
        found = job()
        seconds = time.perf_counter() - start
    return seconds, found


# --- ours ----------------------------------------------------------------------------------


def client_settings(base_url: str, batch: int) -> CrossrefSettings:
    return CrossrefSettings(base_url=base_url, mailto=MAILTO, batch_size=batch)


async def _client_works(base_url: str, dois: list[str], batch: int) -> int:
    async with CrossrefClient(client_settings(base_url, batch)) as client:
        outcomes = await client.works(dois)
    return sum(1 for outcome in outcomes if outcome.status == "found")


Measured = tuple[float, int, int, int]
"""Seconds, requests the stand-in saw, 429s it sent, DOIs found."""


async def _resolver_then_steady(
    base_url: str, dois: list[str], fresh: list[str], batch: int, database: str, probe: Probe
) -> tuple[Measured, Measured | None]:
    """Cold ``resolve_dois`` into an empty store, then the same client on fresh DOIs."""
    settings = Settings(database_url=database, crossref_url=base_url, mailto=MAILTO)
    sessions = session_factory(open_store(database))
    async with CrossrefClient(client_settings(base_url, batch)) as client:

        async def run(asked: list[str]) -> Measured:
            await asyncio.sleep(SETTLE)
            with probe.watch():
                start = time.perf_counter()
                got = await resolve_dois(asked, sessions=sessions, settings=settings,
                                         client=client)
                seconds = time.perf_counter() - start
            found = sum(1 for r in got if r.status == "resolved")
            return seconds, probe.requests, probe.rate_limited, found

        cold = await run(dois)
        steady = await run(fresh) if fresh else None
    return cold, steady


async def _warm(base_url: str, dois: list[str], batch: int, database: str) -> tuple[int, int]:
    """Resolved-from-store count and requests the client sent, with every DOI stored."""
    settings = Settings(database_url=database, crossref_url=base_url, mailto=MAILTO)
    sessions = session_factory(open_store(database))
    async with CrossrefClient(client_settings(base_url, batch)) as client:
        got = await resolve_dois(dois, sessions=sessions, settings=settings, client=client)
        sent = client.stats.requests
    return sum(1 for r in got if r.status == "resolved" and r.cached), sent


# --- peers ---------------------------------------------------------------------------------


def habanero_loop(base_url: str, dois: Sequence[str]) -> int:
    from habanero import Crossref

    crossref = Crossref(base_url=base_url, mailto=MAILTO)
    found = 0
    for doi in dois:
        try:
            message = crossref.works(ids=doi)
        except Exception:  # habanero raises on a 429 or 404; a user's loop would go on
            continue
        found += message.get("status") == "ok"
    return found


def httpx_loop(base_url: str, dois: Sequence[str]) -> int:
    found = 0
    headers = {"User-Agent": f"plain-httpx-loop (mailto:{MAILTO})"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=20.0) as client:
        for doi in dois:
            response = client.get(f"/works/{doi}", params={"mailto": MAILTO})
            found += response.status_code == 200
    return found


def peer_row(label: str, probe: Probe, job: Callable[[Sequence[str]], int],
             dois: list[str], sample: int) -> Row:
    asked = dois[:sample] if 0 < sample < len(dois) else dois
    seconds, found = timed(probe, lambda: job(asked))
    if len(asked) == len(dois):
        return Row(label, len(dois), seconds, probe.requests, probe.rate_limited, found)
    scale = len(dois) / len(asked)
    note = f"timed on {len(asked)} DOIs, extrapolated x{scale:g}"
    return Row(label, len(dois), seconds * scale, round(probe.requests * scale),
               round(probe.rate_limited * scale), round(found * scale), note)


# --- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[Row]:
    repo_root_on_path()
    from tests.standin import Standin, StandinConfig, generated_doi

    config = StandinConfig(generated=args.count + args.steady, latency=args.latency)
    app = Standin(config)
    dois = [generated_doi(i) for i in range(1, args.count + 1)]
    fresh = [generated_doi(i) for i in range(args.count + 1, args.count + args.steady + 1)]
    rows: list[Row] = []
    probe = Probe(app)
    with run_standin_here(app) as base_url, tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'resolve.db'}"
        seconds, found = timed(
            probe, lambda: asyncio.run(_client_works(base_url, dois, args.batch))
        )
        rows.append(Row("evidence, cold (refs client)", len(dois), seconds, probe.requests,
                        probe.rate_limited, found))
        cold, steady = asyncio.run(
            _resolver_then_steady(base_url, dois, fresh, args.batch, database, probe)
        )
        rows.append(Row("evidence, cold (resolve_dois + store)", len(dois), *cold))
        if steady is not None:
            rows.append(Row("evidence, steady state (limits known)", len(fresh), *steady,
                            note="same client, fresh DOIs"))
        before = len(app.log)
        start = time.perf_counter()
        cached, sent = asyncio.run(_warm(base_url, dois, args.batch, database))
        seconds = time.perf_counter() - start
        rows.append(Row("evidence, warm (resolve_dois, store holds all)", len(dois), seconds,
                        len(app.log) - before, 0, cached, f"client sent {sent}"))
        if not args.skip_peers:
            rows.append(peer_row("habanero, one works(ids=doi) per DOI", probe,
                                 lambda asked: habanero_loop(base_url, asked),
                                 dois, args.peer_sample))
            rows.append(peer_row("plain httpx loop, GET /works/{doi}", probe,
                                 lambda asked: httpx_loop(base_url, asked),
                                 dois, args.peer_sample))
    return rows


@contextmanager
def run_standin_here(app: Any) -> Iterator[str]:
    from tests.standin import run_standin

    with run_standin(app) as base_url:
        yield base_url


def report(rows: list[Row], args: argparse.Namespace) -> str:
    bound = args.count / (args.batch * args.list_rate)
    ours = rows[0].seconds
    lines = [
        f"{args.count} DOIs, stand-in latency {args.latency * 1000:.0f} ms, polite limits "
        f"(single 10/s, list {args.list_rate}/s, 3 at once), batch {args.batch}",
        f"bound N / (batch x list/s) = {args.count} / ({args.batch} x {args.list_rate}) "
        f"= {bound:.2f} s",
        "",
        "| run | DOIs | seconds | DOIs/s | requests | 429s | found | x bound | x ours | note |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.dois} | {row.seconds:.2f} | {row.per_second():.1f} | "
            f"{row.requests} | {row.rate_limited} | {row.found} | "
            f"{row.seconds / (row.dois / (args.batch * args.list_rate)):.2f} | "
            f"{row.seconds / ours:.1f} | {row.note} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="cold DOIs (default 1000)")
    parser.add_argument("--latency", type=float, default=0.1, help="stand-in latency, seconds")
    parser.add_argument("--batch", type=int, default=CrossrefSettings().batch_size,
                        help="DOIs per list request (default: the client's default)")
    parser.add_argument("--steady", type=int, default=2000,
                        help="fresh DOIs for the steady-state run (0: skip it)")
    parser.add_argument("--peer-sample", type=int, default=0,
                        help="time peers on the first N DOIs and extrapolate (0: run whole)")
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args(argv)
    args.list_rate = 3  # StandinConfig's default: the polite pool's list budget
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(describe(["httpx", "habanero", "httpx2", "SQLAlchemy", "uvicorn"]))
    print()
    print(report(run(args), args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
