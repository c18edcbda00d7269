"""``/api/claims`` and ``/api/links``: the editors' work on one claim, and its audit trail.

Every change sends the ``version`` of the claim or link it was made on; a stale one gets
409 with the row as it now is (``current``), so the client can show it and try again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from evidence.store import editing
from evidence.store.views import get_claim, get_references
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.present import claim_json, comment_json, link_json
from evidence.web.schemas import (
    AUTH_ERRORS,
    MAX_ID,
    ClaimOut,
    CommentIn,
    CommentOut,
    ErrorOut,
    IdPath,
    LinkIn,
    LinkOut,
    NoSourceIn,
    Trail,
    VerdictIn,
)
from evidence.web.service import Service, service

__all__ = ["router", "trail_json"]

ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    404: {"model": ErrorOut, "description": "no such claim, link or reference"},
}
STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "changed since you read it (`current` is how it "
          "is), or a newer version of the article has replaced this one (`current` names it)"},
}
router = APIRouter(prefix="/api", tags=["claims"], responses=ERRORS)
Svc = Annotated[Service, Depends(service)]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Editor = Annotated[Principal, Depends(require("editor"))]


@router.get("/claims/{claim_id}", response_model=ClaimOut, summary="One claim with its links")
def read_claim(claim_id: IdPath, svc: Svc, _: Reviewer) -> dict[str, Any]:
    return _claim_object(svc, claim_id)


@router.put("/claims/{claim_id}/no-source", response_model=ClaimOut, responses=STALE,
            summary="Mark a claim as needing no source, with why (null reason unmarks it)")
def no_source(claim_id: IdPath, body: NoSourceIn, svc: Svc, who: Editor) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        editing.mark_no_source(session, claim_id=claim_id, reason=body.reason,
                               version=body.version, actor=who.name)
    return _claim_object(svc, claim_id)


@router.post("/claims/{claim_id}/links", status_code=201, response_model=LinkOut,
             responses=STALE, summary="Link a claim to a reference of its article by hand")
def add_link(claim_id: IdPath, body: LinkIn, svc: Svc, who: Editor) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        link = editing.add_link(session, claim_id=claim_id, reference_id=body.reference_id,
                                version=body.version, actor=who.name)
    return link_json(link)


@router.put("/links/{link_id}/verdict", response_model=LinkOut, responses=STALE,
            summary="Confirm or reject a link (or set it back to unreviewed)")
def verdict(link_id: IdPath, body: VerdictIn, svc: Svc, who: Editor) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        link = editing.set_verdict(session, link_id=link_id, verdict=body.verdict,
                                   version=body.version, actor=who.name)
    return link_json(link)


@router.delete("/links/{link_id}", status_code=204, response_class=Response,
               responses={409: {"model": ErrorOut, "description": "changed since you read it "
                                "(`current`), its version was replaced, or it is not hand-made"}},
               summary="Remove a hand-made link (others are rejected, not removed)")
def remove_link(
    link_id: IdPath, version: Annotated[int, Query(ge=1, le=MAX_ID)], svc: Svc, who: Editor
) -> Response:
    with svc.sessions.begin() as session:
        editing.remove_link(session, link_id=link_id, version=version, actor=who.name)
    return Response(status_code=204)


@router.post("/claims/{claim_id}/comments", status_code=201, response_model=CommentOut,
             responses=STALE, summary="Comment on a claim (reviewers too)")
def comment(claim_id: IdPath, body: CommentIn, svc: Svc, who: Reviewer) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        made = editing.add_comment(session, claim_id=claim_id, text=body.text, actor=who.name)
    return comment_json(made)


@router.get("/claims/{claim_id}/events", response_model=Trail,
            summary="The claim's audit trail, earlier versions included; ?download=1 for a file")
def events(
    claim_id: IdPath, svc: Svc, _: Reviewer, response: Response,
    download: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    if download:
        response.headers["Content-Disposition"] = (
            f'attachment; filename="claim-{claim_id}-events.json"'
        )
    return trail_json(svc, claim_id)


def trail_json(svc: Service, claim_id: int) -> dict[str, Any]:
    with svc.sessions() as session:
        claim = get_claim(session, claim_id)
        if claim is None:
            raise ApiError(404, f"no claim {claim_id}")
        trail = editing.claim_trail(session, claim_id)
    return {
        "claim": claim_id,
        "events": [asdict(e) for e in trail],
        "comments": [comment_json(c) for c in claim.comments],
    }


def _claim_object(svc: Service, claim_id: int) -> dict[str, Any]:
    with svc.sessions() as session:
        claim = get_claim(session, claim_id)
        if claim is None:
            raise ApiError(404, f"no claim {claim_id}")
        # Only the references: a claim of a 54,000-claim version need not read the others.
        refs = {r.id: r for r in get_references(session, claim.article_id)}
    return claim_json(claim, refs)
