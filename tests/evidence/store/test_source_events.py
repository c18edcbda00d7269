"""Source events, alerts and their acknowledgement, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from evidence.store.models import Article, Event, Reference, SourceEvent
from evidence.store.queries import upsert_work
from evidence.store.source_events import (
    SeenChange,
    acknowledge_alert,
    add_alerts,
    add_events,
    changes_since,
    citing_articles,
    count_alerts,
    known_changes,
    list_alerts,
)
from evidence.vocabulary import ReferenceStatus, SourceChange
from refs import Work

DOI = "10.5555/standin.000001"
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _version(session: Session, number: int, work_id: int | None) -> Article:
    article = Article(document_key="docs/a.md", number=number, name="docs/a.md",
                      content_hash=f"sha256:{number}", format="markdown", text="x",
                      created_at=NOW - timedelta(days=10 - number))
    if work_id is not None:
        article.references.append(Reference(position=0, text="ref", work_id=work_id,
                                            status=ReferenceStatus.RESOLVED))
    session.add(article)
    session.flush()
    return article


def _retraction() -> SeenChange:
    return SeenChange(doi=DOI, kind=SourceChange.RETRACTION, notice_doi="10.5555/n.1",
                      notice_type="retraction", source="publisher", notice_date="2026-12-01")


def test_events_are_kept_as_history_and_alerts_are_acknowledged_once(session: Session) -> None:
    with session.begin():
        work_id = upsert_work(session, Work(DOI, title="A generated work"), origin="crossref")
        first = _version(session, 1, work_id)
        second = _version(session, 2, work_id)
        (event_id,) = add_events(session, [_retraction()], {DOI: work_id}, seen_at=NOW,
                                 via="notices")
        later = SeenChange(doi=DOI, kind=SourceChange.METADATA_CHANGE, detail="title changed")
        add_events(session, [later], {DOI: work_id}, seen_at=NOW + timedelta(hours=1),
                   via="works")
        citing = citing_articles(session, [work_id])[work_id]
        # one per document: its newest citing version
        assert [(c.article_id, c.number, c.current) for c in citing] == [(second.id, 2, True)]
        add_alerts(session, event_id, [c.article_id for c in citing])
    with session.begin():
        assert known_changes(session, [DOI]) == {
            (DOI, "retraction", "10.5555/n.1", None), (DOI, "metadata-change", None,
                                                       "title changed")}
        kinds = [e.kind for e in changes_since(session, [DOI.upper()], first.created_at)]
        assert kinds == ["retraction", "metadata-change"]
        assert changes_since(session, [DOI], NOW + timedelta(hours=2)) == []
        (alert,) = list_alerts(session, limit=10)
        assert (alert.article_id, alert.kind, alert.title) == (second.id, "retraction",
                                                               "A generated work")
        assert alert.acknowledged_by is None and count_alerts(session) == 1
    with session.begin():
        event = acknowledge_alert(session, alert.id, actor="ed", at=NOW)
        assert event is not None
        again = acknowledge_alert(session, alert.id, actor="other", at=NOW)
        assert again is not None and again.id == event.id  # the first acknowledgement stands
        assert acknowledge_alert(session, alert.id + 99, actor="ed", at=NOW) is None
    with session.begin():
        assert count_alerts(session) == 0 and count_alerts(session, acknowledged=True) == 1
        (done,) = list_alerts(session, limit=10, acknowledged=None)
        assert (done.acknowledged_by, done.acknowledged_at) == ("ed", NOW)
        trail = session.scalars(select(Event).where(Event.object_type == "source_alert")).all()
        assert [(e.actor, e.action, e.after["acknowledged"]) for e in trail] == [
            ("ed", "acknowledge", True)]


def test_an_unknown_kind_is_refused_by_the_database(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        session.add(SourceEvent(doi=DOI, kind="rumour", via="notices", seen_at=NOW))
        session.flush()
