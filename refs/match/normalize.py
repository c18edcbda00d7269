"""String normalisation shared by scoring and comparison.

Two strings that differ only in formatting must normalise to the same thing: case,
punctuation, accents, HTML, LaTeX braces and accent commands, ``&`` against ``and``, dash
variants. ``fold`` does that; the helpers below compare what ``fold`` cannot make equal on its
own: abbreviated journal names, abbreviated page ranges, titles without their subtitle.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from refs.markup import clean_text

__all__ = [
    "DASHES",
    "container_matches",
    "first_last_page",
    "fold",
    "numbers",
    "same_number",
    "title_similarity",
]

DASHES = "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u207b\u208b"
"""Every character people and registries write between two page numbers."""

_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe",
     "Œ": "OE", "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "ð": "d"}
)
"""Letters NFKD does not split into a base letter and a mark."""
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbkr]\s*\{?\s*([A-Za-z])\s*\}?")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_NOT_WORD = re.compile(r"[^\w]+")
_NUMBER = re.compile(r"(?<!\d)\d+(?!\d)")
_PAGE_RANGE = re.compile(rf"([A-Za-z]*)(\d+)[A-Za-z]*\s*[{DASHES}]+\s*[A-Za-z]*(\d+)")

_SUBTITLE = re.compile(r"\s*(?:[:?!.]\s+|\s[-\u2013\u2014]\s)")
"""Where a main title ends and its subtitle begins."""
_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "de", "la", "le",
                        "der", "die", "und", "fur", "et", "des", "du", "to"})
"""Words abbreviated journal names drop (ISO 4): ``J Am Chem Soc`` has no "of"."""


def fold(text: str | None) -> str:
    """Lower-case words with markup, accents and punctuation gone; ``&`` reads ``and``."""
    if not text:
        return ""
    text = clean_text(text)
    if "\\" in text:
        text = _LATEX_COMMAND.sub("", _LATEX_ACCENT.sub(r"\1", text))
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("{", "").replace("}", "")  # BibTeX case-protection braces
    text = text.replace("&", " and ").casefold()
    return _NOT_WORD.sub(" ", text).replace("_", " ").strip()


def numbers(text: str) -> list[str]:
    """Every run of digits in ``text``, leading zeros dropped, in order."""
    return [n.lstrip("0") or "0" for n in _NUMBER.findall(text)]


def same_number(a: str | None, b: str | None) -> bool:
    """Whether two volume or issue strings name the same number(s): ``"9"`` and ``"09"``."""
    if a is None or b is None:
        return False
    na, nb = numbers(a), numbers(b)
    if na and nb:
        return na == nb
    return fold(a) == fold(b)


def first_last_page(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page, an abbreviated last page completed: ``998-24`` -> 998, 1024.

    Article numbers (``CD009790``, ``e0033693``) come back whole as the first page.
    """
    if not pages or not pages.strip():
        return None, None
    pages = pages.strip()
    match = _PAGE_RANGE.search(pages)
    if match is None:
        first = pages.split(",")[0].strip()
        return (first.lstrip("0") or first) if first else None, None
    prefix, first, last = match.groups()
    if len(last) < len(first):
        head = first[: len(first) - len(last)]
        if int(head + last) < int(first):  # "998-24" is 998-1024, not 998-924
            head = str(int(head) + 1)
        last = head + last
    return prefix + first.lstrip("0"), last.lstrip("0")


def title_similarity(written: str | None, registry: str | None) -> float:
    """0..1 similarity of two titles; a title missing its subtitle counts as the same."""
    a, b = fold(written), fold(registry)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    # "Title" against "Title: Subtitle" (or the reverse): the shorter is the longer's head.
    longer = registry if len(b) >= len(a) else written
    shorter = a if longer is registry else b
    heads = (fold((longer or "")[: m.start()]) for m in _SUBTITLE.finditer(longer or ""))
    if any(head == shorter for head in heads):
        return 1.0
    return fuzz.ratio(a, b) / 100


def container_matches(written: str | None, *registry: str | None) -> bool:
    """Whether a written journal name names one of the registry's, abbreviations allowed.

    ``Psychol Sci`` names "Psychological Science"; "The spine journal : official journal of
    the North American Spine Society" names "The Spine Journal" (the part after `` : `` is a
    subtitle).
    """
    for name in registry:
        if name and (_abbreviates(written, name) or _abbreviates(name, written)):
            return True
    return False


def _abbreviates(short: str | None, full: str | None) -> bool:
    short_words = _main_words(short)
    full_words = _main_words(full)
    if not short_words or not full_words:
        return False
    if short_words == full_words:
        return True
    return _walk(short_words, full_words)


def _main_words(name: str | None) -> list[str]:
    if not name:
        return []
    head = re.split(r"\s[:=]\s|\s/\s|\.\s*-\s", name)[0]
    return [w for w in fold(head).split() if w not in _STOPWORDS]


def _walk(short: list[str], full: list[str]) -> bool:
    """Each short word abbreviates the next full word, in order; nothing left over."""
    if len(short) != len(full):
        return False
    return all(_abbreviates_word(s, f) for s, f in zip(short, full, strict=True))


def _abbreviates_word(short: str, full: str) -> bool:
    if short == full:
        return True
    if short[0] != full[0] or len(short) > len(full):
        return False
    # ISO 4 keeps the first letter and drops others: "natl" for "national", "soc" for "society".
    rest = iter(full[1:])
    return all(ch in rest for ch in short[1:])
