"""The examples' checks are what examples/README.md says, read from the articles themselves.

The examples' two works are served from records built from the article's reference list
(tests/fixtures/article-records), so `metadata-mismatch` is out of scope here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.standin import Standin

EXAMPLES = Path(__file__).parents[3] / "examples"
SEED = Path(__file__).parents[4] / "shared" / "seed" / "physical-therapy-spine-pain.txt"
HAYDEN = "10.1002/14651858.cd009790.pub2"
KREINER = "10.1016/j.spinee.2020.04.006"

# (line, opening words, backing DOI or None) per format, from examples/README.md.
EXPECTED = {
    "txt": [(17, "Research has shown that exercise therapy", HAYDEN),
            (17, "The North American Spine Society guideline", KREINER),
            (21, "A typical course of physical therapy", None),
            (25, "Most private health plans", None)],
    "md": [(27, "Research has shown that exercise therapy", HAYDEN),
           (28, "The North American Spine Society guideline", KREINER),
           (34, "A typical course of physical therapy", None),
           (39, "Most private health plans", None)],
    "html": [(44, "Research has shown that exercise therapy", HAYDEN),
             (46, "The North American Spine Society guideline", KREINER),
             (51, "A typical course of physical therapy", None),
             (56, "Most private health plans", None)],
}
HOW = {"txt": "inferred", "md": "marker", "html": "marker"}


def claims_of(report: dict[str, Any]) -> list[tuple[int, str, list[tuple[str, str]]]]:
    (article,) = report["articles"]
    return [(c["line"], c["text"], [(s["doi"], s["how"]) for s in c["sources"]])
            for c in article["claims"] if c["needs_support"]]


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_example_check_finds_the_claims_and_their_sources(evidence: Any, fmt: str) -> None:
    run = evidence("check", str(EXAMPLES / f"spine-pain.{fmt}"), "--format", "json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    claims = claims_of(report)
    assert len(claims) == len(EXPECTED[fmt])
    for (line, text, sources), (want_line, opening, doi) in zip(claims, EXPECTED[fmt],
                                                                 strict=True):
        assert (line, text[: len(opening)]) == (want_line, opening)
        assert [d for d, _ in sources] == ([doi] if doi else [])
        assert all(how == HOW[fmt] for _, how in sources)
    references = report["articles"][0]["references"]
    assert [(r["doi"], r["status"]) for r in references] == [(HAYDEN, "resolved"),
                                                             (KREINER, "resolved")]
    findings = [(f["rule"], f["line"]) for f in report["findings"]
                if f["rule"] != "metadata-mismatch"]
    unsupported = [(line, None) for line, _, doi in EXPECTED[fmt] if doi is None]
    assert sorted(findings) == sorted(("unsupported-claim", line) for line, _ in unsupported)


def test_fail_on_warning_fails_on_unsupported_claims(evidence: Any) -> None:
    run = evidence("check", str(EXAMPLES / "spine-pain.txt"), "--fail-on", "warning")
    assert run.code == 1
    assert "unsupported-claim" in run.out


def test_warm_store_checks_offline_with_no_request(evidence: Any, standin: Standin) -> None:
    assert evidence("check", str(EXAMPLES / "spine-pain.txt")).code == 0
    asked = len(standin.log)
    run = evidence("check", "--offline", str(EXAMPLES / "spine-pain.txt"), "--format", "json")
    assert run.code == 0
    assert len(standin.log) == asked
    statuses = {r["status"] for r in json.loads(run.out)["articles"][0]["references"]}
    assert statuses == {"resolved"}


def test_cold_offline_check_is_unverified_and_says_how_to_warm(evidence: Any,
                                                                standin: Standin) -> None:
    run = evidence("check", "--offline", str(EXAMPLES / "spine-pain.txt"), "--format", "json")
    assert run.code == 0
    report = json.loads(run.out)
    assert {r["status"] for r in report["articles"][0]["references"]} == {"unverified"}
    rules = {f["rule"] for f in report["findings"]}
    assert "unverified-reference" in rules and "doi-not-found" not in rules
    assert len(claims_of(report)) == 4
    assert "warm the store" in run.err
    assert standin.log == []


@pytest.mark.skipif(not SEED.exists(), reason="the seed article lives in ../shared, not here")
def test_seed_article(evidence: Any) -> None:
    run = evidence("check", str(SEED), "--format", "json")
    report = json.loads(run.out)
    claims = claims_of(report)
    assert [line for line, _, _ in claims] == [36, 38, 42, 42, 44, 48, 48, 50]
    backed = {text[:20]: [d for d, _ in s] for _, text, s in claims if s}
    assert backed == {"Many studies have sh": [HAYDEN], "Furthermore the Nort": [KREINER]}
    references = report["articles"][0]["references"]
    assert [(r["line"], r["doi"]) for r in references] == [(53, HAYDEN), (55, KREINER)]


def test_check_records_the_article_and_its_links(evidence: Any, store_url: str) -> None:
    from sqlalchemy import func, select

    from evidence.store.engine import open_store, session_factory
    from evidence.store.models import Article, Claim, Link

    path = str(EXAMPLES / "spine-pain.md")
    assert evidence("check", path).code == 0
    assert evidence("check", path).code == 0  # unchanged text: the same version
    engine = open_store(store_url)
    try:
        with session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 1
            claims = session.scalar(select(func.count()).select_from(Claim)
                                    .where(Claim.needs_support))
            hows = sorted(session.scalars(select(Link.how)))
    finally:
        engine.dispose()
    assert claims == 4 and hows == ["marker", "marker"]
