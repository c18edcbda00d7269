"""Which stored version of a document is the newest, and holding it while a new one follows.

Versions of a document are numbered (``number``: 1, 2, ...; unique per document, so two
versions stored at once cannot both follow the same one). A writer that read one version
and meant to replace it finds out here that another version came first (``SupersededVersion``).

Every function takes the session first and never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from evidence.errors import EvidenceError
from evidence.store.articles import content_hash, document_key
from evidence.store.models import Article

__all__ = [
    "find_version",
    "latest_version",
    "lock_version",
    "newest_of",
    "newest_replaced",
    "SupersededVersion",
    "version_state",
]


class SupersededVersion(EvidenceError):
    """The version a new one was to replace is no longer the newest; ``current`` is."""

    def __init__(self, message: str, current: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.current = current

    def __reduce__(self) -> tuple[type[SupersededVersion], tuple[str, dict[str, Any] | None]]:
        # Raised in the service's check workers too, and pickled back to the service.
        return type(self), (str(self), self.current)


def find_version(session: Session, *, name: str, text: str) -> int | None:
    """The id of the stored version of ``name`` with exactly this text, if any."""
    query = select(Article.id).where(
        Article.document_key == document_key(name), Article.content_hash == content_hash(text)
    )
    return session.scalars(query).first()


def latest_version(session: Session, *, name: str) -> Article | None:
    """The newest stored version of the document called ``name``."""
    query = (
        select(Article)
        .where(Article.document_key == document_key(name))
        .order_by(Article.number.desc(), Article.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def newest_replaced(session: Session, *, name: str, replaces: int | None) -> Article | None:
    """The newest version of ``name``, which a new one will follow.

    :raises SupersededVersion: ``replaces`` is given and is not that version.
    """
    newest = latest_version(session, name=name)
    if replaces is None or (newest is not None and newest.id == replaces):
        return newest
    if newest is None:
        raise SupersededVersion(f"article {replaces} is not a version of {name!r}", None)
    raise SupersededVersion(
        f"article {replaces} is not the newest version of {name!r}: version {newest.number} "
        f"(article {newest.id}) is; read it and submit your changes on top of it",
        version_state(newest),
    )


def newest_of(session: Session, article_id: int) -> Article | None:
    """The newest version of the document ``article_id`` belongs to (None: no such article)."""
    key = select(Article.document_key).where(Article.id == article_id).scalar_subquery()
    query = (select(Article).where(Article.document_key == key)
             .order_by(Article.number.desc(), Article.id.desc()).limit(1))
    return session.scalars(query).first()


def version_state(row: Article) -> dict[str, Any]:
    """A stored version as a stale submission is shown it: which one is newest now."""
    return {"id": row.id, "name": row.name, "number": row.number,
            "previous_id": row.previous_id, "created_at": row.created_at}


def lock_version(session: Session, article_id: int) -> None:
    """Hold the version ``article_id`` until the transaction ends: writes on it and the
    storing of the version after it take turns.

    A no-op ``UPDATE``, not ``SELECT ... FOR UPDATE``: it locks the row on PostgreSQL and,
    being a write, takes SQLite's one write lock, which a ``SELECT`` would not (SQLite has
    no row locks). Reads after it see what the writer before it committed.
    """
    session.execute(update(Article).where(Article.id == article_id)
                    .values(number=Article.number)
                    .execution_options(synchronize_session=False))
