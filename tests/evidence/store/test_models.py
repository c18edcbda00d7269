from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from evidence.store.models import (
    Article,
    Claim,
    Comment,
    Event,
    How,
    Link,
    Reference,
    ReferenceStatus,
    Role,
    Token,
    Verdict,
)


def _article(session: Session) -> Article:
    article = Article(
        document_key="examples/spine.md",
        name="examples/spine.md",
        content_hash="sha256:1",
        format="markdown",
        text="Exercise helps. [1]",
    )
    claim = Claim(position=0, text="Exercise helps.", line=1, needs_support=True)
    reference = Reference(position=0, text="[1] Someone 2020.", status=ReferenceStatus.NO_DOI)
    article.claims.append(claim)
    article.references.append(reference)
    claim.links.append(Link(reference=reference, how=How.MARKER, score=1.0))
    session.add(article)
    session.flush()
    return article


def test_article_claim_reference_link(session: Session) -> None:
    with session.begin():
        article = _article(session)
        link = article.claims[0].links[0]
        assert (link.verdict, link.version, article.claims[0].version) == ("unreviewed", 1, 1)
        assert link.created_at.tzinfo is UTC
        assert article.references[0].links == [link]


def test_a_claim_links_to_a_reference_once(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        article = _article(session)
        claim, reference = article.claims[0], article.references[0]
        session.add(Link(claim=claim, reference=reference, how=How.INFERRED))
        session.flush()


def test_deleting_an_article_deletes_its_claims_links_and_comments(session: Session) -> None:
    with session.begin():
        article = _article(session)
        article.claims[0].comments.append(Comment(actor="ed", text="check the dose"))
        session.flush()
        session.delete(article)
    with session.begin():
        for model in (Article, Claim, Reference, Link, Comment):
            assert session.scalar(select(func.count()).select_from(model)) == 0


def test_versions_of_a_document_are_linked(session: Session) -> None:
    with session.begin():
        first = _article(session)
        second = Article(
            document_key=first.document_key,
            name=first.name,
            content_hash="sha256:2",
            format="markdown",
            text="Exercise helps a lot. [1]",
            previous=first,
        )
        session.add(second)
    with session.begin():
        assert second.previous_id == first.id


def test_the_same_version_is_stored_once(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin():
        first = _article(session)
        copy = Article(
            document_key=first.document_key,
            name="elsewhere/spine.md",
            content_hash=first.content_hash,
            format="markdown",
            text=first.text,
        )
        session.add(copy)
        session.flush()


def test_a_stale_verdict_is_refused(sessions: sessionmaker[Session]) -> None:
    """Two editors load the same link; the second save fails instead of overwriting."""
    with sessions() as setup, setup.begin():
        link_id = _article(setup).claims[0].links[0].id
    with sessions() as first, sessions() as second:
        with first.begin(), second.begin():
            mine, theirs = first.get_one(Link, link_id), second.get_one(Link, link_id)
        with first.begin():
            mine.verdict = Verdict.CONFIRMED
        with pytest.raises(StaleDataError), second.begin():
            theirs.verdict = Verdict.REJECTED
    with sessions() as check, check.begin():
        stored = check.get_one(Link, link_id)
        assert (stored.verdict, stored.version) == ("confirmed", 2)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE link SET verdict = 'maybe'",
        "UPDATE link SET how = 'guessed'",
        "UPDATE reference SET status = 'fine'",
        "INSERT INTO work (doi, title, origin, created_at, updated_at) "
        "VALUES ('10.5555/ABC', '', 'crossref', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    ],
    ids=["verdict", "how", "status", "upper-case-doi"],
)
def test_check_constraints(session: Session, sql: str) -> None:
    with session.begin():
        _article(session)
    with pytest.raises(IntegrityError), session.begin():
        session.execute(text(sql))


def test_tokens_events_and_aware_times(session: Session) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with session.begin():
        session.add(Token(name="ci", role=Role.REVIEWER, hash="h1"))
        session.add(
            Event(
                actor="ed",
                action="confirm",
                object_type="link",
                object_id=1,
                at=at,
                before={"verdict": "unreviewed"},
                after={"verdict": "confirmed"},
            )
        )
    session.expunge_all()
    with session.begin():
        event = session.scalars(select(Event)).one()
        assert (event.at, event.before, event.after) == (
            at,
            {"verdict": "unreviewed"},
            {"verdict": "confirmed"},
        )
        token = session.scalars(select(Token)).one()
        assert token.revoked_at is None and token.created_at.tzinfo is UTC
    with pytest.raises(IntegrityError), session.begin():
        session.add(Token(name="again", role=Role.ADMIN, hash="h1"))


def test_naive_datetimes_are_refused(session: Session) -> None:
    with pytest.raises(StatementError, match="naive datetime"), session.begin():
        session.add(Token(name="x", role=Role.EDITOR, hash="h2", created_at=datetime(2026, 1, 1)))
        session.flush()
