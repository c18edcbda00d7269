"""Running one check job: read the article from its row, check it, store it, say how it went.

A job is safe to run twice (a worker killed after storing, then the job retried elsewhere):
a job already done is left alone, and the store keeps one version per text
(``store_check``). When the registry is out, references come back ``unverified``: the job
raises :class:`RegistryOutage` and the engine runs it again later, with backoff; the last
attempt stores what it has, unverified, and never as ``not-found``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article
from evidence.check import (
    WrittenReference,
    ask_registry,
    audit_articles,
    parse_submitted,
    written_references,
)
from evidence.config import Settings
from evidence.errors import InputError
from evidence.jobs.submit import FROM_SERVICE
from evidence.store.models import CheckJob
from evidence.store.newest import SupersededVersion
from evidence.store.saving import store_check
from evidence.vocabulary import JobState, ReferenceStatus

if TYPE_CHECKING:
    from evidence.resolver import Claims, SharedResolver
    from refs.crossref import CrossrefClient

__all__ = ["JobRunner", "RegistryOutage", "WORKER_ACTOR"]

WORKER_ACTOR = "evidence worker"
"""Who the store records as carrying editors' work over to a version a worker checked."""

logger = logging.getLogger(__name__)


class RegistryOutage(Exception):
    """The registry left references unverified: the job is run again later."""


@dataclass(frozen=True, slots=True)
class _Job:
    name: str
    content: bytes
    format: str | None
    bibliographies: tuple[tuple[str, str], ...]
    replaces: int | None = None
    """The version this one is to be stored on top of (the service's ``replaces``)."""
    from_service: bool = False
    """Sent to the service (``evidence.web.queue``): read as its check in the request reads,
    with no bibliography but one sent with it (``parse_submitted``'s ``named``)."""
    document: str | None = None
    """The document this is a version of, when not ``name`` (a new version uploaded as a
    file of another name: ``spine-pain.pdf`` after ``spine-pain.docx``)."""


class JobRunner:
    """What a worker process shares among its jobs: the store, one client, the DOI claims,
    and the resolver that asks for the DOIs of all its jobs together."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 client: CrossrefClient, claims: Claims | None = None,
                 shared: SharedResolver | None = None) -> None:
        self.settings = settings
        self.sessions = sessions
        self.client = client
        self.claims = claims
        self.shared = shared

    async def run(self, job_id: int, *, final: bool) -> None:
        """Check job ``job_id``; ``final``: the last attempt, which stores even unverified.

        Reading, the audit and storing run in threads: the event loop stays free for the
        worker's heartbeats and for the registry's answers to the other jobs.
        """
        started = time.monotonic()
        job = await asyncio.to_thread(self._start, job_id)
        if job is None:
            logger.info("job %d: done already; left alone", job_id)
            return  # done already (a retry after a crash that came after the store)

        def ended(outcome: str, why: str) -> None:
            # One line per job run, for the person watching the worker (its log is INFO). The
            # name is the submitter's, and the reason often quotes it: a line break in it
            # would write a line of their choosing into the log.
            logger.info("job %d (%s): %s after %.1f s: %s", job_id, _one_line(job.name),
                        outcome, time.monotonic() - started, _one_line(why))

        try:
            article, written = await asyncio.to_thread(_read, job)
            answers = await ask_registry([written], settings=self.settings,
                                         sessions=self.sessions, client=self.client,
                                         claims=self.claims, shared=self.shared)
            result = await asyncio.to_thread(audit_articles, [article], [written], answers)
        except InputError as exc:
            await asyncio.to_thread(self._end, job_id, JobState.FAILED, error=str(exc))
            ended("failed", str(exc))
            return
        except Exception as exc:  # a bug: said on the job, and the engine marks it failed
            await asyncio.to_thread(self._end, job_id, JobState.FAILED, error=_describe(exc))
            ended("failed", _describe(exc))
            raise
        checked = result.articles[0]
        silent = [r for r in checked.references if r.status == ReferenceStatus.UNVERIFIED]
        if silent and not final:
            reason = (f"the registry left {len(silent)} of {len(checked.references)} "
                      "references unverified; retried later")
            await asyncio.to_thread(self._end, job_id, JobState.QUEUED, error=reason)
            ended("queued again", reason)
            raise RegistryOutage(reason)

        def done(session: Session, article_id: int) -> None:
            _finish(session, job_id, JobState.DONE, article_id=article_id)

        try:
            version, _ = await asyncio.to_thread(
                store_check, self.sessions, article, checked, name=job.name,
                actor=WORKER_ACTOR, replaces=job.replaces, then=done, document=job.document)
        except SupersededVersion as stale:  # another version was stored since it was queued
            error = f"{stale}; nothing was stored"
            await asyncio.to_thread(self._end, job_id, JobState.FAILED, error=error)
            ended("failed", error)
            return
        ended("done", f"article {version}")

    def _start(self, job_id: int) -> _Job | None:
        """The job's row marked running, in one statement; None when it is done already."""
        running = (update(CheckJob)
                   .where(CheckJob.id == job_id, CheckJob.state != JobState.DONE,
                          CheckJob.content.is_not(None))
                   .values(state=JobState.RUNNING, attempts=CheckJob.attempts + 1)
                   .returning(CheckJob.name, CheckJob.content, CheckJob.format,
                              CheckJob.bibliographies, CheckJob.options)
                   .execution_options(synchronize_session=False))
        with self.sessions.begin() as session:
            row = session.execute(running).first()
            if row is not None:
                name, content, format, bibliographies, options = row
                assert content is not None  # the update's condition
                options = options or {}
                return _Job(name, content, format,
                            tuple((bib, text) for bib, text in bibliographies or ()),
                            replaces=options.get("replaces"), document=options.get("document"),
                            from_service=bool(options.get(FROM_SERVICE)))
            state = session.scalar(select(CheckJob.state).where(CheckJob.id == job_id))
        if state is None:
            raise InputError(f"no check job {job_id}")
        if state == JobState.DONE:
            return None
        raise InputError(f"check job {job_id} carries no article")  # dropped when done

    def _end(self, job_id: int, state: JobState, *, error: str | None = None) -> None:
        with self.sessions.begin() as session:
            _finish(session, job_id, state, error=error)


def _read(job: _Job) -> tuple[Article, list[WrittenReference]]:
    article, bibliographies = parse_submitted(job.content, name=job.name, format=job.format,
                                              bibliographies=job.bibliographies,
                                              named=not job.from_service)
    if not article.text.strip():
        raise InputError(f"{job.name}: the article is empty; nothing to check")
    return article, written_references(article, bibliographies)


def _finish(session: Session, job_id: int, state: JobState, *, error: str | None = None,
            article_id: int | None = None) -> None:
    """The job's new state, in ``session``'s transaction."""
    values: dict[str, Any] = {"state": state, "error": error}
    if state in (JobState.DONE, JobState.FAILED):
        values["finished_at"] = datetime.now(UTC)
    if article_id is not None:
        values["article_id"] = article_id
    if state == JobState.DONE:
        # Its version is stored and the digest keeps it one job: the bytes are needed no
        # more (about 50 KB an article). A failed job keeps them for a retry.
        values["content"] = None
        values["bibliographies"] = None
    session.execute(update(CheckJob).where(CheckJob.id == job_id).values(**values)
                    .execution_options(synchronize_session=False))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """``text`` with its control characters (line breaks among them) written as escapes."""
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
