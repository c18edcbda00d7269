from __future__ import annotations

import json
from pathlib import Path

import pytest

from refs.markup import clean_text, strip_jats
from refs.work import PartialDate, Work, work_from_crossref, work_from_csl, work_to_csl

WORKS = Path(__file__).parents[1] / "fixtures" / "crossref" / "works"


def load(doi: str) -> Work:
    path = WORKS / (doi.replace("/", "__") + ".json")
    return work_from_crossref(json.loads(path.read_text(encoding="utf-8"))["message"])


def test_retracted_work_has_both_notices_once_each() -> None:
    work = load("10.1177/0956797614520714")
    assert work.retracted and not work.corrected
    assert work.title.startswith("Retracted: Evil Genius?")
    assert [(u.source, u.doi) for u in work.updates] == [
        ("retraction-watch", "10.1177/09567976231187595"),
        ("publisher", "10.1177/09567976231187595"),
    ]
    assert work.first_author is not None and work.first_author.family == "Gino"
    assert (work.year, work.volume, work.issue, work.pages) == (2014, "25", "4", "973-981")


def test_correction_is_not_a_retraction() -> None:
    work = load("10.1371/journal.pone.0033693")
    assert work.corrected and not work.retracted
    assert work.updates[0].kind == "correction"


def test_a_notice_carries_update_to() -> None:
    work = load("10.1371/journal.ppat.1008184")
    assert work.notice_of and work.notice_of[0].kind == "new_version"


@pytest.mark.parametrize(
    ("doi", "needle"),
    [("10.5194/cp-2020-95", "δ13C"), ("10.1101/2020.12.01.406702", "")],
    ids=["double-escaped", "html-italics"],
)
def test_titles_lose_their_markup_but_keep_the_raw(doi: str, needle: str) -> None:
    work = load(doi)
    assert "<" not in work.title and "&" not in work.title.replace(" & ", "")
    assert needle in work.title
    assert work.title_raw is not None and work.title_raw != work.title


def test_every_recorded_work_reads() -> None:
    works = [work_from_crossref(json.loads(p.read_text())["message"]) for p in WORKS.glob("*.json")]
    assert len(works) == 114
    assert all(w.doi for w in works)
    assert sum(1 for w in works if w.abstract) >= 30
    assert all("<jats:" not in (w.abstract or "") for w in works)


def test_csl_round_trip_keeps_bibliographic_fields() -> None:
    work = load("10.1177/0956797614520714")
    again = work_from_csl(work_to_csl(work))
    for field in ("doi", "title", "authors", "issued", "type", "container_title", "volume",
                  "issue", "pages", "publisher"):
        assert getattr(again, field) == getattr(work, field), field


@pytest.mark.parametrize(
    ("parts", "expected"),
    [([2021, 9, 28], "2021-09-28"), ([2020], "2020"), ([2020, 13], "2020"), (["x"], None)],
)
def test_partial_dates(parts: list[object], expected: str | None) -> None:
    date = PartialDate.from_parts(parts)
    assert (date.isoformat() if date else None) == expected


def test_markup_cleaning() -> None:
    assert clean_text("δ&amp;lt;sup&amp;gt;13&amp;lt;/sup&amp;gt;C") == "δ13C"
    assert clean_text("<mml:math><mml:mi>k</mml:mi></mml:math>-means") == "k-means"
    assert clean_text("a &lt; b") == "a < b"
    assert strip_jats("<jats:p>One.</jats:p><jats:p>Two.</jats:p>") == "One. Two."
