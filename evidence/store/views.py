"""Read models of stored articles for the web service: what a page or an API answer shows.

Plain frozen records, built from the rows in a few queries (``selectinload``), so that a
handler can close its session before rendering. Every function takes the session first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from evidence.results import UnknownCitation
from evidence.results import claim_status as status_of
from evidence.store.articles import normalise_claim
from evidence.store.convert import work_from_record
from evidence.store.models import (
    Article,
    Claim,
    Comment,
    Direction,
    Link,
    Reference,
    ReferenceStatus,
    WorkRecord,
)
from evidence.vocabulary import REGISTRY_WORK_STATUSES, ClaimStatus
from refs import RETRACTION_KINDS, Work
from refs.match import Mismatch

__all__ = [
    "BAD_STATUSES",
    "ArticleSummary",
    "ArticleView",
    "ClaimStatus",
    "ClaimView",
    "CommentView",
    "LinkView",
    "ReferenceView",
    "claim_status",
    "get_article",
    "get_references",
    "get_claim",
    "list_articles",
]

BAD_STATUSES = frozenset({ReferenceStatus.NOT_FOUND.value, ReferenceStatus.INVALID.value})
"""Reference statuses that are a fault of the reference (``unverified`` is not a verdict)."""


@dataclass(frozen=True, slots=True)
class ReferenceView:
    id: int
    position: int
    text: str
    line: int | None
    written_doi: str | None
    status: str
    confidence: float | None
    citation_key: str | None
    work: Work | None
    source_path: str | None = None  # the bibliography file it is written in; None: the article
    reason: str | None = None  # why unverified / not found / invalid
    mismatches: tuple[Mismatch, ...] = ()  # as the check found them
    place: str | None = None  # "page 2, line 14" where the file has no lines (Word, PDF)

    @property
    def doi(self) -> str | None:
        return self.work.doi if self.work is not None and self.work.doi else self.written_doi

    @property
    def bad(self) -> bool:
        return self.status in BAD_STATUSES or bool(self.work and self.work.retracted)


@dataclass(frozen=True, slots=True)
class LinkView:
    id: int
    claim_id: int
    reference_id: int
    how: str
    score: float | None
    verdict: str
    version: int
    created_at: datetime
    updated_at: datetime
    why: str | None = None  # inferred links: what made the linker pick the reference

    def snapshot(self) -> dict[str, object]:
        """What the audit trail keeps of the link, before and after a change."""
        return {"link": self.id, "claim": self.claim_id, "reference": self.reference_id,
                "how": self.how, "verdict": self.verdict, "version": self.version}


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    claim_id: int
    actor: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: int
    article_id: int
    position: int
    text: str
    line: int | None
    needs_support: bool
    reason: str | None
    no_source_reason: str | None
    version: int
    links: tuple[LinkView, ...]
    comments: tuple[CommentView, ...]
    place: str | None = None  # "page 2, line 14" where the file has no lines (Word, PDF)

    @property
    def status(self) -> ClaimStatus:
        return status_of(self.needs_support, self.no_source_reason,
                         ((link.how, link.verdict) for link in self.links))

    def snapshot(self) -> dict[str, object]:
        return {"claim": self.id, "no_source_reason": self.no_source_reason,
                "version": self.version}


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    name: str
    title: str | None
    format: str
    text: str
    created_at: datetime
    previous_id: int | None
    claims: tuple[ClaimView, ...]
    references: tuple[ReferenceView, ...]
    new_claims: frozenset[int] = frozenset()
    """Claims with no claim of the same text in the version before (none for a first one)."""
    unknown_citations: tuple[UnknownCitation, ...] = ()

    def reference(self, reference_id: int) -> ReferenceView | None:
        return next((r for r in self.references if r.id == reference_id), None)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    id: int
    name: str
    title: str | None
    created_at: datetime
    versions: int
    claims: int
    unsupported: int
    bad_references: int


def claim_status(claim: Claim) -> ClaimStatus:
    """How a stored claim stands, the editors' verdicts counted (the rule of every screen)."""
    return status_of(claim.needs_support, claim.no_source_reason,
                     ((link.how, link.verdict) for link in claim.links))


def get_article(session: Session, article_id: int) -> ArticleView | None:
    """One stored version with its claims, links, comments and references' works.

    Claims, links and comments are read as Core row tuples, not ORM objects: the largest
    accepted article has about 54,000 claims, and as ORM objects (with their identity map and
    instance states) their full garbage collections stopped the service's loop for up to 1.4 s
    while it was read back (issue 16). References are few, and keep their works' ORM loading.
    """
    query = select(Article).where(Article.id == article_id).options(
        selectinload(Article.references).selectinload(Reference.work).options(
            selectinload(WorkRecord.authors), selectinload(WorkRecord.updates)
        ),
    )
    article = session.scalars(query).first()
    if article is None:
        return None
    claims = _claim_views(session, article_id)
    return ArticleView(
        id=article.id, name=article.name, title=article.title, format=article.format,
        text=article.text, created_at=article.created_at, previous_id=article.previous_id,
        claims=claims,
        references=tuple(_reference(r) for r in article.references),
        new_claims=_new_claims(session, article.previous_id, claims),
        unknown_citations=tuple(
            UnknownCitation(marker=u["marker"], target=u["target"], line=u["line"],
                            place=u.get("place"))
            for u in article.unknown_citations or ()
        ),
    )


def _claim_views(session: Session, article_id: int) -> tuple[ClaimView, ...]:
    """A version's claims in text order, each with its links (by id) and comments (by time)."""
    links: dict[int, list[LinkView]] = {}
    for row in session.execute(
        select(Link.id, Link.claim_id, Link.reference_id, Link.how, Link.score, Link.verdict,
               Link.version, Link.created_at, Link.updated_at, Link.why)
        .join(Claim, Claim.id == Link.claim_id)
        .where(Claim.article_id == article_id).order_by(Link.id)
    ):
        id_, claim_id, reference_id, how, score, verdict, version, created, updated, why = row
        links.setdefault(claim_id, []).append(LinkView(
            id=id_, claim_id=claim_id, reference_id=reference_id, how=how, score=score,
            verdict=verdict, version=version, created_at=created, updated_at=updated, why=why))
    comments: dict[int, list[CommentView]] = {}
    for said in session.execute(
        select(Comment.id, Comment.claim_id, Comment.actor, Comment.text, Comment.at)
        .join(Claim, Claim.id == Comment.claim_id)
        .where(Claim.article_id == article_id).order_by(Comment.at, Comment.id)
    ):
        comments.setdefault(said[1], []).append(CommentView(*said))
    return tuple(
        ClaimView(id=id_, article_id=article_id, position=position, text=text, line=line,
                  needs_support=needs_support, reason=reason,
                  no_source_reason=no_source_reason, version=version,
                  links=tuple(links.get(id_, ())), comments=tuple(comments.get(id_, ())),
                  place=place)
        for id_, position, text, line, needs_support, reason, no_source_reason, version, place
        in session.execute(
            select(Claim.id, Claim.position, Claim.text, Claim.line, Claim.needs_support,
                   Claim.reason, Claim.no_source_reason, Claim.version, Claim.place)
            .where(Claim.article_id == article_id).order_by(Claim.position, Claim.id)
        )
    )


def get_references(session: Session, article_id: int) -> tuple[ReferenceView, ...]:
    """A version's references with their works, without its claims (a claim's answer)."""
    query = select(Reference).where(Reference.article_id == article_id).order_by(
        Reference.position
    ).options(selectinload(Reference.work).options(
        selectinload(WorkRecord.authors), selectinload(WorkRecord.updates)))
    return tuple(_reference(r) for r in session.scalars(query))


def get_claim(session: Session, claim_id: int) -> ClaimView | None:
    query = select(Claim).where(Claim.id == claim_id).options(
        selectinload(Claim.links), selectinload(Claim.comments)
    )
    claim = session.scalars(query).first()
    return _claim(claim) if claim is not None else None


def list_articles(session: Session, *, limit: int = 100, offset: int = 0) -> list[ArticleSummary]:
    """The newest version of each document, newest first, with counts for the list page.

    Three queries whatever the number of articles: the versions, their claims with links,
    their references with the works' notices.
    """
    newest = (
        select(func.max(Article.id).label("id"), func.count().label("versions"))
        .group_by(Article.document_key).subquery()
    )
    query = (
        select(Article.id, Article.name, Article.title, Article.created_at, newest.c.versions)
        .join(newest, newest.c.id == Article.id)
        .order_by(Article.id.desc()).limit(limit).offset(offset)
    )
    rows = session.execute(query).all()
    ids = [row[0] for row in rows]
    claims: dict[int, list[ClaimStatus]] = {i: [] for i in ids}
    for claim in session.scalars(select(Claim).where(Claim.article_id.in_(ids),
                                                     Claim.needs_support.is_(True))
                                 .options(selectinload(Claim.links))):
        claims[claim.article_id].append(claim_status(claim))
    bad: dict[int, int] = dict.fromkeys(ids, 0)
    for ref in session.scalars(select(Reference).where(Reference.article_id.in_(ids)).options(
            selectinload(Reference.work).selectinload(WorkRecord.updates))):
        bad[ref.article_id] += _is_bad(ref)
    return [
        ArticleSummary(id=i, name=name, title=title, created_at=created, versions=versions,
                       claims=len(claims[i]), bad_references=bad[i],
                       unsupported=sum(s == "unsupported" for s in claims[i]))
        for i, name, title, created, versions in rows
    ]


def _is_bad(ref: Reference) -> bool:
    if ref.status in BAD_STATUSES:
        return True
    updates = ref.work.updates if ref.work is not None else []
    return any(u.direction == Direction.UPDATED_BY and u.kind in RETRACTION_KINDS
               for u in updates)


def _new_claims(session: Session, previous_id: int | None,
                claims: tuple[ClaimView, ...]) -> frozenset[int]:
    if previous_id is None:
        return frozenset()
    before = session.scalars(select(Claim.text).where(Claim.article_id == previous_id))
    known = {normalise_claim(text) for text in before}
    return frozenset(c.id for c in claims if normalise_claim(c.text) not in known)


def _claim(claim: Claim) -> ClaimView:
    return ClaimView(
        id=claim.id, article_id=claim.article_id, position=claim.position, text=claim.text,
        line=claim.line, needs_support=claim.needs_support, reason=claim.reason,
        no_source_reason=claim.no_source_reason, version=claim.version,
        links=tuple(link_view(link) for link in sorted(claim.links, key=lambda k: k.id)),
        comments=tuple(comment_view(c) for c in claim.comments), place=claim.place,
    )


def link_view(link: Link) -> LinkView:
    return LinkView(
        id=link.id, claim_id=link.claim_id, reference_id=link.reference_id, how=link.how,
        score=link.score, verdict=link.verdict, version=link.version,
        created_at=link.created_at, updated_at=link.updated_at, why=link.why,
    )


def comment_view(comment: Comment) -> CommentView:
    return CommentView(id=comment.id, claim_id=comment.claim_id, actor=comment.actor,
                       text=comment.text, at=comment.at)


def _reference(reference: Reference) -> ReferenceView:
    return ReferenceView(
        id=reference.id, position=reference.position, text=reference.text, line=reference.line,
        written_doi=reference.written_doi, status=reference.status,
        confidence=reference.confidence, citation_key=reference.citation_key,
        work=work_from_record(reference.work) if reference.work is not None
        and reference.status in REGISTRY_WORK_STATUSES else None,
        source_path=reference.source_path, reason=reference.reason, place=reference.place,
        mismatches=tuple(
            Mismatch(field=m["field"], written=m["written"], registry=m["registry"])
            for m in reference.mismatches or ()
        ),
    )
