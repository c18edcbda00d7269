"""Sentences: abbreviations, numbers, list items, headings, and where each one stands."""

from __future__ import annotations

import pytest

from evidence.articles import parse_article


def sentences(text: str) -> list[str]:
    return [s.text for s in parse_article(text).sentences]


@pytest.mark.parametrize(
    "text",
    [
        "Hayden et al. reviewed many trials of exercise.",
        "Some therapies, e.g. massage, ease tension for a while.",
        "Dr. Harrison is a physician in San Francisco.",
        "The review appeared in vol. 9 of the database in 2021.",
        "The mean pain score fell by 3.5 points on a 10-point scale.",
        "Costs were lower, i.e. about $1,200.50 per patient.",
        "Most patients in the U.S. pay a copay for each visit.",
    ],
)
def test_kept_whole(text: str) -> None:
    assert sentences(f"{text} A second sentence follows.") == [text, "A second sentence follows."]


def test_list_items_are_units_and_headings_are_recorded() -> None:
    text = (
        "Treatment options\n\n"
        "Care usually includes:\n"
        "  1. Exercise. It builds strength.\n"
        "  2. Massage\n"
        "  - Heat packs\n"
        "    applied at home\n"
        "  \u2022 Education\n"
    )
    article = parse_article(text)
    assert [(s.kind, s.text, s.line) for s in article.sentences] == [
        ("heading", "Treatment options", 1),
        ("sentence", "Care usually includes:", 3),
        ("list-item", "Exercise. It builds strength.", 4),
        ("list-item", "Massage", 5),
        ("list-item", "Heat packs applied at home", 6),
        ("list-item", "Education", 8),
    ]
    assert [s.paragraph for s in article.sentences] == [0, 1, 2, 3, 4, 5]


def test_spans_map_back_through_wrapped_lines() -> None:
    text = "First sentence\nwraps here. Second\n   sentence on line two.\n\nThird."
    article = parse_article(text)
    assert [(s.text, s.line) for s in article.sentences] == [
        ("First sentence wraps here.", 1),
        ("Second sentence on line two.", 2),
        ("Third.", 5),
    ]
    second = article.sentences[1]
    assert text[second.start : second.end] == "Second\n   sentence on line two."


def test_unfinished_sentence_is_kept() -> None:
    assert sentences("Studies show it works\n\nNext one.") == ["Studies show it works", "Next one."]


def test_ten_thousand_sentences_in_one_paragraph() -> None:
    text = " ".join(
        f"Sentence {i} says exercise helps (Hayden et al., 2021)." for i in range(10_000)
    )
    article = parse_article(text)
    assert len(article.sentences) == 10_000
    last = article.sentences[-1]
    assert last.text == "Sentence 9999 says exercise helps (Hayden et al., 2021)."
    assert text[last.start : last.end] == last.text
    assert last.markers[0].targets == ("hayden 2021",)
