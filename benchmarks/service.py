"""The editors' service under load: concurrent clients submitting and reviewing articles.

For each store (SQLite file, then a scratch PostgreSQL database) the service runs in its own
process under uvicorn (so that the clients do not share its interpreter), asking a stand-in
Crossref on 127.0.0.1 that serves generated works (prefix 10.5555). ``--clients`` clients
then, for ``--duration`` seconds, each loop: submit an article (a new document, or a new
version of one of its own), or review one of anyone's articles: read it, confirm or reject
a link with the version it read (a 409 is counted, the client reads again and goes on), and
comment now and then. Every write the service acknowledged is counted on the client side and
checked against the store at the end: articles, comments, and for each link the verdict
events (one per acknowledged write) and its final verdict (its last event's). "lost" is how
many acknowledged writes the store does not hold.

Run: ``.venv/bin/python benchmarks/service.py [--duration 60] [--clients 20]
[--database sqlite|postgresql|both] [--output FILE]``. The figures and the machine go to
standard output as Markdown (and to ``--output FILE`` when given); progress goes to standard
error. Figures worth keeping are copied by hand into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from _machine import describe, repo_root_on_path

ROOT = repo_root_on_path()
GENERATED = 40
"""Generated works the stand-in serves; articles cite them. Few, so that after the first
submissions the store answers: the client paces its registry requests (Crossref's polite
rate), which would otherwise be what a submission waits for."""
NOTE = (
    "The service is one uvicorn worker (one process, so one core at most); the clients and "
    "the stand-in run on the same machine. A 409 is an editor's write on a version another "
    "editor had just changed: refused whole, as designed. A submission's p99 is the wait "
    "for the registry of the first submissions, paced by the client."
)
RECENT = 5
"""Reviewers pick among the newest articles, so that editors collide on the same links."""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    created: set[int] = field(default_factory=set)
    comments: int = 0
    verdicts: Counter[int] = field(default_factory=Counter)  # link id -> acknowledged writes
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, response: httpx.Response) -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[(kind, response.status_code)] += 1
        if response.status_code >= 500:
            self.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")


# --- the load ----------------------------------------------------------------------------


def article_text(rng: random.Random, client: int, version: int) -> str:
    """A generated article: claims with markers and numbers, and generated references."""
    dois = rng.sample(range(1, GENERATED + 1), 3)
    refs = "\n".join(
        f"{n}. Author G. Generated stand-in work {d}. Generated Journal of Stand-in Load. "
        f"2020. doi:10.5555/standin.{d:06d}" for n, d in enumerate(dois, start=1)
    )
    claims = [
        f"Generated treatment {client} helped {40 + version % 50}% of patients [1].",
        f"Therapy of kind {version} takes {6 + version % 5} sessions on average [2].",
        "Most insurers pay for the generated therapy in this benchmark.",
        f"Version {version} of this generated text says nothing else of note [3].",
    ]
    return f"# Generated load article {client}\n\n" + "\n\n".join(claims) + (
        f"\n\n## References\n\n{refs}\n")


async def client_loop(n: int, url: str, token: str, deadline: float, shared: list[int],
                      tally: Tally) -> None:
    rng = random.Random(n)
    version = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60.0) as client:
        while time.monotonic() < deadline:
            if not shared or rng.random() < 0.25:
                version += 1
                await submit(client, rng, n, version, shared, tally)
            else:
                await review(client, rng, rng.choice(shared[-RECENT:]), tally)


async def submit(client: httpx.AsyncClient, rng: random.Random, n: int, version: int,
                 shared: list[int], tally: Tally) -> None:
    name = f"load/client-{n}-doc-{version % 3}.md"  # three documents a client, many versions
    body = {"name": name, "text": article_text(rng, n, version), "format": "markdown"}
    started = time.perf_counter()
    response = await client.post("/api/articles", json=body)
    tally.record("submit", started, response)
    if response.status_code == 201:
        tally.created.add(response.json()["id"])
        shared.append(response.json()["id"])


async def review(client: httpx.AsyncClient, rng: random.Random, article_id: int,
                 tally: Tally) -> None:
    started = time.perf_counter()
    response = await client.get(f"/api/articles/{article_id}")
    tally.record("read", started, response)
    if response.status_code != 200:
        return
    links = [s for c in response.json()["claims"] for s in c["sources"]]
    claims = response.json()["claims"]
    if links:
        link = rng.choice(links)
        verdict = rng.choice(["confirmed", "rejected", "unreviewed"])
        started = time.perf_counter()
        answer = await client.put(f"/api/links/{link['link']}/verdict",
                                  json={"verdict": verdict, "version": link["version"]})
        tally.record("verdict", started, answer)
        if answer.status_code == 200:
            tally.verdicts[link["link"]] += 1
    if claims and rng.random() < 0.2:
        started = time.perf_counter()
        answer = await client.post(f"/api/claims/{rng.choice(claims)['id']}/comments",
                                   json={"text": "Generated benchmark comment."})
        tally.record("comment", started, answer)
        if answer.status_code == 201:
            tally.comments += 1


# --- one run on one store ----------------------------------------------------------------


def run(database_url: str, label: str, clients: int, duration: float) -> dict[str, Any]:
    from tests.standin import Standin, StandinConfig, run_standin

    standin = Standin(StandinConfig(generated=GENERATED, enforce_limits=False))
    with run_standin(standin) as crossref:
        token = make_token(database_url)
        with serving(database_url, crossref) as url:
            tally = Tally()
            started = time.monotonic()
            asyncio.run(load(url, token, clients, started + duration, tally))
            elapsed = time.monotonic() - started
        lost = count_lost(database_url, tally)
    return summarise(label, tally, elapsed, clients, lost)


async def load(url: str, token: str, clients: int, deadline: float, tally: Tally) -> None:
    shared: list[int] = []
    async with asyncio.TaskGroup() as group:
        for n in range(clients):
            group.create_task(client_loop(n, url, token, deadline, shared, tally))


def make_token(database_url: str) -> str:
    from evidence.store.engine import open_store, session_factory
    from evidence.store.tokens import create_token

    engine = open_store(database_url)
    try:
        with session_factory(engine).begin() as session:
            return create_token(session, name="benchmark", role="editor")
    finally:
        engine.dispose()


class serving:  # noqa: N801 - used as a context manager, reads like one
    """The service in a child process on a free port; its base URL while the block runs."""

    def __init__(self, database_url: str, crossref: str) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {**os.environ, "EVIDENCE_DATABASE_URL": database_url,
               "EVIDENCE_CROSSREF_URL": crossref, "EVIDENCE_MAILTO": "bench@example.org"}
        code = ("import uvicorn; from evidence.config import Settings; "
                "from evidence.web import create_app; "
                f"uvicorn.run(create_app(Settings.from_env()), host='127.0.0.1', "
                f"port={self.port}, log_level='warning', access_log=False)")
        self.process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)

    def __enter__(self) -> str:
        url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    return url
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise RuntimeError("the service did not start")
            time.sleep(0.1)

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def count_lost(database_url: str, tally: Tally) -> dict[str, int]:
    """Acknowledged writes the store does not hold, by kind (all zero when none was lost)."""
    from sqlalchemy import func, select

    from evidence.store.engine import open_store, session_factory
    from evidence.store.models import Article, Comment, Event, Link

    engine = open_store(database_url)
    try:
        with session_factory(engine)() as session:
            articles = set(session.scalars(select(Article.id)))
            comments = session.scalar(select(func.count()).select_from(Comment)) or 0
            events = list(session.scalars(select(Event).where(Event.action == "link.verdict")
                                          .order_by(Event.id)))
            verdicts = {link: verdict for link, verdict in session.execute(
                select(Link.id, Link.verdict))}
    finally:
        engine.dispose()
    per_link = Counter(e.after["link"] for e in events)
    last = {e.after["link"]: e.after["verdict"] for e in events}
    return {
        "articles": len(tally.created - articles),
        "comments": max(0, tally.comments - comments),
        # each link holds one event per acknowledged write, no fewer (lost), no more
        "verdict events": sum(abs(per_link[link] - n) for link, n in tally.verdicts.items()),
        # and its verdict is the one its last event says
        "link verdicts": sum(1 for link, verdict in last.items() if verdicts.get(link) != verdict),
        "acknowledged": len(tally.created) + tally.comments + sum(tally.verdicts.values()),
    }


def summarise(label: str, tally: Tally, elapsed: float, clients: int,
              lost: dict[str, int]) -> dict[str, Any]:
    every = [x for values in tally.latencies.values() for x in values]
    kinds = {
        kind: {"count": len(values), "p50": pct(values, 50), "p99": pct(values, 99)}
        for kind, values in sorted(tally.latencies.items())
    }
    return {
        "store": label, "clients": clients, "seconds": elapsed, "requests": len(every),
        "rps": len(every) / elapsed if elapsed else 0.0, "p50": pct(every, 50),
        "p99": pct(every, 99), "kinds": kinds, "statuses": dict(tally.statuses),
        "conflicts": sum(v for (k, s), v in tally.statuses.items() if s == 409),
        "server_errors": len(tally.errors), "first_errors": tally.errors[:3], "lost": lost,
    }


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


# --- output ------------------------------------------------------------------------------


def render(results: list[dict[str, Any]], machine: str, args: argparse.Namespace) -> str:
    lines = [
        "# The editors' service under load",
        "",
        f"`.venv/bin/python benchmarks/service.py --duration {args.duration:g} "
        f"--clients {args.clients} --database {args.database}`: {args.clients} concurrent "
        "clients (one process, asyncio + httpx) against the service (uvicorn, one worker, "
        "in its own process) for the duration, each submitting articles (25%) or reviewing "
        f"one of the {RECENT} newest (75%: read it, set a link's verdict with the version "
        "read, comment 1 time in 5).",
        f"Generated articles cite {GENERATED} generated works (10.5555) served by the "
        "stand-in Crossref: the first submissions wait for the registry (the client paces "
        "its requests at Crossref's polite rate), later ones find the works in the store.",
        "",
        "```", machine, "```", "",
        "| store | requests | req/s | p50 ms | p99 ms | 409 | 5xx | lost writes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        lost = sum(v for k, v in r["lost"].items() if k != "acknowledged")
        lines.append(
            f"| {r['store']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['conflicts']} | {r['server_errors']} | "
            f"{lost} of {r['lost']['acknowledged']} acknowledged |"
        )
    lines += ["", "Per request kind (p50 / p99 ms, count):", ""]
    lines += ["| store | " + " | ".join(kind for kind in results[0]["kinds"]) + " |",
              "| --- |" + " ---: |" * len(results[0]["kinds"])]
    for r in results:
        cells = [f"{k['p50']:.1f} / {k['p99']:.1f} ({k['count']})" for k in r["kinds"].values()]
        lines.append(f"| {r['store']} | " + " | ".join(cells) + " |")
    lines += ["", "Lost writes, counted per kind: articles answered 201 but absent; comments "
              "fewer than acknowledged; links whose verdict events differ in number from the "
              "verdicts acknowledged on them; links whose verdict is not their last event's.",
              "", NOTE, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per store")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--output", type=Path, default=None,
                        help="also write the Markdown figures to this file")
    args = parser.parse_args(argv)
    machine = describe(["fastapi", "uvicorn", "SQLAlchemy", "psycopg"])
    print(machine, file=sys.stderr, flush=True)
    results = []
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'evidence.db'}"
            results.append(run(url, "SQLite", args.clients, args.duration))
            print(results[-1], file=sys.stderr, flush=True)
    if args.database in ("postgresql", "both"):
        from tests import database

        url = database.create_database()
        try:
            results.append(run(url, "PostgreSQL", args.clients, args.duration))
            print(results[-1], file=sys.stderr, flush=True)
        finally:
            database.drop_database(url)
    text = render(results, machine, args)
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    lost = any(v for r in results for k, v in r["lost"].items() if k != "acknowledged")
    return 1 if lost or any(r["server_errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
