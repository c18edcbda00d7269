"""Storing a check in its own transaction, again while other writers take the version number:
the path both `evidence check` and the service take, so neither forks a document."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article as ParsedArticle
from evidence.results import ArticleResult
from evidence.store.models import Article
from evidence.store.newest import SupersededVersion
from evidence.store.saving import store_check

RESULT = ArticleResult(path="a.md", title="A", claims=(), references=(), format="markdown")


def _article(text: str) -> ParsedArticle:
    return ParsedArticle(path="a.md", format="markdown", title="A", text=text, sentences=(),
                         references=(), bibliography=(), problems=())


def _versions(sessions: sessionmaker[Session]) -> list[tuple[int | None, int, int | None]]:
    with sessions() as session:
        rows = session.execute(select(Article.number, Article.id, Article.previous_id)
                               .order_by(Article.number)).all()
    return [(number, id_, previous) for number, id_, previous in rows]


def test_the_same_text_again_is_the_stored_version(sessions: sessionmaker[Session]) -> None:
    first = store_check(sessions, _article("v1"), RESULT, name="a.md")
    again = store_check(sessions, _article("v1"), RESULT, name="a.md")
    assert first[1] is True and again == (first[0], False)


def test_simultaneous_writers_of_one_document_follow_one_another(
    sessions: sessionmaker[Session],
) -> None:
    writers = 6
    start = Barrier(writers)

    def write(n: int) -> tuple[int, bool]:
        start.wait()
        return store_check(sessions, _article(f"version {n}"), RESULT, name="a.md")

    with ThreadPoolExecutor(writers) as pool:
        stored = list(pool.map(write, range(writers)))
    assert all(created for _, created in stored)
    versions = _versions(sessions)
    assert [number for number, _, _ in versions] == list(range(1, writers + 1))
    ids = [id_ for _, id_, _ in versions]
    assert [previous for _, _, previous in versions] == [None, *ids[:-1]]  # one line, no fork


def test_replacing_an_old_version_is_refused(sessions: sessionmaker[Session]) -> None:
    first, _ = store_check(sessions, _article("v1"), RESULT, name="a.md")
    store_check(sessions, _article("v2"), RESULT, name="a.md", replaces=first)
    with pytest.raises(SupersededVersion):
        store_check(sessions, _article("v3"), RESULT, name="a.md", replaces=first)
