"""Vancouver / NLM / AMA references, read by their fixed shape.

``Surname AB, Surname C, et al. Title. Journal. 2004 May;58(3):424-41.`` is the commonest
layout in biomedicine, and its punctuation is fixed: the authors end at the first full stop
after initials, the year is followed by ``;volume`` (and an optional ``(issue)``) and
``:pages``. Knowing that, the tail is read from the end, where numbers inside a title
(``1,092 human genomes``, ``1964-69``) cannot be taken for it, and the journal is what stands
between the title's last full stop and the year, its abbreviations included
(``BMC Dev. Biol.``, ``Curr. Pathobiol. Rep.``).

:func:`read_vancouver` answers only for strings of that shape (``None`` otherwise), so the
general parser keeps every other style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refs.match.linebreaks import english_words

__all__ = ["VancouverFields", "journal_abbreviation", "read_vancouver"]

_SURNAME = r"(?:(?:[a-z]{1,3}|[dD][aeiu]|[vV]an|[vV]on|[dD]er|[dD]en|[lL][ae]|[dD]el|[dD]os)\s+)*" \
    r"[A-Z\u00c0-\u024f'][\w'\u2019\u00c0-\u024f-]*(?:\s+[A-Z\u00c0-\u024f][\w'\u2019-]+)*"
"""A family name, with its particles (``van der Zee``, ``de Melo``) and further words."""
_INITIALS = r"[A-Z\u00c0-\u0178]{1,4}(?:-[A-Z\u00c0-\u0178]{1,3})?(?:\s[A-Z](?=[,.:]))?"
"""Vancouver initials: ``AB``, ``JJGH``, ``K-EL``, ``S D``, without full stops."""
_DOTTED = r"(?:[A-Z\u00c0-\u0178][a-z]?\.\s?-?)+"
"""Initials with full stops: ``A. B.``, ``A.B.``, ``J.-P.``, ``Yu.``."""
_SUFFIX = r"(?:,?\s+(?:Jr|Sr|[2-4](?:nd|rd|th)|II|III|IV)\b\.?)?"
_PERSON = rf"{_SURNAME}\s+{_INITIALS}{_SUFFIX}"
_PERSON_DOTTED = rf"{_SURNAME},\s*{_DOTTED}{_SUFFIX}"
_ET_AL = r"(?:\s*,?\s*(?:et\s+al\.?|and\s+others))?"
_AUTHOR_LISTS = (
    # Vancouver, AMA: "Okonkwo AB, van der Berg C, et al." and BMC's "..., Lindqvist D:"
    re.compile(rf"^(?P<authors>{_PERSON}(?:\s*,\s*{_PERSON})*{_ET_AL})[.:]\s+(?=\S)"),
    # Nature, ACS: "Okonkwo, A. B., van der Berg, C. & Lindqvist, D." (";" between for ACS)
    re.compile(
        rf"^(?P<authors>{_PERSON_DOTTED}(?:\s*[,;]?\s*(?:&|and)?\s*{_PERSON_DOTTED})*{_ET_AL})"
        r"\s+(?=[A-Z\d\"\u201c'\u2018])"
    ),
)
"""Author lists whose end is certain: the stop after the last initials."""
_GROUP = re.compile(
    r"^(?P<authors>(?:The\s+)?[A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|and|for|on|the|in|&))*"
    r"(?:,\s+[A-Z][\w'&-]*(?:\s+(?:[A-Z][\w'&-]*|of|and|for|on|the|in|&))*)?)\.\s+(?=\S)"
)
"""A group as author: ``Centers for Disease Control and Prevention.``, ``WHO.``"""
_PERSON_FIRST = re.compile(rf"^{_PERSON}\s*,")
"""People first (``Riddle DL, National Center for ...``): no group's name alone."""
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)[a-z]?"
_PAGES = r"(?P<pages>[A-Za-z]{0,3}\d+[A-Za-z]?(?:\s*[-\u2013]\s*[A-Za-z]{0,3}\d+[A-Za-z]?)?)"
_DATE = r"(?:\s+(?:[A-Z][a-z]{2,8}\.?|\d{1,2})(?:[-\u2013/\s]+(?:[A-Z][a-z]{2,8}\.?|\d{1,2}))*)?"
_ISSUE = r"(?:\s*\((?P<issue>[^()]{1,20})\))?"
_END = r"\s*[.,;]?\s*$"
_TAILS = (
    # Vancouver / NLM / AMA: "Journal. 2004 May 3;58(3):424-41."
    # (and "2005;Volume 3386:380-397", "2012;345." with no pages)
    re.compile(rf"\s+{_YEAR}{_DATE}\s*;\s*(?:Vol(?:ume)?\.?\s*)?(?P<volume>[^\s:;()]{{1,20}}?)?"
               rf"{_ISSUE}(?:\s*:\s*{_PAGES})?{_END}"),
    # BMC: "Journal 2004, 58(3):424-441."
    re.compile(rf"\s+{_YEAR},\s*(?P<volume>[^\s:;(),]{{1,20}}){_ISSUE}\s*:\s*{_PAGES}{_END}"),
    # Nature: "Journal 58, 424-441 (2004)."
    re.compile(rf"\s+(?P<volume>\d{{1,5}}[A-Z]?){_ISSUE},\s*{_PAGES}\s*\({_YEAR}\){_END}"),
    # ACS: "Journal 2004, 58 (3), 424-441."
    re.compile(rf"\s+{_YEAR},\s*(?P<volume>\d{{1,5}}[A-Z]?){_ISSUE},\s*{_PAGES}{_END}"),
)
"""Tails read from the end: year, volume, issue and pages in each numbered style's order."""
_JOURNAL_WORD = re.compile(
    r"^(?:[A-Z\u00c0-\u024f][\w'\u2019&-]*\.?|of|and|the|in|for|on|de|la|et|&)$"
)
"""A word of a journal's name: capitalised (an acronym too), or a small joining word."""


@dataclass(frozen=True, slots=True)
class VancouverFields:
    """What the fixed shape gave; the authors as written (family names come from ``authors``)."""

    authors: str
    group: bool
    """Whether ``authors`` is one group's name (``Centers for Disease Control``), not people."""
    title: str
    container: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    year: int


def read_vancouver(body: str) -> VancouverFields | None:
    """The fields of a numbered-style journal reference, or ``None`` when ``body`` is not one."""
    authors = next((m for p in _AUTHOR_LISTS if (m := p.match(body))), None)
    group = authors is None
    if authors is None and not _PERSON_FIRST.match(body):
        authors = _GROUP.match(body)
    if authors is None:
        return None
    tail = next((m for p in _TAILS if (m := p.search(body, authors.end()))), None)
    if tail is None:
        return _book(body, authors.group("authors"), authors.end(), group=group)
    split = _title_and_journal(body[authors.end() : tail.start()])
    if split is None:
        return None
    title, journal = split
    return VancouverFields(
        authors=authors.group("authors"),
        group=group,
        title=title,
        container=journal,
        volume=tail.group("volume"),
        issue=tail.group("issue"),
        pages=tail.group("pages"),
        year=int(tail.group("year")),
    )


_IMPRINT = re.compile(
    rf":\s*(?P<publisher>[^:;]{{2,120}});\s*{_YEAR}"
    r"(?:\.\s*(?:pp?\.?\s*[\w\s+\u2013-]{1,25}|[\w\s]{1,20}\s+p))?\s*\.?\s*$"
)
"""A Vancouver book's end: ``: Publisher; 1999. p. 528.`` (the place comes before the colon;
the pages counted are the book's length, not a field)."""


def _book(body: str, authors: str, start: int, *, group: bool) -> VancouverFields | None:
    """``Authors. Title. Place: Publisher; Year.``: the title is the book's; no container."""
    imprint = _IMPRINT.search(body, start)
    if imprint is None:
        return None
    before = body[start : imprint.start()]
    if re.search(r"\bIn\s*:", body[start:]):
        return None  # a chapter: the general parser knows books inside references
    stops = list(re.finditer(r"(?<=[.?!])\s+(?=[A-Z])", before))
    if not stops:
        return None
    place = before[stops[-1].end():]
    if len(place.split()) > 6:
        return None
    title = before[: stops[-1].start()].strip().rstrip(".")
    # "Title. 2nd ed": the edition is no part of the title
    title = re.sub(r"[.,]\s*\d+(?:st|nd|rd|th)\.?\s+(?:ed|edn|edition)$", "", title,
                   flags=re.IGNORECASE)
    if not title:
        return None
    return VancouverFields(authors=authors, group=group, title=title, container=None,
                           volume=None, issue=None, pages=None, year=int(imprint.group("year")))


_ROMAN = re.compile(r"[IVXLC]+")


def _title_and_journal(middle: str) -> tuple[str, str] | None:
    """``Title. Journal`` split where the journal's name begins.

    The journal is the last sentence; a sentence before it joins it while it reads as part of
    a name (capitalised words, at most four, the last one an abbreviation): ``BMC Dev. Biol``.
    """
    stops = [m for m in re.finditer(r"(?<=[.?!])\s+(?=\S)", middle)]
    if not stops:
        return None
    starts = [m.end() for m in stops]
    journal_start = starts[-1]
    for previous in reversed(starts[:-1]):
        piece = middle[previous:journal_start].strip()
        if not journal_abbreviation(piece):
            break
        journal_start = previous
    title = middle[:journal_start].strip()
    journal = middle[journal_start:].strip().rstrip(".,").strip()
    if not title or not journal or not _is_journal(journal):
        return None
    return title.rstrip(".").strip(), journal


def journal_abbreviation(piece: str) -> bool:
    """``Dev.``, ``BMC Dev.``, ``Curr.``: a short run of name words ending in an abbreviation."""
    words = piece.split()
    if not 1 <= len(words) <= 3 or not piece.endswith("."):
        return False
    last = words[-1].rstrip(".")
    if not (last[:1].isupper() and all(_JOURNAL_WORD.match(w) for w in words)):
        return False
    if _ROMAN.fullmatch(last) or len(last) > 9:
        return False
    # An abbreviation is short or no English word: "Rev.", "Orthop.", not "A Review."
    return len(last) <= 4 or last.lower() not in english_words()


def _is_journal(journal: str) -> bool:
    """A name, not a sentence; proceedings may name their year (``PET 2007``)."""
    return 0 < len(journal.split()) <= 20
