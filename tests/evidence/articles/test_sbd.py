"""The faster sentence finder gives pysbd's own sentences, on both of its paths."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.articles.sbd import plain_sentences, segment_chunk
from evidence.articles.segment import _chunks

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

PLAIN_WORDS = [
    "exercise", "helps", "back", "pain", "therapy", "patients", "improved", "sessions",
    "weeks", "the", "of", "in", "at", "is", "also", "cost", "alone", "nothing", "mixed",
    "don't", "patient's", "day-to-day", "COVID-19", "50%", "2021", "1st",
]  # fmt: skip
OPENERS = ["The", "Research", "Most", "A", "Patients", "Therapy", "Ask", "Kreiner", "Hayden"]
RISKY = [
    # pysbd's abbreviations in several cases, prepositive and number ones among them
    "al", "Al", "Dr", "dr", "vol", "Fig", "fig", "no", "No", "co", "Co", "ing", "v", "vs",
    "st", "St", "pp", "art", "Jan", "mt", "ph", "Ph", "inc", "est", "ed", "ca",
    # what else its rules look at: list numbers, roman numerals, initials, "I", "KG",
    # decimals, dotted abbreviations and what their patterns also match, non-ASCII letters
    "I", "I'm", "I'll", "KG", "ii", "iv", "mix", "x", "J", "1", "12", "3.5", "e.g", "i.e",
    "U.S", "ups", "egg", "u.s.a", "\u017ft", "\u212a", "Stra\u00dfe", "caf\u00e9", "www.x.org",
]  # fmt: skip
AFTER = [
    " ", " ", " ", ". ", ". ", "? ", "! ", ", ", "; ", ".", "  ", " (", ") ", '" ', "' ", "-",
    "'s ", ": ", "... ", ". . . ", ".) ", "?! ", ".\u201d ", " \u2018", "\u2019 ",
]  # fmt: skip


@lru_cache(maxsize=1)
def _pysbd() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def pysbd_sentences(chunk: str) -> list[str]:
    """What pysbd itself gives, ends stripped and empty pieces dropped (as segment.py reads it)."""
    pieces = (piece.strip() for piece in _pysbd().processor(chunk).process())
    return [piece for piece in pieces if piece]


def _text(parts: list[tuple[str, str]]) -> str:
    return "".join(word + after for word, after in parts)


# Sentences of plain words, now and then a word or an ending that pysbd's rules look at.
_word = st.sampled_from(PLAIN_WORDS * 40 + RISKY)
_sentence = st.tuples(
    st.sampled_from(OPENERS * 40 + RISKY),
    st.lists(_word, max_size=8).map(" ".join),
    st.sampled_from([". "] * 8 + ["? "] * 3 + [".", " ", ", ", "  "]),
).map(lambda parts: " ".join(filter(None, parts[:2])) + parts[2])
plain_leaning = st.lists(_sentence, min_size=1, max_size=12).map("".join)
anything = st.lists(
    st.tuples(st.sampled_from([*PLAIN_WORDS, *OPENERS, *RISKY]), st.sampled_from(AFTER)),
    min_size=1,
    max_size=60,
).map(_text)


@settings(max_examples=400, deadline=None)
@given(chunk=plain_leaning)
def test_mostly_plain_text_gives_pysbds_sentences(chunk: str) -> None:
    assert segment_chunk(chunk) == pysbd_sentences(chunk)


@settings(max_examples=400, deadline=None)
@given(chunk=anything)
def test_any_text_gives_pysbds_sentences(chunk: str) -> None:
    assert segment_chunk(chunk) == pysbd_sentences(chunk)


def test_example_articles_give_pysbds_sentences_on_both_paths() -> None:
    chunks = []
    for path in sorted(EXAMPLES.glob("spine-pain.*")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(paragraph.split())
            chunks += [text[start:end] for start, end in _chunks(text) if text[start:end]]
    plain = [chunk for chunk in chunks if plain_sentences(chunk) is not None]
    assert len(plain) >= 10 and len(chunks) - len(plain) >= 10  # both paths are exercised
    for chunk in chunks:
        assert segment_chunk(chunk) == pysbd_sentences(chunk), chunk


def test_plain_text_is_cut_at_every_full_stop_and_question_mark() -> None:
    text = "Exercise helps. Does it last? Most patients say so "
    assert plain_sentences(text) == ["Exercise helps.", "Does it last?", "Most patients say so"]


@pytest.mark.parametrize(
    "text",
    [
        "Hayden et al. Reviewed trials.",  # an abbreviation before the period
        "Ask Dr. Smith first.",
        "It fell by 3.5 points.",  # a decimal
        "See Fig. Two.",
        "It works, e.g. Here.",
        "It helped. I think so.",  # "I" after a period is read by pysbd's rules
        "Therapy works. then it ends.",  # lower case after a period
        "Patients improved (see below). Then stopped.",  # brackets
        'She said "it works." Then left.',  # quotes
        "Steps: 1. Walk. Then rest.",  # a list number
        "Wait... Then go.",
        "Caf\u00e9 opens. Then closes.",  # letters outside ASCII
        "Two  spaces. Here.",
    ],
)
def test_anything_pysbd_might_decide_goes_to_pysbd(text: str) -> None:
    assert plain_sentences(text) is None
    assert segment_chunk(text) == pysbd_sentences(text)
