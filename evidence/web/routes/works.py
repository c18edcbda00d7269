"""``/api/works``: look up a DOI (from the store, else the registry, then stored) and match
a free-text reference to its most likely DOI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from evidence.matching import match_references
from evidence.resolver import OFFLINE_REASON, resolve_dois
from evidence.serialise import work_json
from evidence.vocabulary import ReferenceStatus
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.schemas import AUTH_ERRORS, DOIPath, ErrorOut, MatchIn, MatchOut, WorkOut
from evidence.web.service import Service, service

__all__ = ["router"]

ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    503: {"model": ErrorOut, "description": "the registry could not be asked"},
}
router = APIRouter(prefix="/api/works", tags=["works"], responses=ERRORS)
Svc = Annotated[Service, Depends(service)]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]


@router.get(
    "/{doi:path}", response_model=WorkOut,
    responses={400: {"model": ErrorOut, "description": "not a DOI"},
               404: {"model": ErrorOut, "description": "the registry has no such DOI"}},
    summary="A work by DOI: from the store, else asked of the registry and stored",
)
async def work(doi: DOIPath, svc: Svc, _: Reviewer) -> dict[str, Any]:
    if doi == "match":  # not a DOI: the matching route, asked with the wrong method
        error = ApiError(405, "method GET is not allowed on /api/works/match: OPTIONS, POST")
        error.headers["Allow"] = "OPTIONS, POST"
        raise error
    if len(doi) > 1000:
        raise ApiError(400, "a DOI is at most 1000 characters")
    [found] = await resolve_dois([doi], sessions=svc.sessions, settings=svc.settings,
                                 client=svc.client)
    if found.status == "resolved" and found.work is not None:
        return work_json(found.work)
    if found.status == "invalid":
        raise ApiError(400, f"{doi!r} is not a DOI: {found.reason or 'invalid'}")
    if found.status == "not-found":
        raise ApiError(404, f"the registry has no DOI {found.doi}")
    raise ApiError(503, f"could not ask the registry about {found.doi}: "
                        f"{found.reason or 'no answer'}")


@router.post("/match", response_model=MatchOut, summary="The most likely DOI of a reference")
async def match(body: MatchIn, svc: Svc, _: Reviewer) -> dict[str, Any]:
    # Through the check's own path: the store's earlier answer first, then the registry,
    # and the answer kept (a match, or none), so a check of the same reference agrees.
    found = (await match_references([(body.text, None)], sessions=svc.sessions,
                                    client=svc.client, offline_reason=OFFLINE_REASON))[body.text]
    if found.status == ReferenceStatus.UNVERIFIED:
        raise ApiError(503, f"could not match the reference: {found.reason or 'no answer'}")
    return {"doi": found.doi, "confidence": found.confidence or 0.0,
            "work": work_json(found.work) if found.work is not None else None}
