"""A free-text reference split into its fields, by heuristics (no model).

Handles the common shapes: APA and Harvard (``Author, A. (2020). Title. Journal, 1(2), 3-4.``),
Springer (``Author A (2020) Title. Journal 1:3-4``), Vancouver (``Author A, Author B. Title.
Journal. 2020;1(2):3-4.``), IEEE and MLA-like with a quoted title (``A. Author, "Title,"
Journal, vol. 1, no. 2, pp. 3-4, 2020.``, ``Hayden, Jill A et al. "Title." Journal vol. 9,9
CD009790. 28 Sep. 2021``), and book chapters, whose container is the book (``Title. In E.
Editor (Ed.), Book (pp. 1-20). Publisher.``, ``Title. In: Editor E (eds) Book. Publisher, pp
1-20``). Anything it cannot place stays ``None``: a wrong field is worse than a missing one,
since scoring and comparison trust what is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from refs.doi import DOIMatch, find_dois
from refs.markup import clean_text
from refs.match.authors import looks_like_authors, parse_authors
from refs.match.linebreaks import repair_line_breaks
from refs.match.normalize import DASHES
from refs.match.vancouver import journal_abbreviation, read_vancouver

__all__ = ["ParsedReference", "bibliographic_text", "parse_reference"]


@dataclass(frozen=True, slots=True)
class ParsedReference:
    """The fields of a reference as written; ``first_author`` is a family name.

    >>> parse_reference("Prideaux, G. D. (1980). In rejection of autonomous linguistics. "
    ...                 "Lingua, 50(3), 245-247.").container
    'Lingua'
    """

    text: str
    doi: str | None = None
    year: int | None = None
    first_author: str | None = None
    authors: tuple[str, ...] = ()
    title: str | None = None
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


_NUMBERING = re.compile(
    r"^\s*(?:\[\s*\d+\s*\]|\(\s*\d+\s*\)|\d{1,3}[.)](?=\s)|\d{1,3}\s(?=[A-Z]))\s*"
)
_IDENTIFIERS = re.compile(
    r"(?:\b(?:doi|DOI)\s*[:=]?\s*)?(?:https?://\S+|\b10\.\d{4,9}/\S+)"
    r"|\barXiv:\s*[\w./-]+(?:\s*\[[^\]]*\])?"
    r"|\b(?-i:PMID|PMCID)\s*:?\s*(?:PMC)?\d+"  # written in capitals, with digits
    r"|\bdoi\s*[:=]?\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"\bhttps?://|\bwww\.|<https?:", re.IGNORECASE)
_URL_LABEL = re.compile(
    r"[\s(\[<]*(?:(?:available|retrieved|accessible|downloaded)(?:\s+(?:from|at|online|on))?"
    r"|url|internet|online|see|in|at|from)?\s*[:,]?[\s(\[<]*$",
    re.IGNORECASE,
)
"""The words that introduce a URL: ``Available at:``, ``Retrieved from``, ``URL:``."""
_NOTES = re.compile(
    r"(?:(?<=[.;,])|^)\s*[\[(]?(?:last\s+)?(?:accessed|cited|retrieved|viewed)\b(?:[^\[\]().]|\.(?=\s*\d)){0,40}?"
    r"(?:1[5-9]|20)\d\d[\])]?(?=[\s.,;]|$)"
    r"|(?:(?<=[.;])|^)\s*\bavailable(?:\s+(?:from|at|online))?\s*(?::|\.|$)"
    r"|\bwww\.\S+"
    r"|(?:(?<=[.;])|^)\s*(?:accessed|cited|retrieved)\s*[:.]?\s*$",
    re.IGNORECASE,
)
_IN_PRESS = re.compile(
    r"(?:(?<=[.;,])|^)\s*[\[(]?\b(?:in\s+press|forthcoming|epub\s+ahead\s+of\s+print)\b[\])]?",
    re.IGNORECASE,
)
"""A web page's notes, not fields of the work: ``Available from:``, ``Accessed 12 May 2020``."""
_YEAR = re.compile(r"(?<![\d/.:])(1[5-9]\d\d|20[0-4]\d)[a-z]?(?!\d)")
_QUOTED = re.compile(
    r"[\"\u201c\u201e\u00ab]\s*([^\"\u201c\u201d\u00bb]{8,}?)\s*[\"\u201d\u201c\u00bb]"
    # Harvard's single quotes: "(2019) 'Title', Journal"; an apostrophe never closes it
    r"|(?<=[\s(])['\u2018]([^'\u2018\u2019]{8,}?)['\u2019](?=[,.:;]\s)"
)
_PAGES = rf"[A-Za-z]{{0,3}}\d+[A-Za-z]?(?:\s*[{DASHES}?]+\s*[A-Za-z]{{0,3}}\d+[A-Za-z]?)?"
_TAILS = (
    # IEEE and the seed's MLA-like style: "vol. 18, no. 4, pp. 317-335", "vol. 9,9 CD009790"
    re.compile(
        rf"\bvol(?:ume)?\.?\s*(?P<volume>\d+)(?:\s*,\s*(?P<issue0>\d+)(?=\s))?"
        rf"(?:\s*,?\s*(?:no|issue|iss|nr)\.?\s*(?P<issue>[\w-]+))?"
        rf"(?:\s*[,:]?\s*(?:pp?\.?\s*)?(?P<pages>{_PAGES}))?",
        re.IGNORECASE,
    ),
    # APA and Vancouver: "151(1), 192-195", "120(3):379-84", "87 (6), 693"
    re.compile(
        rf"(?<![\w.])(?P<volume>\d+)\s*\((?P<issue>[^()]{{1,15}})\)"
        rf"(?:\s*[:,.]?\s*(?:pp?\.?\s*)?(?P<pages>{_PAGES}))?"
    ),
    # Elsevier's numbered style: "J. Orthop. Rehabil. 47 (2019) 211-219"
    re.compile(rf"(?<![\w.])(?P<volume>\d+)\s*\((?:1[5-9]|20)\d\d\)\s*,?\s*(?P<pages>{_PAGES})"),
    # Springer and Vancouver without issue: "191:128-131", "58: 353-356"
    re.compile(rf"(?<![\w.])(?P<volume>\d+)\s*:\s*(?P<pages>{_PAGES})"),
    # APA without issue: "Journal, 13, 145-179"
    re.compile(rf"(?<=[,\s.])(?P<volume>\d+)\s*,\s*(?:pp?\.?\s*)?(?P<pages>{_PAGES})(?=\W*$|[\s.,;(])"),
)
_BREAK = re.compile(
    r"(?<=[^\s.]{3}[.?!])\s+"
    r"|(?<=\s[a-z\d)][^\s.][.?!])\s+"  # "et al. Title", but not "V. Yu. Osipov"
    r"|(?<=[a-z\u00df-\u00ff][.?!])(?=[A-Z][a-z])"
    # Vancouver "Spix C. Title" (lookbehinds are fixed-width)
    # ("and D. Lindqvist" is an author's initial: "C. van der Berg, and D. Lindqvist. 2019")
    r"|(?<!\band\s[A-Z]\.)"
    r"(?:(?<=[a-z]{2}\s[A-Z]\.)|(?<=[a-z]{2}\s[A-Z]{2}\.)|(?<=[a-z]{2}\s[A-Z]{3}\.))"
    r"\s+(?=[A-Z\d])"
)
"""A sentence ends after ``.?!`` unless the word before is an initial (``J.``)."""
_COLON_AUTHORS = re.compile(r"^(.{3,300}?(?:\s[A-Z]{1,3}|[A-Z]\.)):\s+(?=\S)")
"""Authors closed by a colon: ``Hilali M, Fatani A, Al-Atiya S: Title`` (BMC),
``Okonkwo, A.B., Lindqvist, D.: Title`` (Springer's LNCS)."""
_GLUED_YEAR = re.compile(r"(?<=[A-Za-z])(?=(?:1[6-9]|20)\d\d;)")
"""``Eur Respir J1995;8:1030``: a journal glued to a Vancouver year."""
_LOOSE_BREAK = re.compile(r"[.?!\u201d\u00bb]\s+(?=[A-Z\u00c0-\u024f])")
_IN_BOOK = re.compile(r"\.\s*In\s*:?\s+[A-Z].*$")
_LEADING_IN = re.compile(r"^(?:in\s*:|in\s+)", re.IGNORECASE)
_CHAPTER_IN = re.compile(r"(?<=[.?!,\u2019\u201d'\"])\s*(?:In|in(?=\s*:))\b(?P<colon>\s*:)?\s*")
"""Where a chapter's book is introduced: ``Title. In``, ``Title. In:`` (not a title ``In Vivo``)."""
_EDITORS = re.compile(
    r"(?P<editors>[^()]{2,200}?)\s*(?:\((?:eds?|editors?|hrsg|dir|coord|compls?|comps?)\.?\)"
    r"|,\s*(?:eds?|editors?)\.)\s*[,:.]?\s*",
    re.IGNORECASE,
)
_EDITED_BY = re.compile(
    rf"(?P<book>[^()]+?),\s*eds?\.\s+[^,]{{2,80}}?,\s*(?P<pages>\d+\s*[{DASHES}]\s*\d+)"
)
"""Chicago: ``In Book, ed. A. Editor, 29-44.``"""
_BOOK_END = re.compile(
    r"\s*\(|\s*,\s*(?:pp?\.?\s*)?\d+\s*[-\u2013]\s*\d+|\s*,\s*pp?\.?\s*\d"
    r"|(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})\.(?:\s|$)"
)
"""Where a book's title stops: a bracket, a full stop (not ``Proc.``, ``J.``), its pages."""
_EDITION = re.compile(
    r",?\s*\b\d+(?:st|nd|rd|th)?\.?\s*(?:ed|edn|edition|Aufl)\b\.?", re.IGNORECASE
)
"""``, 2nd edn.``, ``, 6. Aufl.``: taken out of a book's title, its full stop left."""
_PAGES_IN_BRACKETS = re.compile(r"\s*\((?:[^()]*,\s*)?pp?\.\s*\d")
_CHAPTER_PAGES = re.compile(rf"(?<![\w.])pp?\.?\s*(?P<pages>{_PAGES})")


@dataclass(frozen=True, slots=True)
class _Fields:
    """What the split found, and where the volume/pages tail may start."""

    authors: str = ""
    title: str | None = None
    container: str | None = None
    tail_from: int = 0


def parse_reference(text: str) -> ParsedReference:
    """Split a reference string into its fields; what cannot be placed stays ``None``."""
    prepared = _prepare(text)
    # "10.1523/jneurosci. 0300-04.2004", "10.2217/fca .14.82": Crossref's real strings and
    # their gold DOIs show such spaces are breaks, not ends.
    dois = find_dois(prepared, across_breaks=True)
    doi = dois[0].doi if dois else None
    body = _bibliographic(prepared, dois)
    vancouver = read_vancouver(body)
    if vancouver is not None:
        authors = (vancouver.authors,) if vancouver.group else parse_authors(vancouver.authors)
        return ParsedReference(
            text=text,
            doi=doi,
            year=vancouver.year,
            first_author=authors[0] if authors else None,
            authors=authors,
            title=_clean_title(vancouver.title),
            container=_clean_container(vancouver.container),
            volume=vancouver.volume,
            issue=vancouver.issue,
            pages=_clean_pages(vancouver.pages),
        )
    year, year_span = _find_year(body)
    fields = _split(body, year_span, year)
    authors = parse_authors(fields.authors)
    tail = _find_tail(body, year_span, start=fields.tail_from, year=year)
    book, chapter_pages = _chapter(body, fields.tail_from)
    return ParsedReference(
        text=text,
        doi=doi,
        year=year,
        first_author=authors[0] if authors else None,
        authors=authors,
        title=_clean_title(fields.title),
        container=book or _clean_container(fields.container),
        volume=tail.get("volume"),
        issue=tail.get("issue"),
        pages=_clean_pages(chapter_pages or tail.get("pages")),
    )


def bibliographic_text(text: str) -> str:
    """The reference without numbering, DOIs, URLs, arXiv and PubMed ids: only its own words."""
    prepared = _prepare(text)
    return _bibliographic(prepared, find_dois(prepared, across_breaks=True))


def _bibliographic(prepared: str, dois: list[DOIMatch]) -> str:
    body = _without_dois(prepared, dois)
    url = _URL.search(body)
    if url and body[: url.start()].strip():
        # What follows a URL is about the web page (access dates, formats), and fields
        # must not run across the URL once it is gone: the reference ends there.
        body = _URL_LABEL.sub("", body[: url.start()])
    lower = body.lower()
    # The patterns are slow to try at every position; most references hold neither.
    if any(key in lower for key in ("10.", "http", "arxiv", "pmid", "pmcid", "doi")):
        body = _IDENTIFIERS.sub(". ", body)  # a full stop: no field runs across the gap
    if any(key in lower for key in ("accessed", "cited", "retrieved", "viewed", "available",
                                    "www.")):
        body = _NOTES.sub(" ", body)
    if any(key in lower for key in ("press", "forthcoming", "epub")):
        # A boundary ("Journal, in press, Proceedings"), but "(in press)" stands where
        # APA puts the year, between the authors and the title.
        body = _IN_PRESS.sub(lambda m: " " if m.group().strip()[:1] in "([" else ". ", body)
    return re.sub(r"\s+", " ", body).strip(" .,;")


def _without_dois(text: str, dois: list[DOIMatch]) -> str:
    """``text`` with its DOIs (pieces split by a break included) blanked out."""
    for found in reversed(dois):
        before = re.sub(r"(?:\bdoi\s*[:=]?|https?://(?:dx\.)?doi\.org/)\s*$", "",
                        text[: found.start], flags=re.IGNORECASE)
        text = before + ". " + text[found.end :]  # a full stop: no field runs across
    return text


def _prepare(text: str) -> str:
    text = clean_text(repair_line_breaks(text))
    text = _GLUED_YEAR.sub(" ", text)
    return _NUMBERING.sub("", text)


def _find_year(body: str) -> tuple[int | None, tuple[int, int] | None]:
    candidates = [m for m in _YEAR.finditer(body) if not _in_range(body, m)]
    if not candidates:
        return None, None

    def rank(match: re.Match[str]) -> int:
        before = body[: match.start()].rstrip()
        after = body[match.end():].lstrip()
        if before.endswith("(") and after.startswith(")"):
            return 0  # "(2020)": APA, Harvard, Springer
        if after.startswith(";"):
            return 1  # "2020;1(2):3-4": Vancouver
        return 2

    best = min(candidates, key=rank)  # min keeps the first of equal rank
    return int(best.group(1)), best.span()


def _in_range(body: str, match: re.Match[str]) -> bool:
    """Whether a year-like number is one end of a page range (``1998-2004`` are pages)."""
    before = body[max(0, match.start() - 2): match.start()]
    after = body[match.end(): match.end() + 2]
    return any(d in before for d in DASHES) or any(d in after for d in DASHES)


def _split(body: str, year_span: tuple[int, int] | None, year: int | None) -> _Fields:
    """Authors, title and container, and where the volume/pages tail may start."""
    if year_span is not None:
        start, end = _widen(body, year_span)
        before = body[:start]
        # One sentence only: a Title-Case title before a Vancouver year also has few
        # lower-case words, but it is a sentence of its own.
        if before.strip() and len(_segments(before)) == 1 and looks_like_authors(before):
            return _after_authors(body, before, end, year)
    quoted = _QUOTED.search(body)
    if quoted:
        rest = body[quoted.end():]
        return _Fields(
            authors=body[: quoted.start()],
            title=quoted.group(1) or quoted.group(2),
            container=_container_from(rest, body, quoted.end()),
            tail_from=quoted.end(),
        )
    segments = _segments(body)
    if segments and looks_like_authors(segments[0][0]):
        authors, offset = segments[0][0], segments[0][1] + len(segments[0][0])
        return _after_authors(body, authors, offset, year)
    colon = _COLON_AUTHORS.match(body)
    if colon and looks_like_authors(colon.group(1)):
        return _after_authors(body, colon.group(1), colon.end(), year)
    comma_style = _comma_authors(body)
    if comma_style is not None:
        return comma_style
    return _after_authors(body, "", 0, year)


def _comma_authors(body: str) -> _Fields | None:
    """``Liu, J.S., and Wong, W.H., Title words, J. Am. Statist. Ass., 2000, vol. 95``."""
    for comma in re.finditer(r",\s*(?:,\s*)?", body):
        before, after = body[: comma.start()], body[comma.end():]
        title = after.split(",")[0]
        words = title.split()
        lower = sum(1 for w in words if w[:1].islower())
        if len(words) >= 4 and lower >= 2 and looks_like_authors(before):
            offset = comma.end() + len(title)
            return _Fields(
                authors=before,
                title=title,
                container=_container_from(body[offset:], body, offset),
                tail_from=offset,
            )
        if len(before) > 300:
            break
    return None


def _widen(body: str, span: tuple[int, int]) -> tuple[int, int]:
    """The year's span with its brackets and the stop after it: ``(2020).``."""
    start, end = span
    while start > 0 and body[start - 1] in "( ":
        start -= 1
    while end < len(body) and body[end] in ") .,:;":
        end += 1
    return start, end


def _after_authors(body: str, authors: str, offset: int, year_of: int | None) -> _Fields:
    rest = body[offset:]
    lead = len(rest) - len(rest.lstrip(" .,:"))
    quoted = _QUOTED.match(body, offset + lead)
    if quoted:  # Harvard, Chicago: "(2019) 'Title', Journal", "2019. “Title.” Journal"
        return _Fields(
            authors=authors,
            title=quoted.group(1) or quoted.group(2),
            container=_container_from(body[quoted.end():], body, quoted.end()),
            tail_from=quoted.end(),
        )
    tail = _find_tail(rest, None, start=0, year=year_of)
    year = _YEAR.search(rest)
    stop = len(rest)
    if tail:
        stop = int(tail["start"])
    if year and year.start() < stop and rest[: year.start()].rstrip().endswith("."):
        stop = min(stop, year.start())  # Vancouver: "Title. Journal. 2020;1(2)"
    segments = [s for s, _ in _segments(rest[:stop])]
    if not segments:
        return _Fields(authors=authors, tail_from=offset)
    if len(segments) == 1:
        return _one_segment(authors, segments[0], offset, has_tail=bool(tail))
    container_parts = [segments.pop()]
    # "Gen. Pharmacol.", "J. Orthop. Rehabil.": abbreviations belong to the journal.
    while len(segments) > 1 and journal_abbreviation(segments[-1]):
        container_parts.insert(0, segments.pop())
    return _Fields(
        authors=authors,
        title=" ".join(segments),
        container=" ".join(container_parts),
        tail_from=offset,
    )


def _one_segment(authors: str, segment: str, offset: int, *, has_tail: bool) -> _Fields:
    """Title or journal, or both run together (``Title II. Journal``, ``politique ? Le``)."""
    if not has_tail:
        return _Fields(authors=authors, title=segment, tail_from=offset)
    stops = list(_LOOSE_BREAK.finditer(segment))
    if stops:
        last_stop = stops[-1]
        title, container = segment[: last_stop.start() + 1], segment[last_stop.end():]
        return _Fields(authors=authors, title=title, container=container, tail_from=offset)
    if len(segment.split()) <= 8:  # "Gino F (2014) Psychol Sci 25:973": no title at all
        return _Fields(authors=authors, container=segment, tail_from=offset)
    return _Fields(authors=authors, title=segment, tail_from=offset)


def _container_from(rest: str, body: str, offset: int) -> str | None:
    tail = _find_tail(body, None, start=offset)
    stop = int(tail["start"]) - offset if tail else len(rest)
    year = _YEAR.search(rest)
    if year and year.start() < stop:
        stop = year.start()
    return rest[:stop] or None


def _segments(text: str) -> list[tuple[str, int]]:
    """Sentences of ``text`` with where each starts; initials do not end a sentence."""
    out: list[tuple[str, int]] = []
    position = 0
    for piece in _BREAK.split(text):
        start = text.find(piece, position)
        position = start + len(piece)
        if piece.strip(" .,;:()"):
            out.append((piece.strip(), start))
    return out


_AT_END = re.compile(r"[\s.,;:)\]]*(?:\(?\s*(?:1[5-9]|20)\d\d[a-z]?\s*\)?)?[\s.,;:)\]]*")
"""What may follow a tail that ends the reference: punctuation, the year in brackets."""


def _find_tail(
    body: str, year_span: tuple[int, int] | None, *, start: int, year: int | None = None
) -> dict[str, str]:
    """Volume, issue and pages: the tail that ends the reference, else the earliest one.

    Numbers inside a title (``Aquaporin 9 in 2,249 nonagenarians``) come before the tail
    that ends the reference. A year-like volume is a volume when the year is known and is
    another number (``Acta, 1773, 1619-1627``).
    """
    candidates: list[re.Match[str]] = []
    for pattern in _TAILS:
        for match in pattern.finditer(body, start):
            if year_span and match.start("volume") == year_span[0]:
                continue
            volume, groups = match.group("volume"), match.groupdict()
            if _YEAR.fullmatch(volume) and "issue" not in groups and (
                year is None or volume == str(year)
            ):
                continue
            if groups.get("issue") and _YEAR.fullmatch(groups["issue"]):
                continue  # "47 (2019) 211-219": the brackets hold the year
            candidates.append(match)
    if not candidates:
        return {}
    ending = [m for m in candidates if _AT_END.fullmatch(body, m.end())]
    best = min(ending or candidates, key=lambda m: m.start())
    groups = {k: v for k, v in best.groupdict().items() if v}
    issue = groups.pop("issue0", None)
    if issue and "issue" not in groups:
        groups["issue"] = issue
    groups["start"] = str(best.start())
    return groups


def _chapter(body: str, start: int) -> tuple[str | None, str | None]:
    """The book and the pages of a chapter (``None, None`` when this is no chapter).

    A chapter is recognised by what only chapters carry after ``In``: editors marked
    ``(Ed.)``/``(eds)``, a colon (``In: Book``), or pages in brackets (``In Book (pp. 1-20)``).
    """
    for marker in _CHAPTER_IN.finditer(body, start):
        rest = body[marker.end() :]
        chicago = _EDITED_BY.match(rest)
        if chicago:
            return _clean_container(chicago.group("book")), chicago.group("pages")
        editors = _EDITORS.match(rest)
        book_text = rest[editors.end() :] if editors else rest
        book_text = _EDITION.sub(lambda m: "." if m.group().endswith(".") else "", book_text)
        end = _BOOK_END.search(book_text)
        stop = end.start() if end else len(book_text)
        if not editors and not marker.group("colon"):
            if not _PAGES_IN_BRACKETS.match(book_text, stop):
                continue
        book = _without_imprint(book_text[:stop], before_pages=bool(end and "," in end.group()))
        pages = _CHAPTER_PAGES.search(rest) or _CHAPTER_PAGES.search(body, start, marker.start())
        return _clean_container(book), pages.group("pages") if pages else None
    return None, None


def _without_imprint(book: str, *, before_pages: bool) -> str:
    """``Book, London, Sage`` without the city and the publisher (short capitalised parts).

    Only when the pages follow or the book has three parts or more: ``Pain, Mind`` may be
    a title of its own.
    """
    book = re.sub(r",?\s*(?:1[6-9]|20)\d\d\W*$", "", book)
    book = re.sub(r",?\s*(?:vol\.?\s*)?\d+$", "", book, flags=re.IGNORECASE)  # "Poetica 13"
    parts = book.split(", ")
    if not before_pages and len(parts) < 3:
        return book
    for _ in range(3):
        if len(parts) > 1 and len(parts[-1].split()) <= 3 and parts[-1][:1].isupper():
            parts.pop()
    return ", ".join(parts)


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = _IN_BOOK.sub("", title)  # "Chapter. In: Editors (eds.), Book"
    title = re.sub(r"[\s.,;:]*\(\s*(?:1[5-9]|20)\d\d[a-z]?\s*\)$", "", title)  # "(1964)"
    title = title.strip().strip("\"'\u201c\u201d\u2018\u2019").strip(" .,;:")
    return title if len(title) > 2 else None


def _clean_container(container: str | None) -> str | None:
    if not container:
        return None
    container = _LEADING_IN.sub("", container.strip(" .,;:\u201d\"")).strip(" .,;:")
    container = re.sub(r",?\s*\b(?:vol|no|pp)\.?$", "", container).strip(" .,;:")
    container = re.sub(r"\s+(?:1[6-9]|20)\d\d$", "", container)  # "Eur Respir J 1995"
    return container if len(container) > 1 and not container.isdigit() else None


def _clean_pages(pages: str | None) -> str | None:
    if not pages:
        return None
    return re.sub(r"\s+", "", pages).replace("?", "-").strip("-")
