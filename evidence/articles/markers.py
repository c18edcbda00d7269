"""Citation markers written in running text: pandoc, numeric, superscript, footnote, author-year.

Each pattern yields ``(kind, start, end, targets)`` on a block's readable text; where two
patterns claim the same characters the earlier kind in ``_FINDERS`` wins (a DOI inside
``[@doi:...]`` is one pandoc marker, not a DOI link too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from evidence.articles.model import MarkerKind
from evidence.patterns import LazyPattern
from refs import find_dois, is_doi, normalize_doi

__all__ = [
    "TextMarker",
    "doi_from_href",
    "expand_numbers",
    "find_markers",
    "numeric_targets",
    "pandoc_targets",
    "strip_markers",
]

TextMarker = tuple[MarkerKind, int, int, tuple[str, ...]]

_MAX_RANGE = 500
"""A range wider than this (``[1-100000]``) is not expanded: it is a typo or an attack."""

# The patterns compile on first use (evidence.patterns): each finder looks first for a
# character its pattern cannot lack, and most articles use one or two kinds of marker.

_FOOTNOTE = LazyPattern(r"\[\^([^\]\s]+)\](?!:)")
_PANDOC = LazyPattern(r"\[[^\[\]]*?@[^\[\]]*\]")
_PANDOC_KEY = LazyPattern(r"(?<![\w.])-?@(?:\{([^{}]+)\}|([\w][\w:.#$%&+?<>~/-]*))")
_NUMBER_RANGE = r"\d{1,4}(?:\s*[-\u2013\u2014]\s*\d{1,4})?"
_NUMBER_LIST = rf"{_NUMBER_RANGE}(?:\s*,\s*{_NUMBER_RANGE})*"
_WHOLE_NUMBERS = LazyPattern(r"\[?" + _NUMBER_LIST + r"\]?")
_DOI_HREF = LazyPattern(r"(?:https?:)?//(?:dx\.|www\.)?doi\.org/(10\..+)$", re.IGNORECASE)
_NUMERIC = LazyPattern(r"\[(" + _NUMBER_LIST + r")\](?!\()")
_CARET = LazyPattern(r"(?<=[^\s\^\[])\^(\[?\d{1,4}(?:[-\u2013,]\d{1,4})*\]?)\^?")
_SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_UNICODE_SUP = LazyPattern(
    rf"(?:(?<=[^\W\d_]{{3}})|(?<=[.,;:)\]]))[{_SUPERSCRIPT_DIGITS}]+(?:[\u207b,][{_SUPERSCRIPT_DIGITS}]+)*"
)
_ANY_SUPERSCRIPT = LazyPattern(f"[{_SUPERSCRIPT_DIGITS}]")
_SUP_TABLE = str.maketrans(_SUPERSCRIPT_DIGITS + "\u207b", "0123456789-")
_PARTICLE = r"(?:[Vv][ao]n|[Dd](?:e[rn]?|el|ella|i|a|u|os|as)|[Ll][ae]|[Tt]e[nr])\s+"
"""``van``, ``von``, ``de``, ``der``, ``di``, ``du``, ``la``, ``ten``...: part of a family name
(``van Tulder``, ``de Zoete``, ``van der Berg``), in lower case as most styles cite it."""
_NAME = rf"(?:{_PARTICLE}){{0,2}}[A-Z\u00c0-\u00de][\w'\u2019-]+"
_AUTHORS = rf"{_NAME}(?:\s+et\s+al\.?|\s+(?:and|&)\s+{_NAME})?"
_CO_AUTHORS = LazyPattern(r"\s+(?:et\s+al\b|and\s|&)")
_CITE = (
    rf"(?:(?:see|e\.g\.|cf\.)\s*,?\s*)?({_AUTHORS}),?\s+((?:19|20)\d{{2}}[a-z]?)"
    r"(?:,\s*pp?\.\s*[\d\u2013-]+)?"
)
_AUTHOR_YEAR = LazyPattern(
    rf"\({_CITE}(?:\s*;\s*{_CITE})*\)|\[{_CITE}(?:\s*;\s*{_CITE})*\]"
)
"""``(Hayden et al., 2021)``, or in square brackets as natbib sets ``\\citep`` by default."""
_ONE_CITE = LazyPattern(_CITE)
_DOI_PREFIX = LazyPattern(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s?)$", re.IGNORECASE)
_NARRATIVE = LazyPattern(rf"\b({_AUTHORS})\s+\(((?:19|20)\d{{2}}[a-z]?)\)")


def find_markers(text: str) -> list[TextMarker]:
    """Every citation marker in ``text``, in order, none overlapping another."""
    taken: list[TextMarker] = []
    covered = bytearray(len(text))  # one flag per character: linear, whatever the count
    for finder in _FINDERS:
        for marker in finder(text):
            if covered.find(1, marker[1], marker[2]) == -1:
                taken.append(marker)
                covered[marker[1] : marker[2]] = b"\x01" * (marker[2] - marker[1])
    return sorted(taken, key=lambda m: m[1])


def strip_markers(text: str) -> str:
    """``text`` without its citation markers (claims do not count ``[3]`` as a number)."""
    parts, pos = [], 0
    for _, start, end, _ in find_markers(text):
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def expand_numbers(spec: str) -> tuple[str, ...]:
    """``"1, 3-5"`` as ``("1", "3", "4", "5")``; a reversed or huge range keeps its ends."""
    targets: list[str] = []
    for part in re.split(r"\s*,\s*", spec.strip("[] ")):
        bounds = [b for b in re.split(r"\s*[-\u2013\u2014]\s*", part) if b]
        if len(bounds) == 2 and 0 < int(bounds[1]) - int(bounds[0]) <= _MAX_RANGE:
            targets.extend(str(n) for n in range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            targets.extend(str(int(b)) for b in bounds)
    return tuple(dict.fromkeys(targets))


def numeric_targets(text: str) -> tuple[str, ...]:
    """Targets of a superscript's text (``"1"``, ``"2,3"``, ``"[4-6]"``), or ``()``."""
    written = text.strip().translate(_SUP_TABLE)
    if _WHOLE_NUMBERS.fullmatch(written):
        return expand_numbers(written)
    return ()


def doi_from_href(href: str) -> str | None:
    """``"doi:10..."`` (normalised) when a link points at a DOI resolver, else ``None``."""
    match = _DOI_HREF.match(href.strip())
    if match is None or not is_doi(match.group(1)):
        return None
    return f"doi:{normalize_doi(match.group(1))}"


def pandoc_targets(marker: str) -> tuple[str, ...]:
    keys = []
    for match in _PANDOC_KEY.finditer(marker):
        key = (match.group(1) or match.group(2)).rstrip(".:,;")
        keys.append(_doi_target(key[4:]) if key.lower().startswith("doi:") else key)
    return tuple(keys)


def _doi_target(doi: str) -> str:
    return f"doi:{normalize_doi(doi)}" if is_doi(doi) else f"doi:{doi}"


def _footnotes(text: str) -> Iterator[TextMarker]:
    if "[^" not in text:  # each finder first looks for a character its pattern cannot lack
        return
    for m in _FOOTNOTE.finditer(text):
        yield "footnote", m.start(), m.end(), (m.group(1),)


def _pandoc(text: str) -> Iterator[TextMarker]:
    if "@" not in text or "[" not in text:
        return
    for m in _PANDOC.finditer(text):
        targets = pandoc_targets(m.group())
        if targets:
            yield "pandoc", m.start(), m.end(), targets


def _numeric(text: str) -> Iterator[TextMarker]:
    if "[" not in text:
        return
    for m in _NUMERIC.finditer(text):
        yield "numeric", m.start(), m.end(), expand_numbers(m.group(1))


def _superscript(text: str) -> Iterator[TextMarker]:
    if "^" in text:
        for m in _CARET.finditer(text):
            yield "superscript", m.start(), m.end(), expand_numbers(m.group(1))
    if _ANY_SUPERSCRIPT.search(text) is None:
        return
    for m in _UNICODE_SUP.finditer(text):
        yield "superscript", m.start(), m.end(), expand_numbers(m.group().translate(_SUP_TABLE))


def _author_year(text: str) -> Iterator[TextMarker]:
    if "(" not in text and "[" not in text:
        return
    for m in _AUTHOR_YEAR.finditer(text):
        targets = tuple(_author_key(c.group(1), c.group(2)) for c in _ONE_CITE.finditer(m.group()))
        yield "author-year", m.start(), m.end(), targets
    for m in _NARRATIVE.finditer(text):
        yield "author-year", m.start(), m.end(), (_author_key(m.group(1), m.group(2)),)


def _author_key(authors: str, year: str) -> str:
    """``van tulder 2003`` from ``van Tulder et al.`` and ``2003``: the first author's whole
    family name, particles included."""
    first = _CO_AUTHORS.split(authors, maxsplit=1)[0]
    return f"{' '.join(first.split()).lower()} {year}"


def _dois(text: str) -> Iterator[TextMarker]:
    if "10." not in text:
        return
    for found in find_dois(text):
        start = _with_prefix(text, found.start)
        yield "doi-link", start, found.end, (f"doi:{found.doi}",)


def _with_prefix(text: str, start: int) -> int:
    """Widen a DOI's span over a ``doi:`` or ``https://doi.org/`` written before it."""
    prefix = _DOI_PREFIX.search(text[max(0, start - 24) : start])
    return start - len(prefix.group()) if prefix else start


_FINDERS: tuple[Callable[[str], Iterator[TextMarker]], ...] = (
    _footnotes,
    _pandoc,
    _numeric,
    _superscript,
    _author_year,
    _dois,
)
"""Order decides which kind wins where patterns overlap: most specific first."""
