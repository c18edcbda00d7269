"""Carrying editors' work on one version of an article to the next.

Editors' work on the version before (verdicts, hand-made links, "needs no source" marks,
comments) is carried to claims whose normalised text did not change
(``evidence.store.articles.normalise_claim``); the other claims are new and unreviewed.

Takes the session first and never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from evidence.store.articles import normalise_claim
from evidence.store.models import (
    Article,
    Base,
    Claim,
    Comment,
    Event,
    How,
    Link,
    Reference,
    Verdict,
    utcnow,
)

__all__ = [
    "carry_over",
]

_CLAIM = Base.metadata.tables["claim"]


def carry_over(session: Session, *, previous: Article, current: Article, actor: str) -> int:
    """Copy the editors' work on ``previous`` to the unchanged claims of ``current``.

    Carried: "needs no source" marks; verdicts on links to a reference that is still there
    (same work, else same DOI, else same text); hand-made links; comments (copied with
    their author and time, so the discussion goes on beside the claim). Each claim that
    received something gets a ``claim.carry-over`` event. How many claims received something.
    """
    # Only the claims that hold editors' work become ORM objects (a version can have tens
    # of thousands of claims: see ``_add_claims``); the rest are compared as (id, text) rows.
    first = _first_claim_by_text(session, previous.id)
    worked = _claims_by_id(session, _with_editors_work(session, previous.id) & set(first.values()))
    if not worked:
        return 0
    old_refs = {r.id: _reference_identity(r) for r in _references(session, previous.id)}
    new_refs: dict[tuple[str, str], Reference] = {}
    for reference in _references(session, current.id):
        new_refs.setdefault(_reference_identity(reference), reference)
    pairs: list[tuple[int, Claim]] = []
    for claim_id, text in _claim_texts(session, current.id):
        old = worked.get(first.get(normalise_claim(text), -1))
        if old is not None:
            pairs.append((claim_id, old))
    receiving = _claims_by_id(session, {claim_id for claim_id, _ in pairs})
    carried = 0
    for claim_id, old in pairs:
        claim = receiving[claim_id]
        moved = _carry_claim(session, old, claim, old_refs, new_refs)
        if moved:
            carried += 1
            session.add(
                Event(
                    at=utcnow(),
                    actor=actor,
                    action="claim.carry-over",
                    object_type="claim",
                    object_id=claim.id,
                    before={"claim": old.id, "article": previous.id},
                    after={"claim": claim.id, "article": current.id, "carried": moved},
                )
            )
    session.flush()
    return carried


def _carry_claim(
    session: Session,
    old: Claim,
    new: Claim,
    old_refs: dict[int, tuple[str, str]],
    new_refs: dict[tuple[str, str], Reference],
) -> list[dict[str, object]]:
    moved: list[dict[str, object]] = []
    if old.no_source_reason and not new.no_source_reason:
        new.no_source_reason = old.no_source_reason
        moved.append({"no_source_reason": old.no_source_reason})
    links = {link.reference_id: link for link in new.links}
    for link in old.links:
        if link.verdict == Verdict.UNREVIEWED and link.how != How.EDITOR:
            continue
        target = new_refs.get(old_refs[link.reference_id])
        if target is None:
            continue  # the reference left the article; the old version keeps the verdict
        mine = links.get(target.id)
        if mine is None:
            mine = Link(
                claim_id=new.id,
                reference_id=target.id,
                how=link.how,
                score=link.score,
                why=link.why,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            session.add(mine)
        mine.verdict = link.verdict
        moved.append({"reference": target.id, "how": link.how, "verdict": link.verdict})
    if old.comments:
        session.add_all(Comment(claim_id=new.id, actor=c.actor, text=c.text, at=c.at)
                        for c in old.comments)
        moved.append({"comments": [c.id for c in old.comments]})
    return moved


def _claim_texts(session: Session, article_id: int) -> list[tuple[int, str]]:
    """The article's claims as (id, text), in order."""
    query = (select(_CLAIM.c.id, _CLAIM.c.text).where(_CLAIM.c.article_id == article_id)
             .order_by(_CLAIM.c.position))
    return list(session.execute(query))


def _first_claim_by_text(session: Session, article_id: int) -> dict[str, int]:
    """Normalised text -> the id of the article's first claim with that text."""
    found: dict[str, int] = {}
    for claim_id, text in _claim_texts(session, article_id):
        found.setdefault(normalise_claim(text), claim_id)
    return found


def _with_editors_work(session: Session, article_id: int) -> set[int]:
    """Ids of the article's claims that hold something to carry (see ``_carry_claim``)."""
    reviewed = select(Link.claim_id).where(
        (Link.verdict != Verdict.UNREVIEWED.value) | (Link.how == How.EDITOR.value))
    query = select(Claim.id).where(
        Claim.article_id == article_id,
        Claim.no_source_reason.is_not(None)
        | Claim.id.in_(reviewed)
        | Claim.id.in_(select(Comment.claim_id)),
    )
    return set(session.scalars(query))


_ID_BATCH = 500
"""Ids per ``IN (...)`` when loading claims by id (SQLite caps a statement's parameters)."""


def _claims_by_id(session: Session, ids: set[int]) -> dict[int, Claim]:
    """These claims, with their links and comments loaded."""
    ordered = sorted(ids)
    found: dict[int, Claim] = {}
    for start in range(0, len(ordered), _ID_BATCH):
        query = (select(Claim).where(Claim.id.in_(ordered[start:start + _ID_BATCH]))
                 .options(selectinload(Claim.links), selectinload(Claim.comments)))
        found.update((claim.id, claim) for claim in session.scalars(query))
    return found


def _references(session: Session, article_id: int) -> list[Reference]:
    query = (
        select(Reference)
        .where(Reference.article_id == article_id)
        .order_by(Reference.position)
        .options(selectinload(Reference.work))
    )
    return list(session.scalars(query))


def _reference_identity(reference: Reference) -> tuple[str, str]:
    """The same work, else the same DOI, else the same text: the same reference."""
    if reference.work_id is not None:
        return ("work", str(reference.work_id))
    if reference.written_doi:
        return ("doi", reference.written_doi.lower())
    return ("text", normalise_claim(reference.text))
