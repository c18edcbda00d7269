"""Queries over works and the registry's negative answers.

Every function takes the session first and never commits: callers group writes with
``with session.begin():``. DOIs are compared case-insensitively (stored lower case).

Usage::

    with Session() as session, session.begin():
        upsert_works(session, works, origin="crossref", source_url="https://api.crossref.org")
    with Session() as session:
        work = get_work(session, "10.1002/14651858.CD009790.pub2")
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Table,
    case,
    delete,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import Session, selectinload

from evidence.errors import StoreError
from evidence.store.convert import (
    WORK_COLUMNS,
    WORK_FIELDS,
    author_rows,
    update_rows,
    work_from_record,
    work_from_rows,
    work_key,
    work_values,
)
from evidence.store.models import (
    REGISTRY_ORIGINS,
    Base,
    Lookup,
    WorkAuthor,
    WorkRecord,
    WorkUpdate,
    utcnow,
)
from refs.doi import normalize_doi
from refs.errors import InvalidDOI
from refs.work import Work

__all__ = [
    "WorkItem",
    "count_works",
    "find_work_id",
    "get_work",
    "get_works",
    "iter_works",
    "known_not_found",
    "record_not_found",
    "registry_answered",
    "upsert_work",
    "upsert_works",
]

WorkItem = Work | tuple[str | None, Work]
"""A work, or a (citation key, work) pair as ``iter_works`` yields them."""

CHUNK = 1000
"""Works per statement: big enough to amortise round trips, small enough for SQLite's
parameter limit once SQLAlchemy splits the VALUES list (it does so on its own)."""

_T = TypeVar("_T")
_WORK = Base.metadata.tables["work"]
_AUTHOR = Base.metadata.tables["work_author"]
_UPDATE = Base.metadata.tables["work_update"]
_LOOKUP = Base.metadata.tables["lookup"]
# Read as rows through the ORM's columns (a pending change in the session is flushed first).
_WORK_READ = [getattr(WorkRecord, name) for name in WORK_COLUMNS]
_AUTHOR_READ = [WorkAuthor.work_id, WorkAuthor.position, WorkAuthor.family, WorkAuthor.given,
                WorkAuthor.literal, WorkAuthor.orcid]
_UPDATE_READ = [WorkUpdate.work_id, WorkUpdate.direction, WorkUpdate.position,
                WorkUpdate.kind, WorkUpdate.notice_doi, WorkUpdate.source, WorkUpdate.date_year,
                WorkUpdate.date_month, WorkUpdate.date_day, WorkUpdate.label]
# Columns a file import may not overwrite on a row the registry wrote (its metadata is truth).
_GUARDED: tuple[str, ...] = (*WORK_FIELDS, "issn", "issued_year", "issued_month", "issued_day")
_GUARDED += ("raw", "origin", "source_url", "fetched_at")


# --- works -------------------------------------------------------------------------------


def upsert_work(
    session: Session,
    work: Work,
    *,
    origin: str,
    source_url: str | None = None,
    fetched_at: datetime | None = None,
    citation_key: str | None = None,
) -> int:
    """Insert or update one work (by DOI, else by fingerprint); its id.

    See ``upsert_works`` for what is replaced and what is kept.
    """
    ids = _upsert(
        session, [(citation_key, work)], origin=origin, source_url=source_url, fetched_at=fetched_at
    )
    return ids[work_key(work)]


def upsert_works(
    session: Session,
    works: Iterable[WorkItem],
    *,
    origin: str,
    source_url: str | None = None,
    fetched_at: datetime | None = None,
) -> int:
    """Insert or update works in batches of ``CHUNK``; how many distinct works were written.

    Rows are matched by DOI, or by fingerprint for works without one; the same work twice in
    ``works`` is written once (the last wins). Authors and updates are replaced. What is kept:
    ``created_at``; the citation key when none is given; and, when a file import (``bibtex``,
    ``csl-json``) meets a row the registry wrote, all of the registry's metadata (only the
    citation key is taken from the file). A registry write forgets the DOI's "not found".

    :param origin: ``crossref``, ``doi.org``, ``bibtex`` or ``csl-json``.
    :param fetched_at: when the record was read; now when not given.
    """
    written = _upsert(session, works, origin=origin, source_url=source_url, fetched_at=fetched_at)
    return len(written)


def find_work_id(session: Session, work: Work) -> int | None:
    """The id of the row that stores ``work`` (by DOI, else by fingerprint), if any."""
    column, value = work_key(work)
    found = session.execute(select(_WORK.c.id).where(_WORK.c[column] == value)).scalar()
    return int(found) if found is not None else None


def get_work(session: Session, doi: str) -> Work | None:
    """The stored work with this DOI, in any case or spelling (``doi:``, ``https://doi.org/``)."""
    return get_works(session, [doi]).get(_doi_key(doi))


def get_works(
    session: Session, dois: Iterable[str], *, registry_only: bool = False
) -> dict[str, Work]:
    """The stored works among ``dois``, keyed by normalised (lower-case) DOI; one query a chunk.

    ``registry_only``: only works the registry described (``REGISTRY_ORIGINS``), not those read
    from an imported file, whose DOI no registry has confirmed.
    """
    found: dict[str, Work] = {}
    for chunk in _chunks(sorted({_doi_key(d) for d in dois}), CHUNK):
        query = select(*_WORK_READ).where(WorkRecord.doi.in_(chunk))
        if registry_only:
            query = query.where(WorkRecord.origin.in_(sorted(REGISTRY_ORIGINS)))
        rows = session.execute(query).all()
        works = _works_of(session, rows)
        found |= {row.doi or "": work for row, work in zip(rows, works, strict=True)}
    return found


def _works_of(session: Session, rows: Sequence[Any]) -> list[Work]:
    """The Works of ``rows`` (``_WORK_READ``), their authors and updates read in one query
    each. Rows, not ORM records: a job's two DOIs read this way cost a worker about 30% less
    CPU than through records and their selectin loads (issue 14: with several workers, most
    jobs read the answers another worker stored)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    authors: dict[int, list[Any]] = defaultdict(list)
    for author in session.execute(select(*_AUTHOR_READ).where(WorkAuthor.work_id.in_(ids))):
        authors[author.work_id].append(author)
    updates: dict[int, list[Any]] = defaultdict(list)
    for update in session.execute(select(*_UPDATE_READ).where(WorkUpdate.work_id.in_(ids))):
        updates[update.work_id].append(update)
    return [work_from_rows(row, authors[row.id], updates[row.id]) for row in rows]


def iter_works(session: Session) -> Iterator[tuple[str | None, Work]]:
    """Every stored work with its citation key, in the order they were first stored."""
    query = _work_query().order_by(WorkRecord.id).execution_options(yield_per=CHUNK)
    for record in session.scalars(query):
        yield record.citation_key, work_from_record(record)


def count_works(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(_WORK)) or 0


# --- the registry's negative answers -----------------------------------------------------


def record_not_found(session: Session, doi: str, *, source_url: str | None) -> None:
    """Remember that the registry (at ``source_url``) said there is no such DOI."""
    values = {"doi": _doi_key(doi), "status": "not-found", "asked_at": utcnow()}
    values["source_url"] = source_url
    statement = _insert_for(session, _LOOKUP).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["doi"],
        set_={k: statement.excluded[k] for k in ("status", "asked_at", "source_url")},
    )
    session.execute(statement)


def known_not_found(
    session: Session, dois: Iterable[str], *, since: datetime | None = None
) -> set[str]:
    """Those of ``dois`` (normalised) the registry said do not exist, asked ``since`` or later."""
    found: set[str] = set()
    for chunk in _chunks(sorted({_doi_key(d) for d in dois}), CHUNK):
        query = select(Lookup.doi).where(Lookup.doi.in_(chunk), Lookup.status == "not-found")
        if since is not None:
            query = query.where(Lookup.asked_at >= since)
        found.update(session.scalars(query))
    return found


def registry_answered(session: Session, dois: Iterable[str]) -> set[str]:
    """Those of ``dois`` (normalised) the registry has answered for: a work it described is
    stored, or it said there is no such DOI. Keys only, nothing loaded; one query a chunk."""
    found: set[str] = set()
    for chunk in _chunks(sorted({_doi_key(d) for d in dois}), CHUNK):
        described = select(WorkRecord.doi).where(
            WorkRecord.doi.in_(chunk), WorkRecord.origin.in_(sorted(REGISTRY_ORIGINS)))
        absent = select(Lookup.doi).where(Lookup.doi.in_(chunk), Lookup.status == "not-found")
        found.update(d for d in session.scalars(described.union(absent)) if d is not None)
    return found


# --- the batch upsert --------------------------------------------------------------------


def _upsert(
    session: Session,
    works: Iterable[WorkItem],
    *,
    origin: str,
    source_url: str | None,
    fetched_at: datetime | None,
) -> dict[tuple[str, str], int]:
    now = utcnow()
    common = {"origin": origin, "source_url": source_url, "fetched_at": fetched_at or now}
    common.update(created_at=now, updated_at=now)
    batch: dict[tuple[str, str], tuple[str | None, Work]] = {}
    for item in works:
        key, work = item if isinstance(item, tuple) else (None, item)
        batch[work_key(work)] = (key, work)
    ids: dict[tuple[str, str], int] = {}
    for column in ("doi", "fingerprint"):
        # Sorted, so two writers lock rows in the same order and cannot deadlock.
        keys = sorted(k for k in batch if k[0] == column)
        for chunk in _chunks(keys, CHUNK):
            items = {k[1]: batch[k] for k in chunk}
            ids.update(_write_chunk(session, column, items, common))
            if column == "doi" and origin in REGISTRY_ORIGINS:
                session.execute(delete(_LOOKUP).where(_LOOKUP.c.doi.in_(list(items))))
    return ids


def _write_chunk(
    session: Session,
    column: str,
    items: dict[str, tuple[str | None, Work]],
    common: dict[str, Any],
) -> dict[tuple[str, str], int]:
    rows = [{**work_values(w), **common, "citation_key": k} for k, w in items.values()]
    statement = _insert_for(session, _WORK)
    excluded = statement.excluded
    # Literal SQL, not bound parameters: an IN list cannot be expanded under executemany.
    guard = _WORK.c.origin.in_([literal_column(f"'{o}'") for o in sorted(REGISTRY_ORIGINS)])
    from_file = common["origin"] not in REGISTRY_ORIGINS
    set_: dict[str, ColumnElement[Any]] = {
        name: case((guard, _WORK.c[name]), else_=excluded[name]) if from_file else excluded[name]
        for name in _GUARDED
    }
    set_["citation_key"] = func.coalesce(excluded.citation_key, _WORK.c.citation_key)
    set_["updated_at"] = excluded.updated_at
    statement = statement.on_conflict_do_update(index_elements=[column], set_=set_)
    returning = statement.returning(_WORK.c.id, _WORK.c[column], _WORK.c.origin)
    ids: dict[tuple[str, str], int] = {}
    replaced: dict[int, Work] = {}
    for work_id, value, stored_origin in session.execute(returning, rows):
        ids[(column, value)] = work_id
        if stored_origin == common["origin"]:
            replaced[work_id] = items[value][1]
    _replace_children(session, replaced)
    return ids


def _replace_children(session: Session, works: dict[int, Work]) -> None:
    if not works:
        return
    for table in (_AUTHOR, _UPDATE):
        session.execute(delete(table).where(table.c.work_id.in_(list(works))))
    authors = [row for work_id, work in works.items() for row in author_rows(work, work_id)]
    updates = [row for work_id, work in works.items() for row in update_rows(work, work_id)]
    if authors:
        session.execute(insert(_AUTHOR), authors)
    if updates:
        session.execute(insert(_UPDATE), updates)


# --- helpers -----------------------------------------------------------------------------


def _insert_for(session: Session, table: Table) -> Any:
    """INSERT with ON CONFLICT for the session's database (SQLite and PostgreSQL alike)."""
    dialect = session.get_bind().dialect.name
    # The dialect's module is imported with its engine; importing PostgreSQL's here for a
    # SQLite store would add ~0.025 s to every start-up.
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    raise StoreError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL")


def _work_query() -> Any:
    # populate_existing: a batch upsert in this session may have changed rows already loaded.
    return (
        select(WorkRecord)
        .options(selectinload(WorkRecord.authors), selectinload(WorkRecord.updates))
        .execution_options(populate_existing=True)
    )


def _doi_key(doi: str) -> str:
    try:
        return normalize_doi(doi)
    except InvalidDOI:
        return doi.strip().lower()


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
