"""A check's claims and links are written as plain rows (issue 16).

Written as ORM objects, the largest accepted article's 54,000 claims and their links were
over a million tracked objects alive at once, and CPython's full garbage collections of them
stopped every thread of the service for up to 1.5 s. The rows must still be the same ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article as ParsedArticle
from evidence.results import ArticleResult, ClaimResult, ReferenceResult, SourceLink
from evidence.store.models import Claim, How, Link, ReferenceStatus, Verdict
from evidence.store.saving import save_check

CLAIMS = 2_000


def _checked() -> tuple[ParsedArticle, ArticleResult]:
    """Claim i cites reference i % 2 by marker; every third one also the other by inference,
    and claim 5 names reference 0 twice (once inferred, once by marker)."""
    references = tuple(
        ReferenceResult(text=f"Reference {n}.", line=CLAIMS + n, doi=None,
                        status=ReferenceStatus.NO_DOI)
        for n in range(2)
    )
    claims = []
    for i in range(CLAIMS):
        sources = [SourceLink(reference=i % 2, doi=None, how=How.MARKER)]
        if i % 3 == 0:
            sources.append(SourceLink(reference=1 - i % 2, doi=None, how=How.INFERRED,
                                      score=0.75))
        if i == 5:
            sources.insert(0, SourceLink(reference=1, doi=None, how=How.INFERRED, score=0.5))
        claims.append(ClaimResult(text=f"Meadow {i} grows.", line=i + 1, needs_support=i % 4 != 0,
                                  reasons=("statistic",) if i % 4 else (),
                                  sources=tuple(sources),
                                  suppressed="an estimate" if i == 7 else None))
    text = "\n".join(c.text for c in claims)
    article = ParsedArticle(path="m.txt", format="text", title=None, text=text, sentences=(),
                            references=(), bibliography=(), problems=())
    result = ArticleResult(path="m.txt", title=None, claims=tuple(claims),
                           references=references, format="text")
    return article, result


def _tracked_claims_and_links() -> int:
    return sum(isinstance(o, Claim | Link) for o in gc.get_objects())


@contextmanager
def _most_alive(engine: Engine) -> Iterator[list[int]]:
    """The most Claim and Link objects alive at any statement sent while inside, beyond
    those an earlier test left behind (its cycles may wait for the collector)."""
    gc.collect()
    before = _tracked_claims_and_links()
    most = [0]

    def count(*_: object) -> None:
        most[0] = max(most[0], _tracked_claims_and_links() - before)

    event.listen(engine, "after_cursor_execute", count)
    try:
        yield most
    finally:
        event.remove(engine, "after_cursor_execute", count)


def test_a_checks_claims_and_links_are_stored_without_orm_objects(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    article, result = _checked()
    with sessions.begin() as session, _most_alive(engine) as most:
        article_id = save_check(session, article, result, name="m.txt")
    with sessions() as session:
        claims = session.execute(
            select(Claim.id, Claim.position, Claim.text, Claim.line, Claim.needs_support,
                   Claim.reason, Claim.no_source_reason, Claim.version)
            .where(Claim.article_id == article_id).order_by(Claim.position)).all()
        links = session.execute(
            select(Link.claim_id, Link.reference_id, Link.how, Link.score, Link.verdict,
                   Link.version, Link.created_at)
            .join(Claim, Claim.id == Link.claim_id)
            .where(Claim.article_id == article_id)).all()
        reference_ids = sorted({r.reference_id for r in links})
    assert most[0] == 0  # as ORM objects, all 2,000 claims were alive at the links' insert
    assert [c.position for c in claims] == list(range(CLAIMS))
    assert claims[3].text == "Meadow 3 grows." and claims[3].line == 4
    assert claims[4].needs_support is False and claims[4].reason is None
    assert claims[5].needs_support is True and claims[5].reason == "statistic"
    assert claims[7].no_source_reason == "an estimate"
    assert {c.version for c in claims} == {1}
    position = {c.id: c.position for c in claims}
    by_claim: dict[int, list[tuple[int, str, float | None]]] = {}
    for link in links:
        by_claim.setdefault(position[link.claim_id], []).append(
            (reference_ids.index(link.reference_id), link.how, link.score))
    # One marker link per claim, plus an inferred one on every third claim.
    assert len(links) == CLAIMS + len(range(0, CLAIMS, 3))
    assert sorted(by_claim[2]) == [(0, "marker", None)]
    assert sorted(by_claim[3]) == [(0, "inferred", 0.75), (1, "marker", None)]
    # Reference 1 named twice by claim 5: the marker link is kept (one link per reference).
    assert sorted(by_claim[5]) == [(1, "marker", None)]
    assert {link.verdict for link in links} == {Verdict.UNREVIEWED.value}
    assert {link.version for link in links} == {1}
    assert all(link.created_at is not None and link.created_at.tzinfo is not None
               for link in links)
