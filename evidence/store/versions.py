"""The versions of one document, listed by one query for the API and the article page: their
stored numbers, the one before and the one after, and which is the newest.

The numbers are the stored ones (``article.number``), the same the API answers with, so a
page and a 409 name a version alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.store.models import Article

__all__ = ["Version", "Versions", "list_versions"]


@dataclass(frozen=True, slots=True)
class Version:
    id: int
    number: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Versions:
    """Every version of a document, oldest first, and which of them a page shows."""

    all: tuple[Version, ...]
    position: int

    @property
    def current(self) -> Version:
        return self.all[self.position]

    @property
    def previous(self) -> Version | None:
        return self.all[self.position - 1] if self.position > 0 else None

    @property
    def newer(self) -> Version | None:
        return self.all[self.position + 1] if self.position + 1 < len(self.all) else None

    @property
    def newest(self) -> Version:
        return self.all[-1]


def list_versions(session: Session, article_id: int) -> Versions | None:
    """The versions of the document ``article_id`` belongs to; None when there is no such."""
    key = select(Article.document_key).where(Article.id == article_id).scalar_subquery()
    query = (select(Article.id, Article.number, Article.created_at)
             .where(Article.document_key == key).order_by(Article.number))
    # Every version has its number: revision 0004 numbered the ones stored before it.
    found = tuple(Version(id=id_, number=number, created_at=at)
                  for id_, number, at in session.execute(query))
    ids = [v.id for v in found]
    return Versions(all=found, position=ids.index(article_id)) if article_id in ids else None
