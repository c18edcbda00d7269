"""BibTeX fields to a ``Work`` and back: entry types, names, dates, pages, DOIs.

Entry types map to Crossref's vocabulary (``Work.type``). The types a BibTeX file can carry
both ways are those in ``TYPES_TO_BIBTEX`` whose BibTeX type reads back to them; the rest
(``peer-review``, ``component``...) are written as ``@misc`` and read back as ``other``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from refs.bibtex.latex import latex_to_unicode, unicode_to_latex, verbatim_to_unicode
from refs.bibtex.names import format_names, parse_names
from refs.doi import find_dois, normalize_doi
from refs.errors import InvalidDOI
from refs.markup import clean_text
from refs.work import PartialDate, Work

__all__ = ["TYPES_FROM_BIBTEX", "TYPES_TO_BIBTEX", "fields_from_work", "work_from_fields"]

TYPES_FROM_BIBTEX: dict[str, str] = {
    "article": "journal-article",
    "review": "journal-article",  # biblatex: "a more specific variant of @article"
    "inproceedings": "proceedings-article",
    "conference": "proceedings-article",
    "incollection": "book-chapter",
    "inbook": "book-chapter",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "collection": "edited-book",
    "proceedings": "proceedings",
    "phdthesis": "dissertation",
    "mastersthesis": "dissertation",
    "thesis": "dissertation",
    "techreport": "report",
    "report": "report",
    "dataset": "dataset",
    "unpublished": "posted-content",
    "periodical": "journal-issue",
    "manual": "other",
    "online": "other",
    "misc": "other",
}
"""BibTeX and biblatex entry types -> Crossref types; any other type reads as ``other``."""

TYPES_TO_BIBTEX: dict[str, str] = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "proceedings": "proceedings",
    "dissertation": "phdthesis",
    "report": "techreport",
    "report-component": "techreport",
    "dataset": "dataset",
    "posted-content": "unpublished",
}
"""Crossref types -> the BibTeX type written; any other type (and none) is written ``@misc``."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPACE = re.compile(r"\s+")
_DASHES = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]+\s*")
_SINGLE_HYPHEN = re.compile(r"(?<=[0-9A-Za-z])-(?=[0-9A-Za-z])")
_CONTAINERS = ("journal", "journaltitle", "booktitle", "series")
_PUBLISHERS = ("publisher", "school", "institution", "organization")
_BOOKISH = frozenset({"book", "proceedings", "techreport", "phdthesis"})


def work_from_fields(entry_type: str, fields: Mapping[str, str]) -> tuple[Work, list[str]]:
    """The Work an entry describes, and what in it could not be read as written.

    ``fields`` has lower-case names and values as written (LaTeX, macros expanded).
    """
    problems: list[str] = []
    doi = _doi(fields, problems)
    work = Work(
        doi=doi,
        title=clean_text(_text(fields.get("title"))),
        title_raw=fields.get("title") or None,
        authors=parse_names(fields.get("author", "")),
        issued=_issued(fields, problems),
        type=TYPES_FROM_BIBTEX.get(entry_type, "other"),
        container_title=_first_text(fields, _CONTAINERS),
        short_container_title=_first_text(fields, ("shortjournal",)),
        volume=_text(fields.get("volume")) or None,
        issue=_first_text(fields, ("number", "issue")),
        pages=_pages(fields.get("pages")),
        publisher=_first_text(fields, _PUBLISHERS),
        issn=tuple(re.findall(r"[0-9]{4}-?[0-9]{3}[0-9Xx]", fields.get("issn", ""))),
        abstract=clean_text(_text(fields.get("abstract"))) or None,
        url=verbatim_to_unicode(fields.get("url", "")).strip() or None,
        raw=dict(fields),
    )
    return work, problems


def fields_from_work(work: Work) -> tuple[str, list[tuple[str, str]]]:
    """The BibTeX type and fields (LaTeX values, ``month`` as a macro name) for a work."""
    entry_type = TYPES_TO_BIBTEX.get(work.type or "", "misc")
    out: list[tuple[str, str]] = []
    if work.authors:
        out.append(("author", format_names(work.authors)))
    if work.title:
        out.append(("title", unicode_to_latex(work.title, protect_case=True)))
    if work.container_title:
        out.append((_container_field(entry_type), unicode_to_latex(work.container_title)))
    if work.short_container_title:
        out.append(("shortjournal", unicode_to_latex(work.short_container_title)))
    out.extend(_date_fields(work.issued))
    for name, value in (("volume", work.volume), ("number", work.issue)):
        if value:
            out.append((name, unicode_to_latex(value)))
    if work.pages:
        out.append(("pages", "--".join(unicode_to_latex(p) for p in _split_range(work.pages))))
    if work.publisher:
        out.append((_publisher_field(entry_type), unicode_to_latex(work.publisher)))
    if work.issn:
        out.append(("issn", ", ".join(work.issn)))
    if work.doi:
        out.append(("doi", _verbatim(work.doi)))
    if work.url:
        out.append(("url", _verbatim(work.url)))
    if work.abstract:
        out.append(("abstract", unicode_to_latex(work.abstract)))
    return entry_type, out


# --- reading -----------------------------------------------------------------------------


def _text(value: str | None) -> str:
    if not value:
        return ""
    return _SPACE.sub(" ", latex_to_unicode(value)).strip()


def _first_text(fields: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        text = _text(fields.get(name))
        if text:
            return text
    return None


def _pages(value: str | None) -> str | None:
    """``998--1024``, ``998 - 1024`` and ``998–1024`` all as ``998-1024``."""
    text = _text(value)
    return _DASHES.sub("-", text) or None


def _issued(fields: Mapping[str, str], problems: list[str]) -> PartialDate | None:
    if fields.get("date"):
        date = PartialDate.parse(_text(fields["date"]))
        if date is not None:
            return date
        problems.append(f"date {fields['date']!r} is not a date (YYYY-MM-DD); year used instead")
    year_text = _text(fields.get("year"))
    if not year_text:
        return None
    match = re.search(r"\d{4}", year_text) or re.fullmatch(r"\d{1,3}", year_text)
    if match is None:
        problems.append(f"year {year_text!r} is not a year; the entry has no date")
        return None
    month = _month(_text(fields.get("month")), problems)
    return PartialDate(int(match.group()), month)


def _month(text: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    name = text.lower()[:3]
    if name in _MONTHS:
        return _MONTHS.index(name) + 1
    problems.append(f"month {text!r} is not a month; only the year is read")
    return None


def _doi(fields: Mapping[str, str], problems: list[str]) -> str | None:
    """The DOI from ``doi``, else the first DOI in ``url``, else in ``note``."""
    written = verbatim_to_unicode(fields.get("doi", "")).strip()
    if written:
        try:
            return normalize_doi(written)
        except InvalidDOI as exc:
            found = find_dois(written)
            if len(found) > 1:
                problems.append(f"the doi field holds {len(found)} DOIs; the first is used")
            if found:
                return found[0].doi
            problems.append(f"the doi field {written!r} is not a DOI: {exc.reason}")
    for name in ("url", "note"):
        found = find_dois(verbatim_to_unicode(fields.get(name, "")))
        if found:
            return found[0].doi
    return None


# --- writing -----------------------------------------------------------------------------


def _date_fields(issued: PartialDate | None) -> list[tuple[str, str]]:
    if issued is None:
        return []
    out = [("year", str(issued.year))]
    if issued.month:
        out.append(("month", _MONTHS[issued.month - 1]))
    if issued.day:
        # BibTeX has no day; biblatex's `date` holds it, and reading prefers it.
        out.append(("date", issued.isoformat()))
    return out


def _container_field(entry_type: str) -> str:
    if entry_type in ("inproceedings", "incollection"):
        return "booktitle"
    return "series" if entry_type in _BOOKISH else "journal"


def _publisher_field(entry_type: str) -> str:
    return {"phdthesis": "school", "techreport": "institution"}.get(entry_type, "publisher")


def _split_range(pages: str) -> list[str]:
    return _SINGLE_HYPHEN.split(pages)


def _verbatim(text: str) -> str:
    """A DOI or URL as written, with braces percent-encoded: BibTeX must balance them."""
    return text.replace("{", "%7B").replace("}", "%7D")
