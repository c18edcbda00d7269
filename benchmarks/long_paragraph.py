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
of a real uvicorn server (offline, SQLite), while ``/health`` is asked every 0.1 s. Twice:
``worker``, the check in a worker thread as now, and ``on-loop``, the submit handler awaiting
the check on the event loop as it did before issue 16 (linking already linear in both).
Figures: the submission's seconds, and /health's answer times (median, 95th centile, max).

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
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from _machine import describe, repo_root_on_path

import evidence.linking.link as link_module
from evidence.articles import Article, parse_article
from evidence.check import check_parsed
from evidence.claims import find_claims
from evidence.config import Settings
from evidence.linking import link_claims, reference_texts
from evidence.linking.shapes import SentenceLike
from evidence.store.engine import open_store, session_factory
from evidence.store.tokens import create_token
from evidence.web import create_app
from evidence.web.app import MAX_BODY
from evidence.web.schemas import MAX_TEXT

DATA = Path("/work/shared/data/scifact/claims_dev.jsonl")
SIZES = (10_000, 20_000, 50_000, 100_000)
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

    link_module._same_paragraph = counted  # type: ignore[assignment]
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


async def _on_loop(svc: object, work: object) -> object:
    """``run_check`` as it was before issue 16: the check awaited on the event loop."""
    return await work(svc.client)  # type: ignore[attr-defined,operator]


def service_health(text: str, folder: Path, *, on_loop: bool) -> tuple[float, list[float]]:
    """Seconds to submit ``text`` to a running service; /health's answer times meanwhile."""
    repo_root_on_path()
    import evidence.web.submit as submit_module
    from tests.standin.server import serve_in_thread

    settings = Settings(database_url=f"sqlite:///{folder / 'service.db'}", offline=True)
    app = create_app(settings)
    with app.state.service.sessions.begin() as session:
        token = create_token(session, name="bench", role="editor")
    original = submit_module.run_check
    if on_loop:
        submit_module.run_check = _on_loop  # type: ignore[assignment]
    latencies: list[float] = []
    done = threading.Event()
    try:
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
            with httpx.Client(base_url=url, headers=headers, timeout=3600) as client:
                start = time.perf_counter()
                client.post("/api/articles", json={"name": "long-paragraph.txt",
                                                   "text": text}).raise_for_status()
                seconds = time.perf_counter() - start
            done.set()
            poller.join()
    finally:
        submit_module.run_check = original
    return seconds, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--old-max", type=int, default=OLD_MAX,
                        help="largest size at which the old linking step is timed too")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-service", dest="service", action="store_false",
                        help="skip the service's /health measurement")
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
    text = largest_accepted(claims)
    n = len(parse_article(text, path="long-paragraph.txt", format="text").sentences)
    print(f"\nservice: POST /api/articles of one paragraph of {n:,} sentences "
          f"({len(text):,} characters), /health every 0.1 s meanwhile")
    print(f"{'check':<8} {'submit s':>9} {'polls':>6} {'median s':>9} {'p95 s':>7} {'max s':>7}")
    for on_loop in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            seconds, latencies = service_health(text, Path(folder), on_loop=on_loop)
        ranked = sorted(latencies)
        p95 = ranked[min(len(ranked) - 1, int(len(ranked) * 0.95))]
        print(f"{'on-loop' if on_loop else 'worker':<8} {seconds:>9.1f} {len(ranked):>6} "
              f"{statistics.median(ranked):>9.3f} {p95:>7.3f} {ranked[-1]:>7.3f}")


if __name__ == "__main__":
    main()
