"""Submitting an article to the check workers (``EVIDENCE_JOBS=postgres``) instead of checking
it inside the request: the answer is the job, and the article appears when it is checked.

A submission goes to the workers with its pasted bibliography (a file of the job, named as
the in-request check names it). One that names the version it ``replaces`` is refused at
once when that version is not the newest (409), and its job carries the id: a worker stores
it only on top of that very version, and fails the job, storing nothing, when another
version was stored in between (what the request would have answered with 409).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from evidence.checksteps import guess_bibliography_format, pasted_bibliography_name
from evidence.jobs.submit import JobFile, Submission, submit_checks
from evidence.store.newest import find_version
from evidence.web.service import Service

__all__ = ["job_links", "known_version", "queue_article", "queued_by_workers"]


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
    assert svc.jobs is not None  # callers ask queued_by_workers first
    carried: tuple[tuple[str, bytes], ...] = ()
    if bibliography and bibliography.strip():
        fmt = bibliography_format or guess_bibliography_format(bibliography)
        carried = ((pasted_bibliography_name(name, fmt), bibliography.encode("utf-8")),)
    file = JobFile(name, text.encode("utf-8"), carried)
    options = {"replaces": replaces} if replaces is not None else None
    [submitted] = await submit_checks(svc.jobs, svc.sessions, [file], format=format,
                                      options=options)
    return submitted


def job_links(job_id: int) -> dict[str, Any]:
    return {"url": f"/api/jobs/{job_id}", "page": f"/jobs/{job_id}"}
