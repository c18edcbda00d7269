"""The reference as written against the registry's record: which fields disagree.

A mismatch is raised for a real difference only, never for formatting: case, punctuation,
accents, HTML, LaTeX braces, ``&`` against "and", abbreviated page ranges (``998-24``), dash
kinds, abbreviated journal names, a title written without its subtitle, and the registry's
"Retracted:" label before a title. Fields missing on either side are not compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from refs.match.normalize import (
    container_matches,
    first_last_page,
    fold,
    same_number,
    title_similarity,
)
from refs.match.parse import ParsedReference
from refs.match.score import registry_title, registry_years
from refs.work import Work

__all__ = ["TITLE_TOLERANCE", "Mismatch", "compare"]

TITLE_TOLERANCE = 0.93
"""Folded titles this similar are the same title (a typo, a dropped word in a long title)."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One field on which the reference and the registry disagree, with both values."""

    field: str
    written: str
    registry: str

    def __str__(self) -> str:
        return f"{self.field}: written {self.written!r}, registry has {self.registry!r}"


@dataclass(frozen=True, slots=True)
class _Written:
    title: str | None
    year: int | None
    first_author: str | None
    container: str | None
    volume: str | None
    issue: str | None
    pages: str | None


def compare(written: Work | ParsedReference, registry: Work) -> list[Mismatch]:
    """Every field written differently from the registry's record, in a fixed order."""
    mine = _as_written(written)
    checks: list[tuple[str, str | None, str | None, Callable[[str, str], bool]]] = [
        ("title", mine.title, registry_title(registry) or None, _same_title),
        ("year", _str(mine.year), _str(registry.year), lambda a, _: _same_year(a, registry)),
        ("authors", mine.first_author, _family(registry), _same_author),
        ("container", mine.container, registry.container_title,
         lambda a, _: container_matches(a, registry.container_title,
                                        registry.short_container_title)),
        ("volume", mine.volume, registry.volume, same_number),
        ("issue", mine.issue, registry.issue, same_number),
        ("pages", mine.pages, registry.pages, _same_pages),
    ]
    return [
        Mismatch(name, a, b)
        for name, a, b, same in checks
        if a and b and not same(a, b)
    ]


def _as_written(written: Work | ParsedReference) -> _Written:
    if isinstance(written, ParsedReference):
        return _Written(written.title, written.year, written.first_author, written.container,
                        written.volume, written.issue, written.pages)
    return _Written(written.title or None, written.year, _family(written),
                    written.container_title or written.short_container_title, written.volume,
                    written.issue, written.pages)


def _str(value: int | None) -> str | None:
    return str(value) if value is not None else None


def _family(work: Work) -> str | None:
    person = work.first_author
    return (person.family or person.literal) if person else None


def _same_title(written: str, registry: str) -> bool:
    return title_similarity(written, registry) >= TITLE_TOLERANCE


def _same_year(written: str, registry: Work) -> bool:
    # Online first in one year, in print the next: either year is the work's.
    return int(written) in registry_years(registry)


def _same_author(written: str, registry: str) -> bool:
    a, b = fold(written), fold(registry)
    # "van der Berg" against "Berg", "Owen-Smith" against "Owen Smith"
    return a == b or a.replace(" ", "") == b.replace(" ", "") or a.endswith(" " + b) \
        or b.endswith(" " + a)


def _same_pages(written: str, registry: str) -> bool:
    first_a, last_a = first_last_page(written)
    first_b, last_b = first_last_page(registry)
    if fold(first_a) != fold(first_b):
        return False
    return last_a is None or last_b is None or last_a == last_b
