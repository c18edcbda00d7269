"""pysbd's English sentences, found faster: plain chunks without it, the rest with less work.

A chunk where no period can be anything but a full stop (``plain_sentences``) is cut at its
full stops and question marks directly, as pysbd would cut it. Any other chunk goes to pysbd,
whose abbreviation pass is the slow part: it tries each of its ~190 English abbreviations on
every line, and one that occurs as a mere substring ("al" in "also", "co" in "cost") costs a
regex search and then, per word that opens with it, a substitution over the whole line. Every
one of those substitutions replaces the period right after the abbreviation as written, so an
abbreviation of plain letters can change a line only if the line holds it followed by a period.
Those are found first, from the letters before each period, and the others are not shown to
pysbd, whose own code then runs unchanged, in its own order. Abbreviations holding a period
(``e.g``, ``u.s``) are matched by pysbd as patterns, not as text, so they are always passed on;
so is every abbreviation when a word before a period has letters outside ASCII
(case-insensitive matching makes ``ſt`` an ``st``).
tests/evidence/articles/test_sbd.py holds both paths against pysbd's own sentences.
"""

from __future__ import annotations

import re
from typing import Any

from pysbd.lang.english import English
from pysbd.processor import Processor

__all__ = ["plain_sentences", "segment_chunk"]

_ABBREVIATIONS: list[str] = English.Abbreviation.ABBREVIATIONS
_PLAIN = frozenset(a.strip() for a in _ABBREVIATIONS if re.fullmatch(r"[a-z]+", a.strip()))
_ALWAYS = [a for a in _ABBREVIATIONS if a.strip() not in _PLAIN]
_LONGEST = max(len(a) for a in _PLAIN)
_LETTERS_BEFORE_PERIOD = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?=\.)")
_NOT_FINAL = frozenset(
    a.strip()
    for a in (
        *_ABBREVIATIONS,
        *English.Abbreviation.PREPOSITIVE_ABBREVIATIONS,
        *English.Abbreviation.NUMBER_ABBREVIATIONS,
    )
)
_DOTTED = re.compile("|".join(a.strip() for a in _ALWAYS), re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:(?<=[A-Za-z])['\u2019][A-Za-z]+)?[,;:%]?")
_FINAL = re.compile(r"([A-Za-z]{2,})[.?]")


def segment_chunk(chunk: str) -> list[str]:
    """The sentences pysbd (``clean=False``) finds in ``chunk``, ends stripped, none empty."""
    plain = plain_sentences(chunk)
    if plain is not None:
        return plain
    pieces = (piece.strip() for piece in Processor(chunk, _English).process())
    return [piece for piece in pieces if piece]


class _Abbreviations:
    """The part of a pysbd language that its abbreviation pass reads, with fewer abbreviations."""

    PREPOSITIVE_ABBREVIATIONS = English.Abbreviation.PREPOSITIVE_ABBREVIATIONS
    NUMBER_ABBREVIATIONS = English.Abbreviation.NUMBER_ABBREVIATIONS

    def __init__(self, abbreviations: list[str]) -> None:
        self.ABBREVIATIONS = abbreviations


class _Narrowed:
    def __init__(self, abbreviations: list[str]) -> None:
        self.Abbreviation = _Abbreviations(abbreviations)


class _Replacer(English.AbbreviationReplacer):  # type: ignore[misc]
    lang: Any

    def search_for_abbreviations_in_string(self, text: str) -> Any:
        candidates = _before_periods(text)
        if candidates is None:
            return super().search_for_abbreviations_in_string(text)
        kept = [a for a in _ABBREVIATIONS if a.strip() in candidates or a in _ALWAYS]
        language = self.lang
        self.lang = _Narrowed(kept)
        try:
            return super().search_for_abbreviations_in_string(text)
        finally:
            self.lang = language


class _English(English):  # type: ignore[misc]
    AbbreviationReplacer = _Replacer


def _before_periods(line: str) -> set[str] | None:
    """Every lower-case ending of a run of letters right before a period (``None``: not ASCII)."""
    found: set[str] = set()
    for match in _LETTERS_BEFORE_PERIOD.finditer(line):
        run = match.group()
        if not run.isascii():
            return None
        run = run.lower()
        found.update(run[i:] for i in range(max(0, len(run) - _LONGEST), len(run)))
    return found


def plain_sentences(chunk: str) -> list[str] | None:
    """The sentences of ``chunk`` when no period in it can be anything but a full stop.

    Then pysbd's rules have nothing to decide, and its sentences end at every full stop and
    question mark: ``None`` unless the chunk is words of ASCII letters and digits (hyphens and
    apostrophes only inside, one ``,;:%`` after) single-spaced, and every ``.`` or ``?`` ends
    a word of two letters or more that is none of pysbd's abbreviations and is followed by
    the end or by a capitalised word (not ``I``, which its abbreviation rules look at). So no
    decimal, initial, abbreviation, list number, ellipsis, URL, quote or bracket gets here;
    tests/evidence/articles/test_sbd.py holds the result against pysbd's own.
    """
    body = chunk.rstrip(" ")
    if not body or body[0] == " ":
        return None
    words = body.split(" ")
    sentences: list[str] = []
    start = 0
    for index, word in enumerate(words):
        final = _FINAL.fullmatch(word)
        if final is None:
            if _WORD.fullmatch(word) is None:
                return None
            continue
        stem = final.group(1)
        if stem.lower() in _NOT_FINAL or _DOTTED.fullmatch(stem):
            return None
        if index + 1 < len(words) and not _opens_sentence(words[index + 1]):
            return None
        sentences.append(" ".join(words[start : index + 1]))
        start = index + 1
    if start < len(words):
        sentences.append(" ".join(words[start:]))
    return sentences


def _opens_sentence(word: str) -> bool:
    if not word or word[0] not in "ABCDEFGHJKLMNOPQRSTUVWXYZ":
        return False
    return len(word) == 1 or word[1] in "abcdefghijklmnopqrstuvwxyz"
