"""Queries over what the registry changed after a check: source events, their alerts, and
where the walk of the registry's notices stands.

Every function takes the session first and never commits (``with session.begin():`` is the
caller's), so that a recheck stores its works, events, alerts and position in one
transaction, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, exists, func, insert, select
from sqlalchemy.orm import Session

from evidence.store.models import (
    Article,
    Event,
    RecheckCursor,
    Reference,
    SourceAlert,
    SourceEvent,
    WorkRecord,
)
from evidence.vocabulary import SourceChange

__all__ = [
    "ACKNOWLEDGE",
    "ALERT_OBJECT",
    "NOTICE_CURSOR",
    "AlertRow",
    "Citing",
    "SeenChange",
    "acknowledge_alert",
    "add_alerts",
    "add_events",
    "changes_since",
    "citing_articles",
    "count_alerts",
    "known_changes",
    "list_alerts",
    "oldest_fetch",
    "read_cursor",
    "save_cursor",
    "stored_dois",
]

NOTICE_CURSOR = "notices"
"""The one position kept so far: the walk of ``is-update:true`` notices."""
ALERT_OBJECT = "source_alert"
ACKNOWLEDGE = "acknowledge"
"""An acknowledgement's ``object_type`` and ``action`` in the audit trail (``event``)."""


@dataclass(frozen=True, slots=True)
class SeenChange:
    """A change to one stored work, as a recheck found it (before it is stored)."""

    doi: str
    kind: SourceChange
    notice_doi: str | None = None
    notice_type: str | None = None
    source: str | None = None
    notice_date: str | None = None
    detail: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """What makes two sightings the same change (a notice seen again is not new)."""
        return (self.doi, self.kind.value, self.notice_doi, self.detail)


@dataclass(frozen=True, slots=True)
class Citing:
    """An article version citing a work: the newest version of its document that does."""

    article_id: int
    name: str
    number: int
    current: bool  # the newest version of its document


@dataclass(frozen=True, slots=True)
class AlertRow:
    """An alert as lists show it: the change, the article, and its acknowledgement."""

    id: int
    article_id: int
    article_name: str
    article_number: int
    doi: str
    title: str | None
    kind: str
    notice_doi: str | None
    notice_date: str | None
    detail: str | None
    seen_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None


# --- the stored works and the walk's position --------------------------------------------


def stored_dois(session: Session) -> dict[str, int]:
    """Every stored work that has a DOI: DOI -> work id."""
    rows = session.execute(select(WorkRecord.doi, WorkRecord.id).where(WorkRecord.doi.is_not(None)))
    return {doi: work_id for doi, work_id in rows if doi}


def oldest_fetch(session: Session) -> datetime | None:
    """When the longest-unasked stored work was read from the registry."""
    return session.scalar(select(func.min(WorkRecord.fetched_at)).where(
        WorkRecord.doi.is_not(None)))


def read_cursor(session: Session, name: str = NOTICE_CURSOR) -> RecheckCursor | None:
    return session.get(RecheckCursor, name)


def save_cursor(session: Session, from_index_date: date, *, walked_at: datetime, requests: int,
                name: str = NOTICE_CURSOR) -> None:
    """Keep where the next walk starts; called only after a complete one."""
    row = session.get(RecheckCursor, name)
    if row is None:
        session.add(RecheckCursor(name=name, from_index_date=from_index_date,
                                  walked_at=walked_at, requests=requests))
        return
    row.from_index_date, row.walked_at, row.requests = from_index_date, walked_at, requests


# --- events ----------------------------------------------------------------------------


def known_changes(session: Session, dois: Iterable[str]) -> set[tuple[str, str, str | None,
                                                                       str | None]]:
    """The keys (``SeenChange.key``) of the changes already stored for ``dois``."""
    wanted = sorted(set(dois))
    known: set[tuple[str, str, str | None, str | None]] = set()
    for start in range(0, len(wanted), 1000):
        query = select(SourceEvent.doi, SourceEvent.kind, SourceEvent.notice_doi,
                       SourceEvent.detail).where(SourceEvent.doi.in_(wanted[start:start + 1000]))
        known.update((d, k, n, t) for d, k, n, t in session.execute(query))
    return known


def add_events(session: Session, changes: Iterable[SeenChange], work_ids: Mapping[str, int],
               *, seen_at: datetime, via: str) -> list[int]:
    """Store each change as a new row (never an edit of an older one); their ids, in order."""
    ids = []
    for change in changes:
        values = {
            "work_id": work_ids.get(change.doi), "doi": change.doi, "kind": change.kind.value,
            "notice_doi": change.notice_doi, "notice_type": change.notice_type,
            "source": change.source, "notice_date": change.notice_date,
            "detail": change.detail, "via": via, "seen_at": seen_at,
        }
        ids.append(int(session.execute(
            insert(SourceEvent).values(values).returning(SourceEvent.id)).scalar_one()))
    return ids


def changes_since(session: Session, dois: Iterable[str], since: datetime) -> list[SourceEvent]:
    """Changes to the works of these DOIs seen after ``since`` (an article's check), oldest
    first."""
    wanted = sorted({d.lower() for d in dois})
    if not wanted:
        return []
    query = (select(SourceEvent).where(SourceEvent.doi.in_(wanted), SourceEvent.seen_at > since)
             .order_by(SourceEvent.seen_at, SourceEvent.id))
    return list(session.scalars(query))


# --- who cites what ----------------------------------------------------------------------


def citing_articles(session: Session, work_ids: Iterable[int]) -> dict[int, list[Citing]]:
    """For each work, the articles citing it: per document, the newest version that does."""
    ids = sorted(set(work_ids))
    if not ids:
        return {}
    newest = dict(session.execute(select(Article.document_key, func.max(Article.number))
                                  .group_by(Article.document_key)).all())
    rows = session.execute(
        select(Reference.work_id, Article.id, Article.name, Article.number, Article.document_key)
        .join(Article, Reference.article_id == Article.id)
        .where(Reference.work_id.in_(ids))
        .order_by(Article.document_key, Article.number.desc()))
    found: dict[int, dict[str, Citing]] = {}
    for work_id, article_id, name, number, key in rows:
        per_document = found.setdefault(int(work_id or 0), {})
        if key not in per_document:  # the newest citing version comes first
            version = int(number or 1)
            per_document[key] = Citing(article_id, name, version,
                                       version == int(newest.get(key) or 1))
    return {work_id: sorted(docs.values(), key=lambda c: (c.name, c.number))
            for work_id, docs in found.items()}


# --- alerts ------------------------------------------------------------------------------


def add_alerts(session: Session, event_id: int, article_ids: Iterable[int]) -> None:
    rows = [{"event_id": event_id, "article_id": a} for a in sorted(set(article_ids))]
    if rows:
        session.execute(insert(SourceAlert), rows)


def list_alerts(session: Session, *, limit: int, offset: int = 0,
                acknowledged: bool | None = False, alert_id: int | None = None) -> list[AlertRow]:
    """Alerts, newest first; ``acknowledged`` False: only those nobody acknowledged yet,
    True: only acknowledged ones, None: all (``alert_id``: that one alone)."""
    ack = (select(Event.actor, Event.at).where(
        Event.object_type == ALERT_OBJECT, Event.action == ACKNOWLEDGE,
        Event.object_id == SourceAlert.id).order_by(Event.id).limit(1))
    query = (
        select(SourceAlert.id, Article.id, Article.name, Article.number, SourceEvent.doi,
               WorkRecord.title, SourceEvent.kind, SourceEvent.notice_doi,
               SourceEvent.notice_date, SourceEvent.detail, SourceEvent.seen_at,
               ack.with_only_columns(Event.actor).scalar_subquery(),
               ack.with_only_columns(Event.at).scalar_subquery())
        .join(SourceEvent, SourceAlert.event_id == SourceEvent.id)
        .join(Article, SourceAlert.article_id == Article.id)
        .outerjoin(WorkRecord, SourceEvent.work_id == WorkRecord.id)
    )
    clause = _acknowledged(acknowledged)
    if clause is not None:
        query = query.where(clause)
    if alert_id is not None:
        query = query.where(SourceAlert.id == alert_id)
    query = query.order_by(SourceAlert.id.desc()).limit(limit).offset(offset)
    return [AlertRow(id=row[0], article_id=row[1], article_name=row[2],
                     article_number=row[3] or 1, doi=row[4], title=row[5], kind=row[6],
                     notice_doi=row[7], notice_date=row[8], detail=row[9], seen_at=row[10],
                     acknowledged_by=row[11], acknowledged_at=row[12])
            for row in session.execute(query)]


def count_alerts(session: Session, *, acknowledged: bool | None = False) -> int:
    query = select(func.count()).select_from(SourceAlert)
    clause = _acknowledged(acknowledged)
    if clause is not None:
        query = query.where(clause)
    return int(session.scalar(query) or 0)


def _acknowledged(acknowledged: bool | None) -> ColumnElement[bool] | None:
    if acknowledged is None:
        return None
    done = exists().where(Event.object_type == ALERT_OBJECT, Event.action == ACKNOWLEDGE,
                          Event.object_id == SourceAlert.id)
    return done if acknowledged else ~done


def acknowledge_alert(session: Session, alert_id: int, *, actor: str,
                      at: datetime) -> Event | None:
    """Record in the audit trail that ``actor`` acknowledged the alert; None when there is no
    such alert. Acknowledging again adds no second event: the first one stands."""
    alert = session.get(SourceAlert, alert_id)
    if alert is None:
        return None
    earlier = session.scalars(select(Event).where(
        Event.object_type == ALERT_OBJECT, Event.action == ACKNOWLEDGE,
        Event.object_id == alert_id).order_by(Event.id).limit(1)).first()
    if earlier is not None:
        return earlier
    event = Event(at=at, actor=actor, action=ACKNOWLEDGE, object_type=ALERT_OBJECT,
                  object_id=alert_id, before={"acknowledged": False},
                  after={"acknowledged": True, "article_id": alert.article_id,
                         "source_event_id": alert.event_id})
    session.add(event)
    session.flush()
    return event
