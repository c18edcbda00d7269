"""Text out of a PDF made whole again: words hyphenated at a line end, ligatures, broken URLs.

Text extraction keeps the typesetter's line breaks: ``throm-\\nbosis`` (or ``throm- bosis`` once
the break became a space), ``ﬁbrosis`` with a ligature, ``http://www.\\nexample.org``. A
hyphen at a line end is either the typesetter's (join the word) or the author's (keep it:
``Texture-\\nsurround``); which one cannot be known for sure without a dictionary, so the text
itself is asked first (is the word written elsewhere, whole or hyphenated?), then the shape of
the two parts: compounds start with a capital, a digit or an abbreviation on either side, or
with parts that are words used in compounds (``cell-``, ``-based``, ``-induced``). Last, an
English word list (pyspellchecker's, loaded on the first such question): a joined form that is
a word is one word (``genetic``); two words that do not make one stay two (``aerial-hawking``);
anything else, most often a technical word the list lacks (``phosphoryla-tion``), is joined.

DOIs split by a break are rejoined by :func:`refs.doi.find_dois` (``across_breaks=True``), which
knows what a DOI may hold; this module leaves DOIs and URLs' hyphens alone.
"""

from __future__ import annotations

import re
from functools import cache

from spellchecker import SpellChecker

__all__ = ["english_words", "repair_line_breaks"]

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st", "\u00ad": ""}
)
"""Presentation forms PDFs keep; a soft hyphen is a break opportunity, never a character."""

_BROKEN_WORD = re.compile(
    r"(?<!\S)(?P<token>\S*?)(?P<left>[^\W\d_]+)[-\u2010](?P<gap>[ \t]*\r?\n[ \t]*|[ \t]+)"
    r"(?P<right>[^\W\d_]+)"
)
"""``throm-\\nbosis``, ``throm- bosis``: a token ending in letters and a hyphen at a line end,
then letters. Matches start at a token's start, so ``token`` tells a DOI or URL apart."""
_HYPHEN_BREAK = re.compile(r"[-\u2010]\s")
_BROKEN_URL = re.compile(r"(?P<url>\b(?:https?://|www\.)\S*[/.\-_=?&#])[ \t]*\r?\n[ \t]*(?=\S)")
"""A URL cut after one of the characters a typesetter breaks URLs at."""

_COMPOUND_FIRST = frozenset(
    "non self cross long short high low well half full large small cell time dose case "
    "age sex gene genome drug user home site state health two three four one single double "
    "first second third end all in out over under day year life".split()
)
"""Words whose hyphenated compounds are common in titles (``non-small``, ``cell-free``)."""
_COMPOUND_SECOND = frozenset(
    "based related dependent independent induced mediated specific term like free wide "
    "scale level type associated derived linked binding containing positive negative "
    "resistant sensitive treated deficient infected regulated activated controlled "
    "blind blinded control response dimensional fold time cell cells year old up "
    "analysis risk making driven rich poor friendly borne specificity income care".split()
)
"""Second parts that make compounds: ``-based``, ``-induced``, ``-specific``."""

_SUSPENDED = frozenset({"and", "or", "to", "und", "et", "ou", "y"})


def repair_line_breaks(text: str) -> str:
    """``text`` with line-break hyphens joined where the word is one word, ligatures expanded.

    >>> repair_line_breaks("Deep vein throm-\\nbosis after cell-\\nfree DNA")
    'Deep vein thrombosis after cell-free DNA'
    """
    text = text.translate(_LIGATURES)
    if "-" not in text and "\u2010" not in text and "\n" not in text:
        return text
    text = _BROKEN_URL.sub(lambda m: m.group("url"), text)
    if not _HYPHEN_BREAK.search(text):
        return text
    whole = text.lower()
    words = set(re.findall(r"[^\W\d_]+", whole))

    def mend(match: re.Match[str]) -> str:
        token, left, right = match.group("token"), match.group("left"), match.group("right")
        if _in_identifier(token + left):
            return match.group(0)
        if _is_one_word(left, right, whole, words):
            return f"{token}{left}{right}"
        if "\n" not in match.group("gap"):
            return match.group(0)  # "pre- and post-": as the author wrote it
        return f"{token}{left}-{right}"

    return _BROKEN_WORD.sub(mend, text)


def _in_identifier(token: str) -> bool:
    """A DOI or URL: its hyphens are characters of the identifier."""
    return bool(re.search(r"10\.\d{4,}|https?:|www\.|/", token))


def _is_one_word(left: str, right: str, whole: str, words: set[str]) -> bool:
    """Whether ``left-`` / ``right`` is one word the typesetter broke."""
    if right.lower() in _SUSPENDED:
        return False  # "pre- and postoperative": the hyphen waits for its second part
    joined = (left + right).lower()
    if f"{left}-{right}".lower() in whole:
        return False  # the author wrote it hyphenated elsewhere
    if joined in words:
        return True
    if right[:1].isupper() or left.isupper() or len(left) == 1:
        return False  # "anti-TNF", "IL-6"-like, "T-cell": names and abbreviations
    if left[:1].isupper() and len(left) <= 3 and not left[1:].islower():
        return False
    lexicon = english_words()
    if joined in lexicon:
        return True  # "gene-tic": a word, though "gene" starts compounds too
    if left.lower() in _COMPOUND_FIRST or right.lower() in _COMPOUND_SECOND:
        return False
    return not (len(right) >= 3 and left.lower() in lexicon and right.lower() in lexicon)


@cache
def english_words() -> frozenset[str]:
    """About 160,000 English words in lower case (pyspellchecker's list, MIT)."""
    return frozenset(SpellChecker(language="en").word_frequency.dictionary)
