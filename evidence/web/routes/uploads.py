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
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from evidence.articles.build import FORMATS
from evidence.vocabulary import ArticleFormat
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.schemas import ArticleCreated, ErrorOut, IdPath
from evidence.web.service import Service, service
from evidence.web.submit import Submitted, submit_article

__all__ = ["page_router", "router"]

router = APIRouter(prefix="/api/articles", tags=["articles"])
page_router = APIRouter(include_in_schema=False)


@router.post(
    "/upload", status_code=201, response_model=ArticleCreated,
    summary="Check and store an article sent as a file (Word, PDF, LaTeX, JATS, text...)",
    responses={200: {"model": ArticleCreated, "description": "this exact article was stored"},
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
) -> dict[str, Any]:
    document = None
    if replaces is not None:
        from evidence.web.routes.pages import replaced_version

        document = (await run_in_threadpool(replaced_version, svc, replaces)).document
    done = await _submit(svc, file, bibliography, actor=who.name, replaces=replaces,
                         document=document)
    name = _name(file.filename)
    if not done.created:
        response.status_code = 200
    response.headers["Location"] = f"/api/articles/{done.id}"
    return {"id": done.id, "name": name, "previous_id": done.previous_id,
            "number": done.number, "created": done.created, "url": f"/articles/{done.id}"}


@page_router.post("/articles/upload")
async def upload_page(
    request: Request,
    file: Annotated[UploadFile, File()],
    svc: Annotated[Service, Depends(service)],
    bibliography: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The articles page's upload form: check and store, then show the article."""
    who = await _editor(request, svc)
    done = await _submit(svc, file, bibliography, actor=who.name, replaces=None)
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
    (409)."""
    from evidence.store.newest import SupersededVersion
    from evidence.web.render import page
    from evidence.web.routes.pages import replaced_version

    who = await _editor(request, svc)
    replaced = await run_in_threadpool(replaced_version, svc, article_id)
    sent = _name(file.filename)
    try:
        done = await _submit(svc, file, bibliography, actor=who.name, replaces=article_id,
                             format=_version_format(sent), document=replaced.document)
    except SupersededVersion as stale:
        return page(request, "version-conflict.html", status=409, name=replaced.name,
                    replaced=replaced.versions.current, current=stale.current,
                    message=str(stale), file_name=sent)
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


async def _submit(
    svc: Service,
    file: UploadFile,
    bibliography: UploadFile | None,
    *,
    actor: str,
    replaces: int | None,
    format: ArticleFormat | None = None,
    document: str | None = None,
) -> Submitted:
    """The file stored under its own name. :param format: the file's format (None: its
    name's extension, or its first bytes); :param document: the document it is a version of,
    when not the one of its name."""
    own = _name(file.filename)
    data = await file.read()
    bib_text = None
    if bibliography is not None and bibliography.filename:  # a form's empty file field
        try:
            bib_text = (await bibliography.read()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApiError(400, f"bibliography {bibliography.filename!r}: not UTF-8 text") from exc
    # Read in the check's worker process, not here: a large PDF is minutes of CPU.
    return await submit_article(
        svc, name=own, data=data, format=format or _sniffed(own, data),
        bibliography=bib_text,
        actor=actor, replaces=replaces, document=document,
    )


def _sniffed(name: str, data: bytes) -> str | None:
    """The format of a file whose name has no extension (a browser or script may send
    ``file`` or ``blob``): a PDF or a Word file by their leading bytes, else plain text.
    ``None`` when there is an extension, so that the readers decide as for any other file."""
    if PurePosixPath(name).suffix:  # named: known, or refused by name (``notes.odt``)
        return None
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "text"


def _version_format(name: str) -> ArticleFormat | None:
    """The format of a new version's file, told by its own name (the version is stored under
    the document's name, whose extension may differ); None: no extension, sniffed then."""
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
