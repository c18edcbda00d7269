"""Running one check job: read the article from its row, check it, store it, say how it went.

A job is safe to run twice (a worker killed after storing, then the job retried elsewhere):
a job already done is left alone, and the store keeps one version per text
(``store_check``). When the registry is out, references come back ``unverified``: the job
raises :class:`RegistryOutage` and the engine runs it again later, with backoff; the last
attempt stores what it has, unverified, and never as ``not-found``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from evidence.check import check_parsed, parse_submitted
from evidence.config import Settings
from evidence.errors import InputError
from evidence.store.models import CheckJob
from evidence.store.saving import store_check
from evidence.vocabulary import JobState, ReferenceStatus

if TYPE_CHECKING:
    from evidence.resolver import Claims
    from refs.crossref import CrossrefClient

__all__ = ["JobRunner", "RegistryOutage", "WORKER_ACTOR"]

WORKER_ACTOR = "evidence worker"
"""Who the store records as carrying editors' work over to a version a worker checked."""


class RegistryOutage(Exception):
    """The registry left references unverified: the job is run again later."""


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    content: bytes
    format: str | None
    bibliographies: tuple[tuple[str, str], ...]


class JobRunner:
    """What a worker process shares among its jobs: the store, one client, the DOI claims."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 client: CrossrefClient, claims: Claims | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.client = client
        self.claims = claims

    async def run(self, job_id: int, *, final: bool) -> None:
        """Check job ``job_id``; ``final``: the last attempt, which stores even unverified."""
        job = await asyncio.to_thread(self._start, job_id)
        if job is None:
            return  # done already (a retry after a crash that came after the store)
        try:
            article, bibliographies = await asyncio.to_thread(
                parse_submitted, job.content, name=job.name, format=job.format,
                bibliographies=job.bibliographies)
            if not article.text.strip():
                raise InputError(f"{job.name}: the article is empty; nothing to check")
            result = await check_parsed([(article, bibliographies)], settings=self.settings,
                                        sessions=self.sessions, client=self.client,
                                        claims=self.claims)
        except InputError as exc:
            await asyncio.to_thread(self._end, job_id, JobState.FAILED, error=str(exc))
            return
        except Exception as exc:  # a bug: said on the job, and the engine marks it failed
            await asyncio.to_thread(self._end, job_id, JobState.FAILED, error=_describe(exc))
            raise
        checked = result.articles[0]
        silent = [r for r in checked.references if r.status == ReferenceStatus.UNVERIFIED]
        if silent and not final:
            reason = (f"the registry left {len(silent)} of {len(checked.references)} "
                      "references unverified; retried later")
            await asyncio.to_thread(self._end, job_id, JobState.QUEUED, error=reason)
            raise RegistryOutage(reason)
        article_id, _created = await asyncio.to_thread(
            store_check, self.sessions, article, checked, name=job.name, actor=WORKER_ACTOR)
        await asyncio.to_thread(self._end, job_id, JobState.DONE, article_id=article_id)

    def _start(self, job_id: int) -> _Job | None:
        with self.sessions.begin() as session:
            row = session.get(CheckJob, job_id, with_for_update=True)
            if row is None:
                raise InputError(f"no check job {job_id}")
            if row.state == JobState.DONE:
                return None
            if row.content is None:
                raise InputError(f"check job {job_id} carries no article")  # dropped when done
            row.state = JobState.RUNNING
            row.attempts += 1
            return _Job(row.name, row.content, row.format,
                        tuple((name, text) for name, text in row.bibliographies or ()))

    def _end(self, job_id: int, state: JobState, *, error: str | None = None,
             article_id: int | None = None) -> None:
        with self.sessions.begin() as session:
            row = session.get(CheckJob, job_id, with_for_update=True)
            assert row is not None  # read by _start; jobs are never deleted
            row.state = state
            row.error = error
            values: dict[str, Any] = {}
            if state in (JobState.DONE, JobState.FAILED):
                values["finished_at"] = datetime.now(UTC)
            if article_id is not None:
                values["article_id"] = article_id
            if state == JobState.DONE:
                # Its version is stored and the digest keeps it one job: the bytes are
                # needed no more (about 50 KB an article). A failed job keeps them for a retry.
                values["content"] = None
                values["bibliographies"] = None
            for key, value in values.items():
                setattr(row, key, value)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
