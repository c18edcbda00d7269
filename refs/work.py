"""The Work record: what a DOI names, and its reading from Crossref JSON and CSL-JSON.

``Work`` is the one pivot record (as CSL JSON is manubot's): Crossref JSON, CSL-JSON, BibTeX and
the store all convert to and from it. ``Work.type`` keeps Crossref's vocabulary
(``journal-article``, ``book-chapter``...); CSL and BibTeX types are mapped at their borders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from refs.doi import doi_problem, normalize_doi
from refs.markup import clean_text, strip_jats

__all__ = [
    "CORRECTION_KINDS",
    "RETRACTION_KINDS",
    "PartialDate",
    "Person",
    "SearchHit",
    "Update",
    "Work",
    "work_from_crossref",
    "work_from_csl",
    "work_to_csl",
]

RETRACTION_KINDS = frozenset({"retraction", "partial_retraction", "withdrawal", "removal"})
"""Update kinds after which a work should not be cited as evidence."""
CORRECTION_KINDS = frozenset(
    {"correction", "erratum", "corrigendum", "expression_of_concern", "addendum", "clarification"}
)
"""Update kinds that leave a work citable but change what it says, or cast doubt on it."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]

    def isoformat(self) -> str:
        return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(self.parts()))

    @classmethod
    def from_parts(cls, parts: Iterable[Any]) -> PartialDate | None:
        numbers: list[int] = []
        for part in parts:
            try:
                numbers.append(int(part))
            except (TypeError, ValueError):
                break
        if not numbers or not 0 < numbers[0] < 10000:
            return None
        month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
        day = numbers[2] if month and len(numbers) > 2 and 1 <= numbers[2] <= 31 else None
        return cls(numbers[0], month, day)

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        if not text:
            return None
        return cls.from_parts(re.findall(r"\d+", text)[:3])


@dataclass(frozen=True, slots=True)
class Person:
    """An author: given and family names, or a ``literal`` name for organisations."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None
    orcid: str | None = None

    @property
    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.family) if p)

    @property
    def sort_name(self) -> str:
        return self.family or self.literal or self.given or ""


@dataclass(frozen=True, slots=True)
class Update:
    """A notice about a work: retraction, correction, expression of concern, new version.

    On a retracted work, ``doi`` is the notice's DOI; on a notice, it is the DOI it updates.
    ``source`` is who said so: ``publisher`` or ``retraction-watch``.
    """

    kind: str
    doi: str | None
    source: str | None = None
    date: PartialDate | None = None
    label: str | None = None

    @property
    def is_retraction(self) -> bool:
        return self.kind in RETRACTION_KINDS

    @property
    def is_correction(self) -> bool:
        return self.kind in CORRECTION_KINDS


@dataclass(frozen=True, slots=True)
class Work:
    """A citable work with its registry metadata.

    ``title`` is clean text; ``title_raw`` keeps the registry's markup (HTML, MathML).
    ``updates`` are notices about this work (``updated-by``); ``notice_of`` is set when the
    work is itself a notice (``update-to``). ``raw`` is the registry record it was read from.
    """

    doi: str | None
    title: str = ""
    authors: tuple[Person, ...] = ()
    issued: PartialDate | None = None
    type: str | None = None
    container_title: str | None = None
    short_container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    issn: tuple[str, ...] = ()
    abstract: str | None = None
    url: str | None = None
    title_raw: str | None = None
    updates: tuple[Update, ...] = ()
    notice_of: tuple[Update, ...] = ()
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def year(self) -> int | None:
        return self.issued.year if self.issued else None

    @property
    def retracted(self) -> bool:
        return any(u.is_retraction for u in self.updates)

    @property
    def corrected(self) -> bool:
        return any(u.is_correction for u in self.updates)

    @property
    def first_author(self) -> Person | None:
        return self.authors[0] if self.authors else None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A work a registry search returned, with the registry's own relevance score."""

    work: Work
    score: float


# --- Crossref JSON -----------------------------------------------------------------------


def work_from_crossref(message: Mapping[str, Any]) -> Work:
    """A Work from a Crossref ``message`` (the body of ``/works/{doi}``, or one list item)."""
    raw_title = _first(message.get("title"))
    subtitle = clean_text(_first(message.get("subtitle")))
    title = clean_text(raw_title)
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}" if title else subtitle
    return Work(
        doi=_doi_or_none(message.get("DOI")),
        title=title,
        title_raw=raw_title,
        authors=tuple(_person_from_crossref(a) for a in message.get("author") or ()),
        issued=_crossref_date(message),
        type=message.get("type"),
        container_title=clean_text(_first(message.get("container-title"))) or None,
        short_container_title=clean_text(_first(message.get("short-container-title"))) or None,
        volume=_str_or_none(message.get("volume")),
        issue=_str_or_none(message.get("issue")),
        pages=_str_or_none(message.get("page")),
        publisher=_str_or_none(message.get("publisher")),
        issn=tuple(dict.fromkeys(message.get("ISSN") or ())),
        abstract=strip_jats(message.get("abstract")) or None,
        url=_str_or_none(message.get("URL")),
        updates=_updates(message.get("updated-by")),
        notice_of=_updates(message.get("update-to")),
        raw=message,
    )


def _person_from_crossref(author: Mapping[str, Any]) -> Person:
    orcid = author.get("ORCID")
    if isinstance(orcid, str):
        orcid = orcid.rsplit("/", 1)[-1]
    return Person(
        family=clean_text(author.get("family")) or None,
        given=clean_text(author.get("given")) or None,
        literal=clean_text(author.get("name")) or None,
        orcid=orcid or None,
    )


def _crossref_date(message: Mapping[str, Any]) -> PartialDate | None:
    # `issued` is Crossref's earliest of print and online; the others are fallbacks for
    # records (posted content, old deposits) that lack it.
    for key in ("issued", "published", "published-print", "published-online", "created"):
        value = message.get(key)
        if isinstance(value, Mapping):
            parts = value.get("date-parts") or [[]]
            date = PartialDate.from_parts(parts[0] if parts and parts[0] else [])
            if date is not None:
                return date
    return None


def _updates(items: Any) -> tuple[Update, ...]:
    seen: dict[tuple[str, str | None, str | None], Update] = {}
    for item in items or ():
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("type") or "unknown").lower().replace("-", "_").replace(" ", "_")
        date_parts = (item.get("updated") or {}).get("date-parts") or [[]]
        update = Update(
            kind=kind,
            doi=_doi_or_none(item.get("DOI")),
            source=item.get("source") or None,
            date=PartialDate.from_parts(date_parts[0]),
            label=item.get("label") or None,
        )
        seen.setdefault((update.kind, update.doi, update.source), update)
    return tuple(seen.values())


# --- CSL-JSON ----------------------------------------------------------------------------

_CROSSREF_TO_CSL = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "reference-entry": "entry",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
    "posted-content": "article",
    "peer-review": "review",
    "standard": "standard",
    "journal": "periodical",
    "journal-issue": "periodical",
}
_CSL_TO_CROSSREF = {
    "article-journal": "journal-article",
    "paper-conference": "proceedings-article",
    "chapter": "book-chapter",
    "entry": "reference-entry",
    "entry-encyclopedia": "reference-entry",
    "book": "book",
    "thesis": "dissertation",
    "report": "report",
    "dataset": "dataset",
    "article": "posted-content",
    "review": "peer-review",
    "standard": "standard",
    "periodical": "journal",
}


def work_to_csl(work: Work, *, key: str | None = None) -> dict[str, Any]:
    """The work as one CSL-JSON item; ``key`` becomes its ``id`` (else the DOI)."""
    item: dict[str, Any] = {
        "id": key or work.doi or "",
        "type": _CROSSREF_TO_CSL.get(work.type or "", "document"),
        "title": work.title,
    }
    if work.authors:
        item["author"] = [_person_to_csl(p) for p in work.authors]
    if work.issued:
        item["issued"] = {"date-parts": [work.issued.parts()]}
    optional = {
        "container-title": work.container_title,
        "container-title-short": work.short_container_title,
        "volume": work.volume,
        "issue": work.issue,
        "page": work.pages,
        "publisher": work.publisher,
        "DOI": work.doi,
        "URL": work.url,
        "abstract": work.abstract,
        "ISSN": work.issn[0] if work.issn else None,
    }
    item.update({k: v for k, v in optional.items() if v})
    return item


def work_from_csl(item: Mapping[str, Any]) -> Work:
    """A Work from one CSL-JSON item."""
    issued = item.get("issued") or {}
    date = None
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts") or [[]]
        date = PartialDate.from_parts(parts[0] if parts and parts[0] else [])
        if date is None and issued.get("raw"):
            date = PartialDate.parse(str(issued["raw"]))
    issn = item.get("ISSN")
    raw_title = _str_or_none(item.get("title"))
    return Work(
        doi=_doi_or_none(item.get("DOI")),
        title=clean_text(raw_title),
        title_raw=raw_title,
        authors=tuple(
            _person_from_csl(a) for a in item.get("author") or () if isinstance(a, Mapping)
        ),
        issued=date,
        type=_CSL_TO_CROSSREF.get(str(item.get("type") or ""), None),
        container_title=_str_or_none(item.get("container-title")),
        short_container_title=_str_or_none(item.get("container-title-short")),
        volume=_str_or_none(item.get("volume")),
        issue=_str_or_none(item.get("issue")),
        pages=_str_or_none(item.get("page")),
        publisher=_str_or_none(item.get("publisher")),
        issn=tuple(issn) if isinstance(issn, list) else ((issn,) if issn else ()),
        abstract=strip_jats(_str_or_none(item.get("abstract"))) or None,
        url=_str_or_none(item.get("URL")),
        raw=item,
    )


def _person_to_csl(person: Person) -> dict[str, str]:
    out = {"family": person.family, "given": person.given, "literal": person.literal}
    if person.orcid:
        out["ORCID"] = f"https://orcid.org/{person.orcid}"
    return {k: v for k, v in out.items() if v}


def _person_from_csl(author: Mapping[str, Any]) -> Person:
    orcid = author.get("ORCID")
    return Person(
        family=_str_or_none(author.get("family")),
        given=_str_or_none(author.get("given")),
        literal=_str_or_none(author.get("literal") or author.get("name")),
        orcid=str(orcid).rsplit("/", 1)[-1] if orcid else None,
    )


# --- small readers -----------------------------------------------------------------------


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def _str_or_none(value: Any) -> str | None:
    if isinstance(value, list):
        return _first(value)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _doi_or_none(value: Any) -> str | None:
    if not isinstance(value, str) or doi_problem(value) is not None:
        return None
    return normalize_doi(value)
