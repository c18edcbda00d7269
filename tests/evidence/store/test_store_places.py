"""Places (where a claim, a reference or an unknown marker stands in a Word file or a PDF)
are stored with the check and come back as the reports write them; a new version keeps its
own places while the editors' work on the one before carries over. Generated text only."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from evidence import serialise
from evidence.articles.model import Article as ParsedArticle
from evidence.results import ArticleResult, ClaimResult, ReferenceResult, UnknownCitation
from evidence.store.editing import mark_no_source
from evidence.store.saving import save_check
from evidence.store.views import get_article
from evidence.web.present import article_result

CLAIM = "Walking every day halves back pain in a year."
PLAIN = "Stretching helps some people."


def _save(sessions: sessionmaker[Session], text: str, claim_place: str | None) -> int:
    article = ParsedArticle(path="a.pdf", format="pdf", title="A", text=text, sentences=(),
                            references=(), bibliography=(), problems=())
    result = ArticleResult(
        path="a.pdf", title="A", format="pdf",
        claims=(ClaimResult(text=CLAIM, line=3, needs_support=True, place=claim_place),
                ClaimResult(text=PLAIN, line=4, needs_support=False)),
        references=(ReferenceResult(text="Doe J. Walking. 2020.", line=9, doi=None,
                                    status="no-doi", path="a.pdf", place="page 2, line 30"),),
        unknown_citations=(UnknownCitation(marker="[7]", target="7", line=3,
                                           place="page 1, line 14"),),
    )
    with sessions.begin() as session:
        return save_check(session, article, result, name="a.pdf")


def test_places_come_back_from_the_store(sessions: sessionmaker[Session]) -> None:
    article_id = _save(sessions, "v1", "page 1, line 14")
    with sessions() as session:
        view = get_article(session, article_id)
    assert view is not None
    result = article_result(view)
    claims = [serialise.claim_json(c) for c in result.claims]
    assert [(c["line"], c["place"]) for c in claims] == [(3, "page 1, line 14"), (4, "line 4")]
    (reference,) = result.references
    assert serialise.reference_json(reference)["place"] == "page 2, line 30"
    (unknown,) = result.unknown_citations
    assert unknown.place == "page 1, line 14"


def test_a_new_version_keeps_its_own_places_and_the_editors_work(
    sessions: sessionmaker[Session],
) -> None:
    first = _save(sessions, "v1", "page 1, line 14")
    with sessions.begin() as session:
        view = get_article(session, first)
        assert view is not None
        claim = view.claims[0]
        mark_no_source(session, claim_id=claim.id, reason="common knowledge",
                       version=claim.version, actor="editor")
    second = _save(sessions, "v2: a page added before", "page 2, line 3")
    with sessions() as session:
        view = get_article(session, second)
    assert view is not None and view.previous_id == first
    moved = view.claims[0]
    assert (moved.place, moved.no_source_reason) == ("page 2, line 3", "common knowledge")
