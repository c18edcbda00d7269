"""``POST /api/articles/upload`` (and the page's form, ``POST /articles/upload``): an article
sent as a file (multipart), in any format.

Word, PDF, LaTeX, JATS XML, Markdown, HTML or text, told by the file's name; a LaTeX article
may come with its bibliography as a second file. The file is read by the same readers as
``evidence check`` (in a worker thread: a PDF takes a while) and submitted like a text: the
stored article keeps the file's name and format, also when it is a new version of a document
of another name (``replaces``, or the article page's "New version" upload). The body limit
is the API's (5 MB); a file that cannot be read safely (a zip bomb, an encrypted PDF, XML
declaring entities) is refused with 400 and nothing is stored. An uploaded LaTeX file's
``\\input`` files are never read.

With workers (``EVIDENCE_JOBS=postgres``) the file goes to them as a check job, as a text
does (``evidence.web.queue``): the API answers 202 with the job, the pages go to the job's
page. What costs no more than receiving the file is still refused in the request, at once:
the body limit (413), a file with no name, an extension of no known format, an empty file,
a bibliography that is not UTF-8 or cannot be read, a ``replaces`` naming no article (404),
another document's version or a stale one (409). Reading the file is the job's (seconds to
minutes of CPU for a PDF, not in the server's process): a file its reader refuses (a zip
bomb, an encrypted Word file or PDF, XML declaring entities, a damaged file) fails its job
with the reader's message, storing nothing, and is not tried again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from evidence.articles.build import FORMATS
from evidence.checksteps import guess_bibliography_format, pasted_bibliography_name
from evidence.jobs.submit import Submission
from evidence.vocabulary import ArticleFormat
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.queue import accepted, job_links, queue_file, queued_by_workers
from evidence.web.schemas import ArticleCreated, ErrorOut, IdPath, JobAccepted
from evidence.web.service import Service, service
from evidence.web.submit import Submitted, check_replaces, submit_article

__all__ = ["page_router", "router"]

router = APIRouter(prefix="/api/articles", tags=["articles"])
page_router = APIRouter(include_in_schema=False)


@router.post(
    "/upload", status_code=201, response_model=ArticleCreated,
    summary="Check and store an article sent as a file (Word, PDF, LaTeX, JATS, text...)",
    responses={200: {"model": ArticleCreated, "description": "this exact article was stored"},
               202: {"model": JobAccepted,
                     "description": "queued for the check workers (with workers configured)"},
               400: {"model": ErrorOut, "description": "the file cannot be read"},
               401: {"model": ErrorOut}, 403: {"model": ErrorOut},
               404: {"model": ErrorOut, "description": "`replaces` names no article"},
               409: {"model": ErrorOut,
                     "description": "`replaces` is not the newest version of its document"},
               413: {"model": ErrorOut, "description": "the body is over 5 MB"}},
)
async def upload(
    file: Annotated[UploadFile, File(
        description="the article; its name tells the format (with none: PDF and Word by "
                    "their first bytes, plain text otherwise)")],
    response: Response,
    svc: Annotated[Service, Depends(service)],
    who: Annotated[Principal, Depends(require("editor"))],
    bibliography: Annotated[UploadFile | None, File(description="BibTeX or CSL-JSON")] = None,
    replaces: Annotated[int | None, Form(
        ge=1, le=2**31 - 1,
        description="the version this file replaces: it is stored as the next version of that "
                    "one's document, under its own name (`spine-pain.pdf` after "
                    "`spine-pain.docx`)")] = None,
) -> dict[str, Any] | JSONResponse:
    sent = await _received(file, bibliography)
    document = None
    if replaces is not None:
        from evidence.web.routes.pages import replaced_version

        document = (await run_in_threadpool(replaced_version, svc, replaces)).document
    if queued_by_workers(svc):
        queued = await _queue(svc, sent, replaces=replaces, document=document)
        return accepted(queued, sent.name)
    done = await _submit(svc, sent, actor=who.name, replaces=replaces, document=document)
    if not done.created:
        response.status_code = 200
    response.headers["Location"] = f"/api/articles/{done.id}"
    return {"id": done.id, "name": sent.name, "previous_id": done.previous_id,
            "number": done.number, "created": done.created, "url": f"/articles/{done.id}"}


@page_router.post("/articles/upload")
async def upload_page(
    request: Request,
    file: Annotated[UploadFile, File()],
    svc: Annotated[Service, Depends(service)],
    bibliography: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The articles page's upload form: check and store, then show the article (with
    workers: queue, then show the job's page)."""
    who = await _editor(request, svc)
    sent = await _received(file, bibliography)
    if queued_by_workers(svc):
        queued = await _queue(svc, sent, replaces=None)
        return RedirectResponse(job_links(queued.id)["page"], status_code=303)
    done = await _submit(svc, sent, actor=who.name, replaces=None)
    return RedirectResponse(f"/articles/{done.id}", status_code=303)


@page_router.post("/articles/{article_id}/versions/upload")
async def upload_version_page(
    request: Request,
    article_id: IdPath,
    file: Annotated[UploadFile, File()],
    svc: Annotated[Service, Depends(service)],
    bibliography: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """An article page's "New version" upload: the file replaces ``article_id`` as the
    next version of its document (whatever the file is called; the version is stored under
    the file's own name, whose extension tells its format: ``spine-pain.pdf`` after
    ``spine-pain.docx``), or, when another version was stored since, nothing is stored
    (409). With workers, a stale version is refused here at once, the file is queued and
    the job's page follows it; a worker stores it only on top of ``article_id``."""
    from evidence.store.newest import SupersededVersion
    from evidence.web.render import page
    from evidence.web.routes.pages import replaced_version

    who = await _editor(request, svc)
    replaced = await run_in_threadpool(replaced_version, svc, article_id)
    sent = await _received(file, bibliography)
    try:
        if queued_by_workers(svc):
            queued = await _queue(svc, sent, replaces=article_id, document=replaced.document)
            return RedirectResponse(job_links(queued.id)["page"], status_code=303)
        done = await _submit(svc, sent, actor=who.name, replaces=article_id,
                             document=replaced.document)
    except SupersededVersion as stale:
        return page(request, "version-conflict.html", status=409, name=replaced.name,
                    replaced=replaced.versions.current, current=stale.current,
                    message=str(stale), file_name=sent.name)
    notice = "version-stored" if done.created else "version-known"
    return RedirectResponse(f"/articles/{done.id}?notice={notice}", status_code=303)


async def _editor(request: Request, svc: Service) -> Principal:
    """The editor signed in on the pages who sent this form from this site, else 403 (or
    the sign-in page)."""
    from evidence.web.routes.pages import needs, same_origin, signed_in

    same_origin(request, svc)
    who = await run_in_threadpool(signed_in, request, svc)
    needs(who, "editor")
    return who


@dataclass(frozen=True, slots=True)
class _Sent:
    """An uploaded file as received, with what could be told of it without reading it."""

    name: str  # its own name, without a folder
    data: bytes
    format: ArticleFormat | None  # None: its name's extension says it
    bibliography: str | None


async def _received(file: UploadFile, bibliography: UploadFile | None) -> _Sent:
    """The upload, refused (400) when something cheap to tell is wrong: no name, an extension
    of no known format, an empty file, a bibliography that is not UTF-8."""
    name = _name(file.filename)
    known = _named_format(name)
    data = await file.read()
    if not data.strip():
        # What the check says of an empty text, told before any reading.
        raise ApiError(400, f"{name}: the article is empty (no text in it); nothing to check, "
                            "nothing stored")
    bib_text = None
    if bibliography is not None and bibliography.filename:  # a form's empty file field
        try:
            bib_text = (await bibliography.read()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(400, f"bibliography {bibliography.filename!r}: not UTF-8 text") from exc
    return _Sent(name, data, known or _sniffed(name, data), bib_text)


async def _submit(svc: Service, sent: _Sent, *, actor: str, replaces: int | None,
                  document: str | None = None) -> Submitted:
    """The file checked in the request and stored under its own name. :param document: the
    document it is a version of, when not the one of its name."""
    # Read in the check's worker process, not here: a large PDF is minutes of CPU.
    return await submit_article(
        svc, name=sent.name, data=sent.data, format=sent.format, bibliography=sent.bibliography,
        actor=actor, replaces=replaces, document=document,
    )


async def _queue(svc: Service, sent: _Sent, *, replaces: int | None,
                 document: str | None = None) -> Submission:
    """The file queued for the workers, after what the request refuses at once: a
    bibliography its reader refuses, a ``replaces`` naming no article, another document's
    version or a stale one."""
    if sent.bibliography is not None:
        await run_in_threadpool(_read_bibliography, sent)
    if replaces is not None:
        await run_in_threadpool(check_replaces, svc, document or sent.name, replaces)
    return await queue_file(svc, name=sent.name, data=sent.data, format=sent.format,
                            bibliography=sent.bibliography, replaces=replaces,
                            document=document)


def _read_bibliography(sent: _Sent) -> None:
    """:raises InputError: the bibliography is neither BibTeX nor CSL-JSON (as the check in
    the request says)."""
    from evidence.check import parse_bibliography

    assert sent.bibliography is not None
    if not sent.bibliography.strip():
        return
    fmt = guess_bibliography_format(sent.bibliography)
    parse_bibliography(sent.bibliography, path=pasted_bibliography_name(sent.name, fmt),
                       format=fmt)


def _sniffed(name: str, data: bytes) -> ArticleFormat | None:
    """The format of a file whose name has no extension (a browser or script may send
    ``file`` or ``blob``): a PDF or a Word file by their leading bytes, else plain text.
    ``None`` when there is an extension."""
    if PurePosixPath(name).suffix:  # named: told by the name (``_named_format``)
        return None
    if data.startswith(b"%PDF-"):
        return ArticleFormat.PDF
    if data.startswith(b"PK\x03\x04"):
        return ArticleFormat.DOCX
    return ArticleFormat.TEXT


def _named_format(name: str) -> ArticleFormat | None:
    """The format a file's own name tells (a new version is stored on a document whose name's
    extension may differ); None: no extension, sniffed then.

    :raises ApiError: an extension of no format ``check`` reads (400), before anything is
        read or queued.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if not suffix:
        return None
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ApiError(400, f"{name}: cannot tell the format from the extension (known: "
                            f"{known})")
    return FORMATS[suffix]


def _name(filename: str | None) -> str:
    """The file's own name, without any folder a client put in front of it."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()
    if not name or len(name) > 255:
        raise ApiError(400, "the uploaded file needs a name (its extension tells the format)")
    return name
