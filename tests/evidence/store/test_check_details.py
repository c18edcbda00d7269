"""What a check found, kept by the store: reasons, mismatches, bibliography paths, markers
that point nowhere. Generated references (test prefix 10.5555) only; no real metadata."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article as ParsedArticle
from evidence.results import ArticleResult, ReferenceResult, UnknownCitation
from evidence.store.models import Article, Reference
from evidence.store.saving import save_check
from evidence.store.views import get_article
from evidence.web.present import article_result
from refs.match import Mismatch

UNVERIFIED = ReferenceResult(
    text="Doe J. A generated work. 2020.", line=9, doi="10.5555/details.1", status="unverified",
    written_doi="10.5555/details.1", reason="the registry did not answer", path="a.md",
)
FROM_BIB = ReferenceResult(
    text="Roe R. (2021) Another generated work", line=3, doi="10.5555/details.2",
    status="resolved", written_doi="10.5555/details.2", key="roe2021", path="refs.bib",
    mismatches=(Mismatch("year", "2019", "2021"),),
)
UNKNOWN = UnknownCitation(marker="[7]", target="7", line=4)


def _save(sessions: sessionmaker[Session], result: ArticleResult, text: str = "v1") -> int:
    article = ParsedArticle(path="a.md", format="markdown", title="A", text=text, sentences=(),
                            references=(), bibliography=(), problems=())
    with sessions.begin() as session:
        return save_check(session, article, result, name="a.md")


def _result(*, unknown: tuple[UnknownCitation, ...] = (UNKNOWN,)) -> ArticleResult:
    return ArticleResult(path="a.md", title="A", claims=(), references=(UNVERIFIED, FROM_BIB),
                         format="markdown", unknown_citations=unknown)


def test_the_rows_keep_reason_path_mismatches_and_unknown_markers(
    sessions: sessionmaker[Session],
) -> None:
    article_id = _save(sessions, _result())
    with sessions() as session:
        article = session.get(Article, article_id)
        assert article is not None
        rows = sorted(article.references, key=lambda r: r.position)
        assert article.unknown_citations == [{"marker": "[7]", "target": "7", "line": 4}]
        written, bib = rows
        # The article's own reference is not given a path of its own: None is "the article".
        assert (written.source_path, written.reason, written.mismatches) == (
            None, "the registry did not answer", None)
        assert (bib.source_path, bib.reason) == ("refs.bib", None)
        assert bib.mismatches == [{"field": "year", "written": "2019", "registry": "2021"}]


def test_the_check_result_comes_back_from_the_store(sessions: sessionmaker[Session]) -> None:
    article_id = _save(sessions, _result())
    with sessions() as session:
        view = get_article(session, article_id)
    assert view is not None
    result = article_result(view)
    assert result.unknown_citations == (UNKNOWN,)
    unverified, from_bib = result.references
    assert unverified.reason == "the registry did not answer" and unverified.path == "a.md"
    assert from_bib.path == "refs.bib" and from_bib.line == 3
    assert from_bib.mismatches == (Mismatch("year", "2019", "2021"),)


def test_a_check_that_found_nothing_stores_no_details(sessions: sessionmaker[Session]) -> None:
    clean = ReferenceResult(text="Poe P. Generated. 2022.", line=5, doi="10.5555/details.3",
                            status="no-doi", path="a.md")
    result = ArticleResult(path="a.md", title="A", claims=(), references=(clean,))
    article_id = _save(sessions, result, text="clean")
    with sessions() as session:
        article = session.get(Article, article_id)
        assert article is not None and article.unknown_citations is None
        row = session.get(Reference, article.references[0].id)
        assert row is not None and (row.source_path, row.reason, row.mismatches) == (
            None, None, None)
        view = get_article(session, article_id)
    assert view is not None and article_result(view).unknown_citations == ()
