"""Stored articles as the API shows them: the article object of ``check --format json``.

The object has the design's keys (path, title, claims[text, line, needs_support,
sources[doi, how, score]], references[text, line, path, doi, status, reason, title, retracted,
mismatches], findings) and, for editors, the ids, versions, verdicts and comments they act on.
Findings are worked out again from the stored state, so they count the editors' verdicts: a
rejected link supports nothing, a hand-made link does, a claim marked as needing no source is
not reported as unsupported. What the check found about the references (their reasons and
mismatches, the bibliography file they are written in) and the markers that point nowhere are
stored with the check and read back as they were, never worked out again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from evidence import serialise
from evidence.audit.findings import Finding
from evidence.audit.shown import ArticleAudit, audit_article
from evidence.audit.suppressions import find_suppressions
from evidence.results import ArticleResult, ClaimResult, ReferenceResult, SourceLink
from evidence.serialise import finding_json
from evidence.store.versions import Versions
from evidence.store.views import ArticleView, ClaimView, CommentView, LinkView, ReferenceView
from evidence.vocabulary import ArticleFormat, How, ReferenceStatus, Verdict

__all__ = [
    "article_audit",
    "article_findings",
    "article_json",
    "article_result",
    "claim_json",
    "comment_json",
    "link_json",
    "source_changes_json",
]


def article_json(
    view: ArticleView, versions: Versions, findings: list[Finding]
) -> dict[str, Any]:
    refs = {r.id: r for r in view.references}
    return {
        "id": view.id, "name": view.name, "path": view.name, "title": view.title,
        "format": view.format, "created_at": view.created_at, "previous_id": view.previous_id,
        "versions": [{"id": v.id, "created_at": v.created_at} for v in versions.all],
        "text": view.text,
        "claims": [claim_json(c, refs, new=c.id in view.new_claims) for c in view.claims],
        "references": [reference_json(r, view.name) for r in view.references],
        "findings": [finding_json(f) for f in findings],
    }


def claim_json(
    claim: ClaimView, refs: dict[int, ReferenceView], *, new: bool = False
) -> dict[str, Any]:
    """The claim object of the check report, with the editors' keys; its ``sources`` are
    every link, rejected ones too, each with its verdict."""
    index = {ref_id: position for position, ref_id in enumerate(refs)}
    return {
        "id": claim.id, **serialise.claim_json(_claim_result(claim, index, refs)), "new": new,
        "reason": claim.reason, "no_source_reason": claim.no_source_reason,
        "version": claim.version,
        "sources": [source_json(link, refs.get(link.reference_id), index)
                    for link in claim.links],
        "comments": [comment_json(c) for c in claim.comments],
    }


def source_json(
    link: LinkView, ref: ReferenceView | None, index: dict[int, int]
) -> dict[str, Any]:
    """The check report's source, its ``reference`` the reference's id."""
    source = SourceLink(reference=index.get(link.reference_id, -1),
                        doi=ref.doi if ref is not None else None, how=How(link.how),
                        score=link.score, why=link.why, verdict=Verdict(link.verdict))
    return {**serialise.source_json(source), "reference": link.reference_id,
            "link": link.id, "verdict": link.verdict, "version": link.version}


def link_json(link: LinkView) -> dict[str, Any]:
    return {
        "id": link.id, "claim": link.claim_id, "reference": link.reference_id, "how": link.how,
        "score": link.score, "why": link.why, "verdict": link.verdict,
        "version": link.version, "updated_at": link.updated_at,
    }


def comment_json(comment: CommentView) -> dict[str, Any]:
    return {"id": comment.id, "claim": comment.claim_id, "actor": comment.actor,
            "text": comment.text, "at": comment.at}


def reference_json(ref: ReferenceView, article_path: str) -> dict[str, Any]:
    """The check report's reference with its id; ``path`` is where it is written (a .bib
    file, else the article)."""
    return {"id": ref.id, **serialise.reference_json(_reference_result(ref, article_path))}


def source_changes_json(session: Session, view: ArticleView) -> list[dict[str, Any]]:
    """What the registry changed about the version's cited works after it was checked."""
    from evidence.store.source_events import changes_since

    by_doi: dict[str, list[int]] = {}
    for ref in view.references:
        if ref.work is not None and ref.work.doi:
            by_doi.setdefault(ref.work.doi.lower(), []).append(ref.id)
    return [
        {"doi": e.doi, "kind": e.kind, "references": by_doi.get(e.doi, []),
         "notice_doi": e.notice_doi, "notice_type": e.notice_type, "source": e.source,
         "notice_date": e.notice_date, "detail": e.detail, "seen_at": e.seen_at}
        for e in changes_since(session, by_doi, view.created_at)
    ]


# --- findings from the stored state ------------------------------------------------------


def article_findings(view: ArticleView) -> list[Finding]:
    """The findings of the article as it stands now, editors' work included."""
    return list(article_audit(view).findings)


def article_audit(view: ArticleView) -> ArticleAudit:
    """The audit of the article as it stands now, through the check's own path: the inline
    suppressions written in its text apply as they did in the check. Those of
    `unsupported-claim` are left to the claims: the check stored each as the claim's
    no-source mark, which an editor may since have taken back."""
    latex = view.format == ArticleFormat.LATEX
    suppressions = [s for s in find_suppressions(view.text, latex=latex)
                    if s.rule != "unsupported-claim"]
    return audit_article(article_result(view), suppressions)


def article_result(view: ArticleView) -> ArticleResult:
    """The stored article as a check result, with the editors' verdicts applied."""
    index = {r.id: position for position, r in enumerate(view.references)}
    refs = {r.id: r for r in view.references}
    return ArticleResult(
        path=view.name, title=view.title, format=ArticleFormat(view.format),
        claims=tuple(_claim_result(c, index, refs) for c in view.claims),
        references=tuple(_reference_result(r, view.name) for r in view.references),
        unknown_citations=view.unknown_citations,
    )


def _claim_result(
    claim: ClaimView, index: dict[int, int], refs: dict[int, ReferenceView]
) -> ClaimResult:
    sources = tuple(
        SourceLink(reference=index[link.reference_id], doi=refs[link.reference_id].doi,
                   how=How(link.how), score=link.score, why=link.why,
                   verdict=Verdict(link.verdict))
        for link in claim.links
        if link.verdict != Verdict.REJECTED and link.reference_id in index
    )
    reasons = tuple(r for r in (claim.reason or "").split("; ") if r)
    return ClaimResult(text=claim.text, line=claim.line or 1, needs_support=claim.needs_support,
                       reasons=reasons, sources=sources, suppressed=claim.no_source_reason,
                       place=claim.place)


def _reference_result(ref: ReferenceView, path: str) -> ReferenceResult:
    # The check's own findings as stored: a reference from a bibliography file keeps that
    # file's path (its line is a line of the file), its reason and its mismatches.
    return ReferenceResult(
        text=ref.text, line=ref.line or 1, doi=ref.doi, status=ReferenceStatus(ref.status),
        work=ref.work, written_doi=ref.written_doi, confidence=ref.confidence,
        reason=ref.reason, key=ref.citation_key, mismatches=ref.mismatches,
        path=ref.source_path or path, place=ref.place,
    )
