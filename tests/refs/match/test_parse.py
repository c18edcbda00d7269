"""Parsing free-text references: the styles the parser claims, and real strings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refs.match import ParsedReference, parse_reference

SAMPLE = Path(__file__).parents[2] / "fixtures" / "refstrings-sample.json"
"""Real strings from CrossRef/reference-matching-evaluation (MIT); provenance inside."""
SEED = (
    "Hayden, Jill A et al. \u201cExercise therapy for chronic low back pain.\u201d The Cochrane "
    "database of systematic reviews vol. 9,9 CD009790. 28 Sep. 2021, "
    "doi:10.1002/14651858.CD009790.pub2"
)


def _sample() -> list[dict[str, Any]]:
    references: list[dict[str, Any]] = json.loads(SAMPLE.read_text(encoding="utf-8"))[
        "references"
    ]
    return references


def test_the_seed_style() -> None:
    parsed = parse_reference(SEED)
    assert parsed == ParsedReference(
        text=SEED,
        doi="10.1002/14651858.cd009790.pub2",
        year=2021,
        first_author="Hayden",
        authors=("Hayden",),
        title="Exercise therapy for chronic low back pain",
        container="The Cochrane database of systematic reviews",
        volume="9",
        issue="9",
        pages="CD009790",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gino, F., & Wiltermuth, S. S. (2014). Evil Genius? How Dishonesty Can Lead to "
            "Greater Creativity. Psychological Science, 25(4), 973\u2013981.",
            ("Gino", 2014, "Evil Genius? How Dishonesty Can Lead to Greater Creativity",
             "Psychological Science", "25", "4", "973\u2013981"),
        ),
        (
            "Gino F, Wiltermuth SS. Evil Genius? How Dishonesty Can Lead to Greater "
            "Creativity. Psychol Sci. 2014;25(4):973-81.",
            ("Gino", 2014, "Evil Genius? How Dishonesty Can Lead to Greater Creativity",
             "Psychol Sci", "25", "4", "973-81"),
        ),
        (
            "[1]D. Tkaczyk, P. Szostek, M. Fedoryszak, P. J. Dendek, and Bolikowski,"
            "\u201cCERMINE: automatic extraction of structured metadata from scientific "
            "literature,\u201d International Journal on Document Analysis and Recognition "
            "(IJDAR), vol. 18, no. 4, pp. 317\u2013335, 2015.",
            ("Tkaczyk", 2015,
             "CERMINE: automatic extraction of structured metadata from scientific literature",
             "International Journal on Document Analysis and Recognition (IJDAR)", "18", "4",
             "317\u2013335"),
        ),
    ],
    ids=["apa", "vancouver", "ieee-quoted"],
)
def test_styles(text: str, expected: tuple[object, ...]) -> None:
    p = parse_reference(text)
    assert (p.first_author, p.year, p.title, p.container, p.volume, p.issue, p.pages) == expected


def test_all_authors_are_read_in_order() -> None:
    parsed = parse_reference(
        "Suresh, M. R., & Milstein, C. (1985). A direct antigen-binding assa to screen "
        "hybridoma supernatants. Analytical Biochemistry, 151(1), 192\u2013195."
    )
    assert parsed.authors == ("Suresh", "Milstein")


@pytest.mark.parametrize("row", _sample(), ids=lambda r: r["ref_string"][:24])
def test_real_strings(row: dict[str, Any]) -> None:
    parsed = parse_reference(row["ref_string"])
    got = {field: getattr(parsed, field) for field in row["expected"]}
    assert got == row["expected"]


def test_a_written_doi_is_the_gold_one_even_when_split_by_a_space() -> None:
    with_doi = [r for r in _sample() if r["expected"].get("doi")]
    assert len(with_doi) >= 3
    for row in with_doi:
        assert parse_reference(row["ref_string"]).doi == row["gold_doi"]


def test_what_is_not_there_stays_none() -> None:
    parsed = parse_reference("Some words without any structure at all")
    assert (parsed.doi, parsed.year, parsed.volume, parsed.pages) == (None, None, None, None)


def test_empty_text_gives_an_empty_record() -> None:
    assert parse_reference("   ") == ParsedReference(text="   ")


CHAPTER = ("Marsh", 2010, "Walking after surgery", "Recovery at home", "45-67")
"""What each style of the same (made-up) chapter says: its book is the container."""


@pytest.mark.parametrize(
    "text",
    [
        "Marsh, T. (2010). Walking after surgery. In P. Okafor & L. Brandt (Eds.), Recovery at "
        "home (2nd ed., pp. 45-67). Leeds: Fenwick Press.",
        "Marsh T (2010) Walking after surgery. In: Okafor P, Brandt L (eds) Recovery at home, "
        "2nd edn. Fenwick Press, Leeds, pp 45-67",
        "Marsh T. Walking after surgery. In: Okafor P, Brandt L, editors. Recovery at home. "
        "Leeds: Fenwick Press; 2010. p. 45-67.",
        "Marsh, Tom. 2010. Walking after surgery. In Recovery at home, ed. P. Okafor, 45-67. "
        "Leeds: Fenwick Press.",
        "Marsh, T. (2010). Walking after surgery. In Recovery at home (pp. 45-67). Leeds: "
        "Fenwick Press.",
    ],
    ids=["apa", "springer", "vancouver", "chicago", "apa-no-editors"],
)
def test_a_chapters_container_is_its_book(text: str) -> None:
    p = parse_reference(text)
    assert (p.first_author, p.year, p.title, p.container, p.pages) == CHAPTER
    assert (p.volume, p.issue) == (None, None)


def test_a_real_chapter_names_its_book() -> None:
    (row,) = [r for r in _sample() if r["ref_string"].startswith("Gottlieb, J.;Leyser")]
    parsed = parse_reference(row["ref_string"])
    assert parsed.title == row["expected"]["title"]
    assert parsed.container == "The Development of Children's Friendships"
    assert parsed.pages is None  # the string gives none


@pytest.mark.parametrize(
    ("text", "container"),
    [
        ("Ortega, R. (2019). In vivo imaging of the lumbar disc. Spine Research, 12(3), 101-110.",
         "Spine Research"),
        ("Ortega R. In Memoriam: a teacher of therapists. Spine Res. 2019;12(3):101-10.",
         "Spine Res"),
    ],
    ids=["in-vivo", "in-memoriam"],
)
def test_a_title_opening_with_in_is_no_chapter(text: str, container: str) -> None:
    parsed = parse_reference(text)
    assert parsed.title is not None and parsed.title.startswith("In ")
    assert (parsed.container, parsed.volume, parsed.issue) == (container, "12", "3")
