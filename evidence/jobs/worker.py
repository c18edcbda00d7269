"""A worker process: runs check jobs, and takes over the jobs of workers that died.

Every worker sends procrastinate a heartbeat each ``settings.job_heartbeat`` seconds; a worker
silent for three of them is taken as dead (SIGKILL, a lost machine), and any living worker
puts its running jobs back in the queue. Running a job twice is harmless (``evidence.jobs.run``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from procrastinate import App
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.jobs.batch import BatchResolver
from evidence.jobs.budget import SharedBudget, contact_of
from evidence.jobs.claims import DoiClaims
from evidence.jobs.engine import CHECK_TASK, conninfo, job_app
from evidence.jobs.run import JobRunner
from evidence.jobs.tasks import register_tasks
from evidence.loading import freeze_loaded
from evidence.registry import crossref_settings
from evidence.store.engine import open_store, session_factory
from refs.crossref.client import CrossrefClient

__all__ = ["STALLED_HEARTBEATS", "rescue_stalled", "run_worker"]

STALLED_HEARTBEATS = 3
"""Heartbeats a worker may miss before its running jobs are given to another."""

COALESCE_LINGER = 1.0
"""Seconds a job's DOIs wait for other jobs' to fill a list request (up to 50) when no queued
job's DOIs are there to fill it: the registry allows 3 list requests a second, so a fuller
request is worth a second of one job's time."""

logger = logging.getLogger(__name__)


async def run_worker(settings: Settings, *, concurrency: int = 1, name: str | None = None) -> None:
    """Run check jobs until stopped (SIGINT or SIGTERM finish the running jobs first)."""
    info = conninfo(settings)
    engine = open_store(settings.database_url)  # migrates: the job tables come with 0010
    sessions = session_factory(engine)
    app = job_app(settings)
    register_tasks(app, settings)
    await asyncio.to_thread(_warm_up, settings, sessions)
    freeze_loaded(collect=True)  # the readers and the claim model the warm-up loaded
    try:
        async with app.open_async(), \
                await SharedBudget.open(info, contact_of(settings.mailto,
                                                         settings.crossref_url)) as budget, \
                CrossrefClient(crossref_settings(settings), limiters=budget.limiter) as client:
            # A claim outlives any live ask (each gives up after registry_wait): past that its
            # process is dead, and another takes the DOI over.
            claims = DoiClaims(sessions, stale_after=settings.registry_wait + 10)
            shared = BatchResolver(settings, sessions, client, claims, linger=COALESCE_LINGER)
            runner = JobRunner(settings, sessions, client, claims, shared)
            rescue = asyncio.create_task(rescue_stalled(app, settings))
            try:
                async with shared.running():  # stopped once the running jobs have ended
                    await app.run_worker_async(
                        concurrency=concurrency, name=name or _default_name(),
                        additional_context={"runner": runner},
                        update_heartbeat_interval=settings.job_heartbeat,
                        stalled_worker_timeout=STALLED_HEARTBEATS * settings.job_heartbeat,
                        fetch_job_polling_interval=min(5.0, settings.job_heartbeat),
                    )
            finally:
                rescue.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await rescue
    finally:
        engine.dispose()


WARM_UP_TEXT = ("A warm-up article\n\nExercise reduces back pain in most adults [1].\n\n"
                "References\n\n1. A. Author. A work. 2020. doi:10.5555/warm-up\n")


def _warm_up(settings: Settings, sessions: sessionmaker[Session]) -> None:
    """Check a tiny article offline, in a thread of its own, before taking jobs: the readers
    and the claim model load once here (seconds of CPU), not on the event loop that sends
    the heartbeats, where the other workers would take the wait for a crash."""
    from dataclasses import replace

    from evidence.check import check_parsed, parse_submitted

    article, bibliographies = parse_submitted(WARM_UP_TEXT.encode(), name="warm-up.txt")
    asyncio.run(check_parsed([(article, bibliographies)], settings=replace(settings, offline=True),
                             sessions=sessions))


def _default_name() -> str:
    import os
    import socket

    return f"evidence-worker {socket.gethostname()}:{os.getpid()}"


async def rescue_stalled(app: App, settings: Settings) -> None:
    """Every heartbeat, put the running jobs of workers silent too long back in the queue."""
    while True:
        await asyncio.sleep(settings.job_heartbeat)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                task_name=CHECK_TASK,
                seconds_since_heartbeat=STALLED_HEARTBEATS * settings.job_heartbeat)
            for job in stalled:
                logger.warning("job %s: its worker stopped sending heartbeats; queued again",
                               job.id)
                await app.job_manager.retry_job(job)
        except Exception:  # another worker retried it first, or the database blinked
            logger.debug("rescuing stalled jobs failed this round", exc_info=True)
