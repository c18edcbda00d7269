"""Written details against the registry's record of a real retracted work
(tests/fixtures/crossref/works/10.1177__0956797614520714.json, Gino & Wiltermuth 2014)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from refs.match import Mismatch, compare, parse_reference
from refs.work import Person, Work, work_from_crossref

RECORD = Path(__file__).parents[2] / "fixtures" / "crossref" / "works" / (
    "10.1177__0956797614520714.json"
)
APA = (
    "Gino, F., & Wiltermuth, S. S. ({year}). {title}. {journal}, {volume}(4), {pages}."
)
TITLE = "Evil Genius? How Dishonesty Can Lead to Greater Creativity"


@pytest.fixture
def registry() -> Work:
    return work_from_crossref(json.loads(RECORD.read_text())["message"])


def written(**changes: str) -> str:
    fields = {"year": "2014", "title": TITLE, "journal": "Psychological Science",
              "volume": "25", "pages": "973\u2013981"}
    return APA.format(**(fields | changes))


@pytest.mark.parametrize(
    "text",
    [
        written(),
        written(journal="Psychol Sci"),
        written(pages="973-981"),
        written(pages="973-81"),
        written(title=TITLE.lower()),
        written(title="Evil genius? How dishonesty can lead to greater creativity!"),
        written(title="Evil Genius? How Dishonesty Can Lead to Greater Creativity", year="2014"),
        "Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity. "
        "Psychol Sci. 2014;25(4):973-81.",
    ],
    ids=["as-registered", "abbreviated-journal", "hyphen-pages", "abbreviated-pages",
         "lower-case-title", "punctuation", "same-again", "vancouver"],
)
def test_formatting_is_no_mismatch(text: str, registry: Work) -> None:
    assert compare(parse_reference(text), registry) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (written(year="2013"), Mismatch("year", "2013", "2014")),
        (written(volume="26"), Mismatch("volume", "26", "25")),
        (
            "Wiltermuth, S. S., & Gino, F. (2014). " + TITLE
            + ". Psychological Science, 25(4), 973\u2013981.",
            Mismatch("authors", "Wiltermuth", "Gino"),
        ),
        (written(pages="937\u2013981"), Mismatch("pages", "937\u2013981", "973-981")),
        (written(journal="Psychological Review"),
         Mismatch("container", "Psychological Review", "Psychological Science")),
    ],
    ids=["wrong-year", "wrong-volume", "other-first-author", "wrong-pages", "other-journal"],
)
def test_a_real_difference_names_the_field_and_both_values(
    text: str, expected: Mismatch, registry: Work
) -> None:
    assert compare(parse_reference(text), registry) == [expected]


def test_the_print_year_is_the_works_year_too(registry: Work) -> None:
    # Online 2014-02-18, in print 2014-04: no other year to accept here, so 2015 is wrong.
    assert [m.field for m in compare(parse_reference(written(year="2015")), registry)] == ["year"]


def test_a_missing_subtitle_and_the_retraction_label_are_no_mismatch(registry: Work) -> None:
    assert registry.title.startswith("Retracted:")
    mine = replace(registry, title="Evil Genius?", raw=None)
    assert compare(mine, replace(registry, title="Evil Genius?: How Dishonesty Works")) == []
    assert compare(replace(registry, title=TITLE), registry) == []


def test_a_work_compares_like_a_parsed_reference(registry: Work) -> None:
    mine = replace(
        registry,
        title="{E}vil {G}enius? How Dishonesty Can Lead to Greater Creativity",
        authors=(Person(family="Gino", given="F."),),
        container_title="Psychol. Sci.",
        pages="973--981",
    )
    assert compare(mine, registry) == []
    other = replace(mine, issue="5")
    assert compare(other, registry) == [Mismatch("issue", "5", "4")]


def test_fields_missing_on_one_side_are_not_compared(registry: Work) -> None:
    no_title = parse_reference("Gino F, Wiltermuth SS (2014) Psychol Sci 25:973")
    assert no_title.title is None
    assert compare(no_title, registry) == []
    assert compare(parse_reference("Gino F. Evil genius."), registry) == []  # the main title
    assert str(Mismatch("year", "2013", "2014")) == "year: written '2013', registry has '2014'"
