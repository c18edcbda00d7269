"""Submitting an article to the check workers (``EVIDENCE_JOBS=postgres``) instead of checking
it inside the request: the answer is the job, and the article appears when it is checked.

A submission goes to the workers with its pasted bibliography (a file of the job, named as
the in-request check names it). One that names the version it ``replaces`` is refused at
once when that version is not the newest (409), and its job carries the id: a worker stores
it only on top of that very version, and fails the job, storing nothing, when another
version was stored in between (what the request would have answered with 409).

A file uploaded (Word, PDF, LaTeX, JATS...) goes to the workers as its bytes, with its
format and, for a new version under another name, the document it continues. It is not
read here: reading it (and refusing a zip bomb, an encrypted file, XML declaring entities)
is the job's, in the worker's process.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from evidence.checksteps import guess_bibliography_format, pasted_bibliography_name
from evidence.jobs.submit import FROM_SERVICE, JobFile, Submission, submit_checks
from evidence.store.newest import find_version
from evidence.web.service import Service

__all__ = ["accepted", "job_links", "known_version", "queue_article", "queue_file",
           "queued_by_workers"]


def queued_by_workers(svc: Service) -> bool:
    """Whether submissions go to the workers."""
    return svc.jobs is not None


async def known_version(svc: Service, name: str, text: str) -> int | None:
    """The stored version of ``name`` with this exact text, if any (answered at once)."""

    def find() -> int | None:
        with svc.sessions() as session:
            return find_version(session, name=name, text=text)

    return await run_in_threadpool(find)


async def queue_article(svc: Service, *, name: str, text: str, format: str,
                        bibliography: str | None = None,
                        bibliography_format: str | None = None,
                        replaces: int | None = None) -> Submission:
    """A check job for this text and bibliography (the same job again when they were
    submitted before), stored on top of version ``replaces`` only (None: the newest)."""
    return await _queue(svc, name=name, content=text.encode("utf-8"), format=format,
                        bibliography=bibliography, bibliography_format=bibliography_format,
                        replaces=replaces)


async def queue_file(svc: Service, *, name: str, data: bytes, format: str | None,
                     bibliography: str | None = None, replaces: int | None = None,
                     document: str | None = None) -> Submission:
    """A check job for an uploaded file (the same job again for the same bytes, format,
    bibliography and version replaced), read by the worker.

    :param format: the file's format as the request told it (its name's extension, or its
        first bytes); None: the worker's reader tells it from the name.
    :param document: the document it is a new version of, when not the one of ``name``.
    """
    return await _queue(svc, name=name, content=data, format=format, bibliography=bibliography,
                        replaces=replaces, document=document, ahead=False)


async def _queue(svc: Service, *, name: str, content: bytes, format: str | None,
                 bibliography: str | None, bibliography_format: str | None = None,
                 replaces: int | None, document: str | None = None,
                 ahead: bool = True) -> Submission:
    assert svc.jobs is not None  # callers ask queued_by_workers first
    carried: tuple[tuple[str, bytes], ...] = ()
    if bibliography and bibliography.strip():
        fmt = bibliography_format or guess_bibliography_format(bibliography)
        carried = ((pasted_bibliography_name(name, fmt), bibliography.encode("utf-8")),)
    # Read by the worker as the check in the request reads it: no bibliography the
    # article names is asked for (the service takes one only as a field).
    options: dict[str, Any] = {FROM_SERVICE: True}
    if replaces is not None:
        options["replaces"] = replaces
    if document is not None and document != name:
        options["document"] = document
    [submitted] = await submit_checks(svc.jobs, svc.sessions, [JobFile(name, content, carried)],
                                      format=format, options=options, ahead=ahead)
    return submitted


def accepted(queued: Submission, name: str) -> JSONResponse:
    """The API's answer to a submission queued: 202, the job and where to follow it."""
    links = job_links(queued.id)
    return JSONResponse(
        {"job_id": queued.id, "name": name, "state": "queued", "created": queued.created,
         **links}, status_code=202, headers={"Location": links["url"]})


def job_links(job_id: int) -> dict[str, Any]:
    return {"url": f"/api/jobs/{job_id}", "page": f"/jobs/{job_id}"}
