"""What the linker knows of each reference: the text as written, and the registry's record."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.linking.shapes import ArticleLike, ReferenceEntryLike
from refs import Work, doi_problem, normalize_doi

__all__ = [
    "ReferenceText",
    "reference_text",
    "reference_texts",
    "written_first_author",
    "written_title",
    "written_year",
]


@dataclass(frozen=True, slots=True)
class ReferenceText:
    """What the linker knows of one reference.

    ``text`` is the reference as written; ``title``, ``container`` and ``abstract`` come from
    the registry record (``None`` when there is none), so a similarity score against a
    reference without them rests on the written text alone. ``first_author`` (family name)
    and ``year`` serve author-year markers; they come from the record, else from the text.

    >>> ReferenceText("Hayden JA et al. Exercise therapy for chronic low back pain. 2021",
    ...               first_author="Hayden", year=2021).year
    2021
    """

    text: str
    title: str | None = None
    container: str | None = None
    abstract: str | None = None
    label: str | None = None
    key: str | None = None
    doi: str | None = None
    first_author: str | None = None
    year: int | None = None

    @property
    def has_record(self) -> bool:
        """Whether the registry told us what the work is about (a title or an abstract)."""
        return bool(self.title or self.abstract)


def reference_texts(article: ArticleLike, works: Sequence[Work | None]) -> list[ReferenceText]:
    """One ``ReferenceText`` per reference of the article; ``works`` is aligned with them.

    :raises ValueError: when ``works`` and the references differ in length (a caller's bug).
    """
    entries = article.references
    if len(works) != len(entries):
        raise ValueError(f"{len(works)} works for {len(entries)} references: they must align")
    return [reference_text(entry, work) for entry, work in zip(entries, works, strict=True)]


def reference_text(entry: ReferenceEntryLike, work: Work | None) -> ReferenceText:
    """What is known of one reference: its entry as written, and its registry record if any."""
    doi = _clean_doi(work.doi if work and work.doi else entry.doi)
    first = work.first_author if work else None
    return ReferenceText(
        text=entry.text,
        title=(work.title or None) if work else None,
        container=work.container_title if work else None,
        abstract=work.abstract if work else None,
        label=entry.label,
        key=entry.key,
        doi=doi,
        first_author=(first.sort_name or None) if first else written_first_author(entry.text),
        year=(work.year if work and work.year else written_year(entry.text)),
    )


_AUTHOR = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*|\d+[.)]\s+)?([^\W\d_][\w'’ -]*?)(?=,|\s+[A-Z]{1,3}\b|\.)"
)
_PAREN_YEAR = re.compile(r"\((1[5-9]\d\d|20\d\d)[a-z]?\)")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def written_first_author(text: str) -> str | None:
    """The first author's family name as most styles write it: before the first comma.

    ``Hayden, Jill A et al.`` and ``Hayden JA, ...`` give ``Hayden``; a leading ``[3]`` or
    ``3.`` is skipped.
    """
    match = _AUTHOR.match(text)
    if match is None:
        return None
    name = match.group(1).strip()
    return name if 1 <= len(name.split()) <= 3 else None


_QUOTED = re.compile(r"[“\"]([^”\"]{8,})[”\"]")


def written_title(text: str) -> str | None:
    """The title when the reference sets it in quotes (MLA, Chicago, NLM-like styles)."""
    match = _QUOTED.search(text)
    return match.group(1).strip(" .") if match else None


def written_year(text: str) -> int | None:
    """The publication year: the first in parentheses, else the first that stands alone."""
    match = _PAREN_YEAR.search(text) or _YEAR.search(text)
    return int(match.group(1)) if match else None


def _clean_doi(doi: str | None) -> str | None:
    if not doi or doi_problem(doi) is not None:
        return None
    return normalize_doi(doi)
