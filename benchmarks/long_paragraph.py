"""Linking, and the whole check, on one paragraph of 10,000 to 100,000 sentences (issue 16).

A single paragraph of 130,000 sentences once froze the service for 17 minutes: linking walked
from every sentence to the end of its paragraph, quadratic in the sentences of a paragraph.
This script times, for each size, in the same run:

* ``link``      ``link_claims`` as it is now (paragraph ends found once);
* ``link-old``  the same call with the old walking step put back in (``_covering`` as it was
  before issue 16), only up to ``--old-max`` sentences: it grows with the square of the size
  (at 100,000 sentences it would run for hours). Both count ``_same_paragraph`` calls;
* ``check``     reading the text and ``check_parsed`` offline on an empty SQLite store
  (sentences, claims, linking, audit), the step ``evidence check`` and the service run.

Then the service (``--service``, on by default): the largest article the service accepts
(one paragraph of just under its 5,000,000 characters) is sent to ``POST /api/articles``
of a real uvicorn server (offline, SQLite), while ``/health`` is asked every 0.1 s. In these
shapes (``--shapes``, all by default):

* ``process``    the check's CPU-bound steps (reading, claims, linking, audit, storing) in a
  worker process, its registry step in the service, as now (``evidence.checksteps``);
* ``thread``     as before the worker processes: the same steps in a worker thread of the
  service's process (the check's objects and collections in it), and start-up's objects not
  frozen out of collections (``evidence.web.app._freeze_startup_objects`` left out);
* ``orm-store``  ``thread``, with claims and links stored as ORM objects as before issue 16C
  (about 1.3 million tracked objects alive at once for 54,000 claims);
* ``on-loop``    the steps run on the event loop as before issue 16 (linking already linear,
  claims stored as now, nothing frozen).

Figures: the submission's seconds, /health's answer times (median, 95th centile, max), and
the full (generation 2) garbage collections meanwhile, which stop every thread: how many,
and the longest one, timed with ``gc.callbacks`` in this process (the server runs in it; a
worker process's collections are its own and not counted).

The paragraph: SciFact dev claims (CC BY 4.0; Wadden et al., EMNLP 2020), in order, repeated,
joined into one paragraph; every 100th sentence is followed by "This was shown in [2]."
(rule 1 of the linker), and the paragraph ends with "See [1]." (rule 2, which covers it
all). Two references with generated DOIs (Crossref's test prefix 10.5555). Figures are
seconds and microseconds per sentence; a linear step keeps the second column flat.

Run from the repository root: ``.venv/bin/python benchmarks/long_paragraph.py``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import httpx
from _machine import describe, repo_root_on_path
from sqlalchemy.orm import Session

import evidence.linking.link as link_module
import evidence.store.saving as saving_module
import evidence.web.app as app_module
from evidence.articles import Article, parse_article
from evidence.check import check_parsed
from evidence.claims import find_claims
from evidence.config import Settings
from evidence.linking import link_claims, reference_texts
from evidence.linking.shapes import SentenceLike
from evidence.results import ClaimResult
from evidence.store.engine import open_store, session_factory
from evidence.store.models import Article as ArticleRow
from evidence.store.models import Claim, Link, Reference, Verdict, utcnow
from evidence.store.tokens import create_token
from evidence.web import create_app
from evidence.web.app import MAX_BODY
from evidence.web.schemas import MAX_TEXT

T = TypeVar("T")
DATA = Path("/work/shared/data/scifact/claims_dev.jsonl")
SIZES = (10_000, 20_000, 50_000, 100_000)
SHAPES = ("process", "thread", "orm-store", "on-loop")
OLD_MAX = 20_000
REFERENCES = (
    "[1] Generated A. (2001). A generated benchmark reference. Generated Journal of Benchmark "
    "Load. doi:10.5555/bench.long-paragraph.1\n"
    "[2] Generated B. (2002). Another generated benchmark reference. Generated Journal of "
    "Benchmark Load. doi:10.5555/bench.long-paragraph.2\n"
)


def paragraph_text(claims: Sequence[str], sentences: int) -> str:
    """One paragraph of about ``sentences`` sentences, then a reference list."""
    parts: list[str] = []
    for i in range(sentences - 1):
        parts.append(claims[i % len(claims)].rstrip(".") + ".")
        if i % 100 == 99:
            parts.append("This was shown in [2].")
    parts.append("See [1].")
    return " ".join(parts) + "\n\nReferences\n\n" + REFERENCES


def _old_covering(
    sentences: Sequence[SentenceLike],
    own: dict[int, list[tuple[int, str]]],
    ends: list[int],
    closers: set[int],
    i: int,
) -> list[tuple[int, str]]:
    """``_covering`` before issue 16: rule 2 walks to the paragraph's end from every sentence
    (``ends`` and ``closers`` are ignored)."""
    same = link_module._same_paragraph
    sentence = sentences[i]
    if sentence.kind == "heading" or sentence.markers:
        return []
    following = i + 1
    if following < len(sentences) and same(sentences[following], sentence):
        nxt = sentences[following]
        if following in own and (link_module._citation_only(nxt)
                                 or link_module._anaphoric(nxt.text)):
            return own[following]
    last = i
    while last + 1 < len(sentences) and same(sentences[last + 1], sentence):
        last += 1
    if last != i and last in own and link_module._citation_only(sentences[last]):
        return own[last]
    return []


class _Counted:
    calls = 0


@contextmanager
def linker(old: bool) -> Iterator[type[_Counted]]:
    """Count ``_same_paragraph`` calls; with ``old``, put the walking ``_covering`` back."""
    same, covering = link_module._same_paragraph, link_module._covering
    _Counted.calls = 0

    def counted(other: SentenceLike, sentence: SentenceLike) -> bool:
        _Counted.calls += 1
        return same(other, sentence)

    link_module._same_paragraph = counted
    if old:
        link_module._covering = _old_covering
    try:
        yield _Counted
    finally:
        link_module._same_paragraph, link_module._covering = same, covering


def time_link(article: Article, old: bool) -> tuple[float, int, int]:
    """Seconds for ``link_claims``, ``_same_paragraph`` calls, sentences linked."""
    flags = [verdict.needs_support for _, verdict in find_claims(article)]
    texts = reference_texts(article, [None] * len(article.references))
    with linker(old) as counter:
        start = time.perf_counter()
        result = link_claims(article, texts, claims=flags)
        seconds = time.perf_counter() - start
    return seconds, counter.calls, len(result.links)


def time_check(text: str, folder: Path) -> tuple[float, int]:
    """Seconds to read and check the text offline on an empty store; claims found."""
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    try:
        settings = Settings(database_url=url, offline=True)
        start = time.perf_counter()
        article = parse_article(text, path="long-paragraph.txt", format="text")
        result = asyncio.run(check_parsed([(article, [])], settings=settings,
                                          sessions=session_factory(engine)))
        seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    return seconds, sum(c.needs_support for c in result.articles[0].claims)


def largest_accepted(claims: Sequence[str]) -> str:
    """The longest paragraph the service takes: at most ``MAX_TEXT`` characters, in a
    ``POST /api/articles`` body under ``MAX_BODY`` bytes (to within 2%)."""
    sentences = MAX_BODY // 80
    while True:
        text = paragraph_text(claims, sentences)
        body = json.dumps({"name": "long-paragraph.txt", "text": text})
        if len(body) < MAX_BODY - 1024 and len(text) <= MAX_TEXT:
            return text
        sentences = int(sentences * 0.98)


def _orm_add_claims(session: Session, article: ArticleRow,
                    claims: Sequence[ClaimResult]) -> list[Claim]:
    """``_add_claims`` before issue 16C: one ORM object per claim."""
    rows = [
        Claim(article_id=article.id, position=position, text=claim.text, line=claim.line,
              needs_support=claim.needs_support, reason="; ".join(claim.reasons) or None,
              no_source_reason=claim.suppressed)
        for position, claim in enumerate(claims)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def _orm_add_links(session: Session, rows: list[Claim], claims: Sequence[ClaimResult],
                   references: list[Reference]) -> None:
    """``_add_links`` before issue 16C: one ORM object per link."""
    now = utcnow()
    for row, claim in zip(rows, claims, strict=True):
        for source in saving_module._strongest(claim.sources):
            if 0 <= source.reference < len(references):
                session.add(Link(claim_id=row.id, reference_id=references[source.reference].id,
                                 how=source.how, score=source.score,
                                 verdict=Verdict.UNREVIEWED.value, created_at=now,
                                 updated_at=now))
    session.flush()


@contextmanager
def orm_store() -> Iterator[None]:
    """Store claims and links as ORM objects, as before issue 16C."""
    claims, links = saving_module._add_claims, saving_module._add_links
    saving_module._add_claims = _orm_add_claims  # type: ignore[assignment]
    saving_module._add_links = _orm_add_links  # type: ignore[assignment]
    try:
        yield
    finally:
        saving_module._add_claims, saving_module._add_links = claims, links


class FullCollections:
    """The full (generation 2) garbage collections while it is entered: their seconds."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._start = 0.0

    def _heard(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._start)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._heard)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._heard)


class ThreadSteps:
    """A check's steps in a worker thread of the service's process (before the workers)."""

    async def run(self, step: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(step, *args)

    def shutdown(self) -> None:
        return None


class LoopSteps(ThreadSteps):
    """A check's steps on the service's event loop (before issue 16)."""

    async def run(self, step: Callable[..., T], *args: Any) -> T:
        return step(*args)


READS = (
    ("api", "/api/articles/{id}"),
    ("api max page", "/api/articles/{id}?limit=10000"),
    ("page", "/articles/{id}"),
    ("page last", "/articles/{id}?offset=54000"),
    ("page max", "/articles/{id}?limit=10000"),
)
"""Reading the stored article back (``process`` shape only): the API's default page of 1,000
claims and its largest (10,000), and the article page's the same (issue 16: the page with
every claim ran for minutes)."""


@dataclass
class ServiceRun:
    seconds: float  # the submission's
    latencies: list[float]  # /health's answers during the submission
    pauses: list[float]  # full garbage collections during the submission
    reads: list[tuple[str, float, int, float, list[float]]] = field(default_factory=list)
    """(read, seconds, bytes, slowest /health answer meanwhile, its full collections)"""


def service_health(text: str, folder: Path, *, shape: str) -> ServiceRun:
    """Submit ``text`` to a running service, /health asked meanwhile; then read it back."""
    repo_root_on_path()
    from tests.standin.server import serve_in_thread

    settings = Settings(database_url=f"sqlite:///{folder / 'service.db'}", offline=True)
    app = create_app(settings)
    freeze = app_module._freeze_startup_objects
    if shape != "process":
        app_module._freeze_startup_objects = _nothing_frozen
    with app.state.service.sessions.begin() as session:
        token = create_token(session, name="bench", role="editor")
    if shape in ("thread", "orm-store"):
        app.state.service.checks = ThreadSteps()
    elif shape == "on-loop":
        app.state.service.checks = LoopSteps()
    latencies: list[float] = []
    done = threading.Event()
    with serve_in_thread(app, lifespan="on", log_level="critical") as url:

        def poll() -> None:
            with httpx.Client(base_url=url, timeout=3600) as client:
                while not done.is_set():
                    start = time.perf_counter()
                    client.get("/health").raise_for_status()
                    latencies.append(time.perf_counter() - start)
                    time.sleep(0.1)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        headers = {"Authorization": f"Bearer {token}"}
        store = orm_store() if shape == "orm-store" else nullcontext()
        with (httpx.Client(base_url=url, headers=headers, timeout=3600) as client,
              store, FullCollections() as collections):
            start = time.perf_counter()
            posted = client.post("/api/articles", json={"name": "long-paragraph.txt",
                                                        "text": text})
            posted.raise_for_status()
            run = ServiceRun(time.perf_counter() - start, list(latencies),
                             list(collections.pauses))
        if shape == "process":
            with httpx.Client(base_url=url, headers=headers, timeout=3600) as client:
                for label, path in READS:
                    polled = len(latencies)
                    with FullCollections() as collections:
                        start = time.perf_counter()
                        answer = client.get(path.format(id=posted.json()["id"]))
                        answer.raise_for_status()
                        seconds = time.perf_counter() - start
                        time.sleep(0.2)  # the /health answer that waited for it comes in
                    run.reads.append((label, seconds, len(answer.content),
                                      max(latencies[polled:], default=0.0),
                                      list(collections.pauses)))
        done.set()
        poller.join()
    app_module._freeze_startup_objects = freeze
    return run


def _nothing_frozen() -> None:
    return None


def freeze_effect(folder: Path) -> tuple[int, float, float]:
    """Tracked objects of a made app (the routes' modules imported), and the slowest of five
    full collections before and after ``gc.freeze`` (what the service does at start-up)."""
    import evidence.web.routes.pages  # noqa: F401  (what serving the pages imports)

    create_app(Settings(database_url=f"sqlite:///{folder / 'freeze.db'}", offline=True))

    def slowest() -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            gc.collect()
            times.append(time.perf_counter() - start)
        return max(times)

    tracked, before = len(gc.get_objects()), slowest()
    gc.freeze()
    try:
        return tracked, before, slowest()
    finally:
        gc.unfreeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES),
                        help="paragraph sizes for linking and the check (none: skip them)")
    parser.add_argument("--old-max", type=int, default=OLD_MAX,
                        help="largest size at which the old linking step is timed too")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-service", dest="service", action="store_false",
                        help="skip the service's /health measurement")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES),
                        help="the service's shapes to measure")
    args = parser.parse_args()
    claims = [str(json.loads(line)["claim"])
              for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(describe(["pysbd"]))
    print(f"{'sentences':>9} {'MB':>5}  {'step':<9} {'seconds':>8} {'µs/sent':>8} "
          f"{'same_paragraph calls':>21}  linked / claims")
    for size in args.sizes:
        text = paragraph_text(claims, size)
        article = parse_article(text, path="long-paragraph.txt", format="text")
        n = len(article.sentences)
        megabytes = len(text.encode()) / 1e6
        shapes = [False, True] if size <= args.old_max else [False]
        for old in shapes:
            seconds, calls, linked = time_link(article, old)
            step = "link-old" if old else "link"
            print(f"{n:>9} {megabytes:>5.2f}  {step:<9} {seconds:>8.2f} {seconds / n * 1e6:>8.1f} "
                  f"{calls:>21,}  {linked}")
        with tempfile.TemporaryDirectory() as folder:
            seconds, needing = time_check(text, Path(folder))
        print(f"{n:>9} {megabytes:>5.2f}  {'check':<9} {seconds:>8.2f} {seconds / n * 1e6:>8.1f} "
              f"{'':>21}  {needing}")
    if not args.service:
        return
    with tempfile.TemporaryDirectory() as folder:
        tracked, before, after = freeze_effect(Path(folder))
    print(f"\nservice process: {tracked:,} tracked objects; slowest of 5 full collections "
          f"{before:.3f} s, after gc.freeze {after:.6f} s")
    text = largest_accepted(claims)
    n = len(parse_article(text, path="long-paragraph.txt", format="text").sentences)
    print(f"\nservice: POST /api/articles of one paragraph of {n:,} sentences "
          f"({len(text):,} characters), /health every 0.1 s meanwhile")
    reads: list[str] = []
    print(f"{'shape':<9} {'submit s':>9} {'polls':>6} {'median s':>9} {'p95 s':>7} "
          f"{'max s':>7} {'full GCs':>8} {'longest s':>9}")
    for shape in args.shapes:
        with tempfile.TemporaryDirectory() as folder:
            run = service_health(text, Path(folder), shape=shape)
        ranked = sorted(run.latencies)
        p95 = ranked[min(len(ranked) - 1, int(len(ranked) * 0.95))]
        print(f"{shape:<9} {run.seconds:>9.1f} {len(ranked):>6} "
              f"{statistics.median(ranked):>9.3f} {p95:>7.3f} {ranked[-1]:>7.3f} "
              f"{len(run.pauses):>8} {max(run.pauses, default=0):>9.3f}", flush=True)
        for label, seconds, size, slowest, pauses in run.reads:
            reads.append(f"{label:<13} {seconds:>9.2f} {size / 1e6:>6.2f} {slowest:>13.3f} "
                         f"{len(pauses):>8} {max(pauses, default=0):>9.3f}")
    if reads:
        print(f"\nreading it back (GET, process shape)\n{'read':<13} {'seconds':>9} {'MB':>6} "
              f"{'/health max s':>13} {'full GCs':>8} {'longest s':>9}")
        print("\n".join(reads))


if __name__ == "__main__":
    main()
