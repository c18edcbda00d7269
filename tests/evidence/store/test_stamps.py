"""The read stamp of a stored version (``evidence.store.stamps``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from evidence.store.engine import open_store, session_factory
from evidence.store.models import Article, Claim, Comment, Link, Reference
from evidence.store.stamps import read_stamp
from evidence.vocabulary import ReferenceStatus


def _article(session: Session, key: str, number: int = 1) -> Article:
    article = Article(document_key=key, number=number, name=key, content_hash=f"{key}{number}",
                      format="markdown", text="One claim. Another.")
    article.claims = [Claim(position=i, text=t, needs_support=True, version=1)
                      for i, t in enumerate(["One claim.", "Another."])]
    article.references = [Reference(position=0, text="ref", status=ReferenceStatus.NO_DOI)]
    session.add(article)
    session.flush()
    return article


def _stamp(sessions: sessionmaker[Session], article_id: int) -> str | None:
    with sessions() as session:
        return read_stamp(session, article_id)


def test_there_is_no_stamp_on_sqlite(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'e.db'}")
    sessions = session_factory(engine)
    with sessions.begin() as session:
        article_id = _article(session, "a.md").id
    assert _stamp(sessions, article_id) is None
    engine.dispose()


@pytest.mark.postgresql
def test_the_stamp_holds_while_nothing_is_written(pg_sessions: sessionmaker[Session]) -> None:
    with pg_sessions.begin() as session:
        article_id = _article(session, "a.md").id
    first = _stamp(pg_sessions, article_id)
    assert first is not None and len(first) == 32
    assert _stamp(pg_sessions, article_id) == first
    assert _stamp(pg_sessions, article_id + 1000) is None


@pytest.mark.postgresql
def test_every_write_to_what_a_read_shows_changes_the_stamp(
    pg_sessions: sessionmaker[Session],
) -> None:
    with pg_sessions.begin() as session:
        article = _article(session, "a.md")
        article_id, claim_id = article.id, article.claims[0].id
        reference_id = article.references[0].id
    writes: list[Callable[[Session], object]] = [
        lambda s: s.add(Link(claim_id=claim_id, reference_id=reference_id, how="editor",
                             version=1)),
        lambda s: s.execute(update(Link).values(verdict="confirmed")),
        lambda s: s.execute(delete(Link)),
        lambda s: s.add(Comment(claim_id=claim_id, actor="ada", text="checked")),
        lambda s: s.execute(delete(Comment)),
        # A write that changes no value still counts: the row was written again.
        lambda s: s.execute(update(Claim).where(Claim.id == claim_id)
                            .values(version=Claim.version)),
        lambda s: s.execute(update(Reference).values(reason="asked again")),
        lambda s: _article(s, "a.md", number=2),  # a new version: the list of versions
    ]
    unchanged = []
    for number, write in enumerate(writes):
        before = _stamp(pg_sessions, article_id)
        with pg_sessions.begin() as session:
            write(session)
        if _stamp(pg_sessions, article_id) == before:
            unchanged.append(number)
    assert unchanged == []


@pytest.mark.postgresql
def test_another_documents_writes_leave_the_stamp_alone(
    pg_sessions: sessionmaker[Session],
) -> None:
    with pg_sessions.begin() as session:
        article_id = _article(session, "a.md").id
        other = _article(session, "b.md")
        other_claim = other.claims[0].id
    before = _stamp(pg_sessions, article_id)
    with pg_sessions.begin() as session:
        session.add(Comment(claim_id=other_claim, actor="ada", text="elsewhere"))
        _article(session, "b.md", number=2)
    assert _stamp(pg_sessions, article_id) == before
