"""``/api/jobs/{id}`` and ``/jobs/{id}``: a check job, while the workers check its article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from evidence.jobs.states import job_dict, job_view
from evidence.store.models import CheckJob
from evidence.store.newest import newest_of
from evidence.vocabulary import JobState
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.render import page
from evidence.web.routes.pages import Who
from evidence.web.schemas import AUTH_ERRORS, ErrorOut, IdPath, JobOut
from evidence.web.service import Service, service

__all__ = ["page_router", "router"]

router = APIRouter(prefix="/api/jobs", tags=["jobs"], responses=AUTH_ERRORS)
page_router = APIRouter(include_in_schema=False)
Svc = Annotated[Service, Depends(service)]


@router.get("/{job_id:int}", response_model=JobOut, summary="A check job: queued, running, "
            "done (with its article) or failed (with why)", responses={404: {"model": ErrorOut}})
def read(job_id: IdPath, svc: Svc,
         _: Annotated[Principal, Depends(require("reviewer"))]) -> dict[str, Any]:
    return _job(svc, job_id)


@page_router.get("/jobs/{job_id:int}")
def job_page(request: Request, job_id: IdPath, who: Who, svc: Svc) -> Response:
    """The article being checked; once it is, its page. A new version that failed shows
    the text sent (the job keeps it), so that no edit is lost."""
    job = _job(svc, job_id)
    if job["state"] == JobState.DONE and job["article_id"] is not None:
        return RedirectResponse(f"/articles/{job['article_id']}", status_code=303)
    sent = _unstored_version(svc, job_id) if job["state"] == JobState.FAILED else None
    return page(request, "job.html", job=job, sent=sent)


@dataclass(frozen=True, slots=True)
class UnstoredVersion:
    """A new version's text a failed job kept, and the version to make it on now."""

    text: str
    format: str | None
    bibliography: str | None
    newest_id: int | None
    newest_number: int | None


def _unstored_version(svc: Service, job_id: int) -> UnstoredVersion | None:
    """The text of a failed job that replaced a version (a text from the service: the API's
    ``replaces`` or the article page's form); None for any other job."""
    with svc.sessions() as session:
        row = session.execute(select(CheckJob.content, CheckJob.format, CheckJob.options,
                                     CheckJob.bibliographies)
                              .where(CheckJob.id == job_id)).first()
        if row is None:
            return None
        content, format, options, bibliographies = row
        replaces = (options or {}).get("replaces")
        if content is None or replaces is None:
            return None
        newest = newest_of(session, replaces)
        newest_id, newest_number = (newest.id, newest.number) if newest else (None, None)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:  # not a text from the service: nothing to show
        return None
    bibliography = bibliographies[0][1] if bibliographies else None
    return UnstoredVersion(text, format, bibliography, newest_id, newest_number)


def _job(svc: Service, job_id: int) -> dict[str, Any]:
    with svc.sessions() as session:
        view = job_view(session, job_id)
    if view is None:
        raise ApiError(404, f"no job {job_id}")
    body = job_dict(view)
    body["article_url"] = f"/articles/{view.article_id}" if view.article_id else None
    return body
