"""What counts as the same string, the same journal, the same pages."""

from __future__ import annotations

import pytest

from refs.match.normalize import (
    container_matches,
    first_last_page,
    fold,
    same_number,
    title_similarity,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Évolution <i>des</i> Espèces", "evolution des especes"),
        ("{M}ethods \\& {T}ools", "Methods and Tools"),
        ("Sch\\\"{o}nherr and Łukasz", "Schonherr & Lukasz"),
        ("Crystal  Research -- Technology.", "crystal research technology"),
    ],
    ids=["accents-html", "latex-braces-ampersand", "latex-accent-stroke", "punctuation"],
)
def test_formatting_folds_away(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("998-1024", ("998", "1024")),
        ("998\u20131024", ("998", "1024")),
        ("998-24", ("998", "1024")),
        ("1425 - 37", ("1425", "1437")),
        ("e0033693", ("e0033693", None)),
        ("CD009790", ("CD009790", None)),
        ("S4 - S21", ("S4", "21")),
        ("", (None, None)),
    ],
)
def test_first_and_last_page(pages: str, expected: tuple[str | None, str | None]) -> None:
    assert first_last_page(pages) == expected


@pytest.mark.parametrize(
    ("written", "registry"),
    [
        ("Psychol Sci", "Psychological Science"),
        ("The spine journal : official journal of the North American Spine Society",
         "The Spine Journal"),
        ("J. Am. Chem. Soc.", "Journal of the American Chemical Society"),
        ("Eur Respir J", "European Respiratory Journal"),
        ("PLoS ONE", "PLOS ONE"),
    ],
)
def test_abbreviated_journals_match(written: str, registry: str) -> None:
    assert container_matches(written, registry)


@pytest.mark.parametrize(
    ("written", "registry"),
    [("Psychological Review", "Psychological Science"), ("Nature", "Nature Genetics"),
     ("J Neurosci", "Journal of Neurochemistry Research")],
)
def test_other_journals_do_not(written: str, registry: str) -> None:
    assert not container_matches(written, registry)


def test_titles() -> None:
    assert title_similarity("Evil genius", "Evil Genius? How Dishonesty Works") == 1.0
    shouted = "EVIL GENIUS? HOW DISHONESTY WORKS"
    assert title_similarity(shouted, "Evil genius? How dishonesty works") == 1.0
    assert title_similarity("Evil genius", "Good genius") < 0.9
    assert title_similarity(None, "x") == 0.0


def test_numbers() -> None:
    assert same_number("09", "9")
    assert same_number("1-3", "1\u20133")
    assert not same_number("25", "26")
    assert not same_number(None, "2")
