"""refs.Work <-> rows of work, work_author and work_update, losslessly.

Writing goes through plain dicts (the batch upsert sends them with executemany); reading
goes through the ORM records. ``work_from_record(record)`` gives back a Work equal to the one
written, ``raw`` included.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from evidence.folding import plain_words
from evidence.store.models import Direction, WorkRecord
from refs.work import PartialDate, Person, Update, Work

__all__ = [
    "author_rows",
    "update_rows",
    "work_fingerprint",
    "work_from_record",
    "work_from_rows",
    "work_key",
    "work_values",
]

WORK_FIELDS = (
    "type",
    "title",
    "title_raw",
    "container_title",
    "short_container_title",
    "volume",
    "issue",
    "pages",
    "publisher",
    "abstract",
    "url",
)
"""Work attributes stored as they are, in columns of the same name."""

WORK_COLUMNS = (*WORK_FIELDS, "id", "doi", "issn", "issued_year", "issued_month", "issued_day",
                "raw")
"""The columns of a work row that ``work_from_rows`` reads (``id``: to find its authors)."""


def work_key(work: Work) -> tuple[str, str]:
    """What identifies the work's row: ``("doi", doi)``, else ``("fingerprint", hash)``."""
    if work.doi:
        return ("doi", work.doi.lower())
    return ("fingerprint", work_fingerprint(work))


def work_fingerprint(work: Work) -> str:
    """A hash of normalised title, year and first author's family name.

    Used for works without a DOI, so that importing the same entry twice updates one row.
    A work with no title falls back on its other details, so that title-less entries of
    different works do not all collapse into one.
    """
    first = work.first_author
    parts = [work.title, str(work.year or ""), (first.sort_name if first else "")]
    if not plain_words(work.title):
        parts += [work.container_title or "", work.volume or "", work.pages or "", work.url or ""]
        parts += [p.display for p in work.authors]
    text = "\x1f".join(plain_words(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def work_values(work: Work) -> dict[str, Any]:
    """The work's own columns (not origin, times or citation key: the caller's to set)."""
    doi_or_hash = work_key(work)
    values: dict[str, Any] = {field: getattr(work, field) for field in WORK_FIELDS}
    values.update(
        doi=doi_or_hash[1] if doi_or_hash[0] == "doi" else None,
        fingerprint=doi_or_hash[1] if doi_or_hash[0] == "fingerprint" else None,
        issn=list(work.issn),
        issued_year=work.issued.year if work.issued else None,
        issued_month=work.issued.month if work.issued else None,
        issued_day=work.issued.day if work.issued else None,
        raw=dict(work.raw) if work.raw is not None else None,
    )
    return values


def author_rows(work: Work, work_id: int) -> list[dict[str, Any]]:
    return [
        {
            "work_id": work_id,
            "position": position,
            "family": person.family,
            "given": person.given,
            "literal": person.literal,
            "orcid": person.orcid,
        }
        for position, person in enumerate(work.authors)
    ]


def update_rows(work: Work, work_id: int) -> list[dict[str, Any]]:
    """Rows for ``updates`` and ``notice_of``.

    Duplicates by (kind, DOI, source) are dropped, first kept, as refs.work does on reading:
    the table's unique constraint would refuse them.
    """
    rows: list[dict[str, Any]] = []
    for direction, updates in (
        (Direction.UPDATED_BY, work.updates),
        (Direction.UPDATE_TO, work.notice_of),
    ):
        seen: set[tuple[str, str | None, str | None]] = set()
        for update in updates:
            if (update.kind, update.doi, update.source) in seen:
                continue
            seen.add((update.kind, update.doi, update.source))
            rows.append(_update_row(update, work_id, direction, len(seen) - 1))
    return rows


def work_from_record(record: WorkRecord) -> Work:
    """The Work a row holds, with its authors and updates (load them with selectinload)."""
    return work_from_rows(record, record.authors, record.updates)


def work_from_rows(work: Any, authors: Iterable[Any], updates: Iterable[Any]) -> Work:
    """The Work of a ``work`` row, its ``work_author`` rows and its ``work_update`` rows, as
    ORM records or as plain rows of the same column names (``WORK_COLUMNS`` at least)."""
    updated_by = [u for u in updates if u.direction == Direction.UPDATED_BY]
    update_to = [u for u in updates if u.direction == Direction.UPDATE_TO]
    return Work(
        doi=work.doi,
        title=work.title,
        authors=tuple(_person(a) for a in sorted(authors, key=lambda a: a.position)),
        issued=_date(work.issued_year, work.issued_month, work.issued_day),
        type=work.type,
        container_title=work.container_title,
        short_container_title=work.short_container_title,
        volume=work.volume,
        issue=work.issue,
        pages=work.pages,
        publisher=work.publisher,
        issn=tuple(work.issn or ()),
        abstract=work.abstract,
        url=work.url,
        title_raw=work.title_raw,
        updates=tuple(_update(u) for u in sorted(updated_by, key=lambda u: u.position)),
        notice_of=tuple(_update(u) for u in sorted(update_to, key=lambda u: u.position)),
        raw=work.raw,
    )


# --- helpers -----------------------------------------------------------------------------


def _update_row(update: Update, work_id: int, direction: str, position: int) -> dict[str, Any]:
    date = update.date
    return {
        "work_id": work_id,
        "direction": direction,
        "position": position,
        "kind": update.kind,
        "notice_doi": update.doi,
        "source": update.source,
        "date_year": date.year if date else None,
        "date_month": date.month if date else None,
        "date_day": date.day if date else None,
        "label": update.label,
    }


def _person(row: Any) -> Person:  # a WorkAuthor, or a row of its columns
    return Person(family=row.family, given=row.given, literal=row.literal, orcid=row.orcid)


def _update(row: Any) -> Update:  # a WorkUpdate, or a row of its columns
    return Update(
        kind=row.kind,
        doi=row.notice_doi,
        source=row.source,
        date=_date(row.date_year, row.date_month, row.date_day),
        label=row.label,
    )


def _date(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
    return PartialDate(year, month, day) if year is not None else None
