"""Submitting an article to the check workers (``EVIDENCE_JOBS=postgres``) instead of checking
it inside the request: the answer is the job, and the article appears when it is checked.

Only a plain submission goes to the workers: one that carries a bibliography or names the
version it replaces is checked in the request as before (a job carries the article alone).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool

from evidence.jobs.submit import JobFile, Submission, submit_checks
from evidence.store.newest import find_version
from evidence.web.service import Service

__all__ = ["job_links", "known_version", "queue_article", "queued_by_workers"]


def queued_by_workers(svc: Service, *, bibliography: str | None, replaces: int | None) -> bool:
    """Whether this submission goes to the workers."""
    return svc.jobs is not None and not (bibliography and bibliography.strip()) \
        and replaces is None


async def known_version(svc: Service, name: str, text: str) -> int | None:
    """The stored version of ``name`` with this exact text, if any (answered at once)."""

    def find() -> int | None:
        with svc.sessions() as session:
            return find_version(session, name=name, text=text)

    return await run_in_threadpool(find)


async def queue_article(svc: Service, *, name: str, text: str, format: str) -> Submission:
    """A check job for this text (the same one again when it was submitted before)."""
    assert svc.jobs is not None  # callers ask queued_by_workers first
    [submitted] = await submit_checks(svc.jobs, svc.sessions, [JobFile(name, text.encode("utf-8"))],
                                      format=format)
    return submitted


def job_links(job_id: int) -> dict[str, Any]:
    return {"url": f"/api/jobs/{job_id}", "page": f"/jobs/{job_id}"}
