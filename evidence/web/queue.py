"""Submitting an article to the check workers (``EVIDENCE_JOBS=postgres``) instead of checking
it inside the request: the answer is the job, and the article appears when it is checked.

A submission goes to the workers with its pasted bibliography (a file of the job, named as
the in-request check names it); one that names the version it replaces is checked in the
request as before (a job stores on top of whatever version is newest when it runs).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from evidence.articles import ArticleFormat
from evidence.checksteps import guess_bibliography_format
from evidence.jobs.submit import JobFile, Submission, submit_checks
from evidence.store.newest import find_version
from evidence.web.service import Service

__all__ = ["job_links", "known_version", "queue_article", "queued_by_workers"]


def queued_by_workers(svc: Service, *, replaces: int | None) -> bool:
    """Whether this submission goes to the workers."""
    return svc.jobs is not None and replaces is None


async def known_version(svc: Service, name: str, text: str) -> int | None:
    """The stored version of ``name`` with this exact text, if any (answered at once)."""

    def find() -> int | None:
        with svc.sessions() as session:
            return find_version(session, name=name, text=text)

    return await run_in_threadpool(find)


async def queue_article(svc: Service, *, name: str, text: str, format: str,
                        bibliography: str | None = None,
                        bibliography_format: str | None = None) -> Submission:
    """A check job for this text and bibliography (the same job again when they were
    submitted before)."""
    assert svc.jobs is not None  # callers ask queued_by_workers first
    carried: tuple[tuple[str, bytes], ...] = ()
    if bibliography and bibliography.strip():
        # The job reads a bibliography's format from its name's extension.
        fmt = bibliography_format or guess_bibliography_format(bibliography)
        suffix = ".json" if fmt == ArticleFormat.CSL_JSON else ".bib"
        carried = ((f"{name}{suffix}", bibliography.encode("utf-8")),)
    file = JobFile(name, text.encode("utf-8"), carried)
    [submitted] = await submit_checks(svc.jobs, svc.sessions, [file], format=format)
    return submitted


def job_links(job_id: int) -> dict[str, Any]:
    return {"url": f"/api/jobs/{job_id}", "page": f"/jobs/{job_id}"}
