"""``/api/articles``: submit (and re-submit) articles, list them, read one."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from evidence.store.engine import reading, reading_connection
from evidence.store.stamps import read_stamp
from evidence.store.versions import list_versions
from evidence.store.views import get_article, list_articles
from evidence.web.auth import Principal, require
from evidence.web.bibliography import refuse_unreadable_bibtex
from evidence.web.errors import ApiError
from evidence.web.present import article_findings, article_json, source_changes_json
from evidence.web.queue import accepted, known_version, queue_article, queued_by_workers
from evidence.web.readcache import Encoded, matches
from evidence.web.schemas import (
    AUTH_ERRORS,
    ArticleCreated,
    ArticleIn,
    ArticleList,
    ArticleOut,
    ErrorOut,
    IdPath,
    JobAccepted,
)
from evidence.web.service import Service, service
from evidence.web.submit import check_replaces, submit_article

__all__ = ["CLAIMS_PAGE", "MAX_CLAIMS_PAGE", "article_key", "article_object", "article_response",
           "encoded_article", "router"]

CLAIMS_PAGE = 1000
"""Claims one answer holds when the request does not say (the article page's too)."""

ERRORS = AUTH_ERRORS
router = APIRouter(prefix="/api/articles", tags=["articles"], responses=ERRORS)


@router.get("", response_model=ArticleList, summary="List articles (newest version of each)")
def list_all(
    svc: Annotated[Service, Depends(service)],
    _: Annotated[Principal, Depends(require("reviewer"))],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    with svc.sessions() as session:
        summaries = list_articles(session, limit=limit, offset=offset)
    return {"articles": [asdict(s) for s in summaries]}


@router.post(
    "", status_code=201, response_model=ArticleCreated,
    summary="Check and store an article; the same name again makes a new version",
    description="Takes an article's text in JSON: plain text, Markdown or HTML. A file in a "
    "binary or project format (Word `.docx`, PDF, LaTeX `.tex` with its `.bib`, JATS XML) is "
    "sent as it is, as multipart, to `POST /api/articles/upload`, which reads it with the "
    "same readers and keeps the file's name and format.",
    responses={200: {"model": ArticleCreated, "description": "this exact text was stored"},
               400: {"model": ErrorOut, "description": "the text or the bibliography "
                     "cannot be read (a BibTeX entry that cannot be read refuses it all)"},
               404: {"model": ErrorOut, "description": "`replaces` names no article"},
               409: {"model": ErrorOut, "description": "`replaces` is not the newest "
                     "version (`current` is), or is a version of another document"},
               202: {"model": JobAccepted, "description": "with workers (EVIDENCE_JOBS): "
                     "queued for a worker; the article appears when checked"},
               413: {"model": ErrorOut, "description": "the body is over 5 MB"}},
)
async def create(
    body: ArticleIn,
    response: Response,
    svc: Annotated[Service, Depends(service)],
    who: Annotated[Principal, Depends(require("editor"))],
) -> dict[str, Any] | JSONResponse:
    await run_in_threadpool(refuse_unreadable_bibtex, body.bibliography,
                            body.bibliography_format)
    if queued_by_workers(svc):
        queued = await _queued(svc, body)
        if queued is not None:
            return queued
    done = await submit_article(
        svc, name=body.name, text=body.text, format=body.format,
        bibliography=body.bibliography, bibliography_format=body.bibliography_format,
        actor=who.name, replaces=body.replaces,
    )
    if not done.created:
        response.status_code = 200
    response.headers["Location"] = f"/api/articles/{done.id}"
    return {"id": done.id, "name": body.name, "previous_id": done.previous_id,
            "number": done.number, "created": done.created, "url": f"/articles/{done.id}"}


async def _queued(svc: Service, body: ArticleIn) -> JSONResponse | None:
    """202 with the job; None when this exact text is stored already (answered as before).

    :raises ApiError: ``replaces`` names no article (404), a version of another document or
        one no longer the newest (409), as the check in the request would.
    """
    stored = await known_version(svc, body.name, body.text)
    if stored is not None:
        return None
    if body.replaces is not None:
        await run_in_threadpool(check_replaces, svc, body.name, body.replaces)
    queued = await queue_article(svc, name=body.name, text=body.text, format=body.format,
                                 bibliography=body.bibliography,
                                 bibliography_format=body.bibliography_format,
                                 replaces=body.replaces)
    return accepted(queued, body.name)


@router.get(
    # ``:int`` so that another word (``/api/articles/upload``, which takes POST) is not read
    # as a bad id (422) but answered as a path with other methods (405).
    "/{article_id:int}", response_model=ArticleOut,
    summary="One version: claims (a page of them), references and findings, with the "
            "editors' verdicts; `claims_total` counts every claim",
    responses={404: {"model": ErrorOut}},
)
def read(
    article_id: IdPath,
    request: Request,
    svc: Annotated[Service, Depends(service)],
    _: Annotated[Principal, Depends(require("reviewer"))],
    limit: Annotated[int, Query(ge=1, le=MAX_CLAIMS_PAGE,
                                description="claims to give, in text order")] = CLAIMS_PAGE,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="claims to skip")] = 0,
) -> Response:
    return article_response(request, encoded_article(svc, article_id, limit=limit,
                                                     offset=offset))


def article_response(request: Request, answer: Encoded) -> Response:
    """The answer of ``GET /api/articles/{id}``: ``answer``, or 304 when the client has it."""
    headers = {"ETag": answer.etag}
    if matches(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


def article_key(article_id: int, limit: int, offset: int) -> Hashable:
    """What ``GET /api/articles/{id}``'s answer is kept under in ``Service.reads``."""
    return (article_id, limit, offset)


def encoded_article(svc: Service, article_id: int, *, limit: int, offset: int) -> Encoded:
    """The answer of ``GET /api/articles/{id}``, encoded; reused while the version's read
    stamp is unchanged (``evidence.web.readcache``), made again as soon as it changes."""
    with reading_connection(svc.engine) as connection:
        stamp = read_stamp(connection, article_id)  # before the article: see read_stamp

    def make() -> bytes:
        # Checked and encoded here, in the handler's worker thread: a returned dict FastAPI
        # would check and encode on the event loop, and the largest page (9 MB of JSON)
        # held it there.
        answer = ArticleOut.model_validate(article_object(svc, article_id, limit=limit,
                                                          offset=offset))
        return answer.model_dump_json(by_alias=True).encode()

    return svc.reads.answer(article_key(article_id, limit, offset), stamp, make)


MAX_CLAIMS_PAGE = 10_000
"""Most claims one answer holds: an article of 130,000 claims was 30 MB of JSON in one."""


def article_object(
    svc: Service, article_id: int, *, limit: int | None = None, offset: int = 0
) -> dict[str, Any]:
    """The article object of ``check --format json`` for a stored version, or 404; its
    claims from ``offset``, at most ``limit`` of them (None: all), and their total."""
    with reading(svc.sessions) as session:
        view = get_article(session, article_id)
        if view is None:
            raise ApiError(404, f"no article {article_id}")
        versions = list_versions(session, article_id)
        changes = source_changes_json(session, view)
    assert versions is not None  # the article was just read in this session
    findings = article_findings(view)  # of the whole version, whatever the page
    end = None if limit is None else offset + limit
    page = replace(view, claims=view.claims[offset:end])
    return {**article_json(page, versions, findings), "claims_total": len(view.claims),
            "source_changes": changes}
