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
