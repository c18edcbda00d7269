"""The check task as procrastinate runs it, and when it is tried again."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta

from procrastinate import App, BaseRetryStrategy, JobContext, RetryDecision
from procrastinate.jobs import Job

from evidence.config import Settings
from evidence.jobs.engine import CHECK_TASK
from evidence.jobs.run import JobRunner, RegistryOutage
from refs.crossref.limits import backoff_delay

__all__ = ["RECHECK_TASK", "OutageRetry", "recheck_stored", "register_tasks"]

RECHECK_TASK = "evidence.recheck"
"""The periodic recheck (``EVIDENCE_RECHECK_CRON``): what the registry changed for stored works."""

logger = logging.getLogger(__name__)


class OutageRetry(BaseRetryStrategy):
    """Try a job again only after a registry outage, with exponential backoff and jitter;
    any other failure (a file that cannot be read, a bug) is final at once."""

    def __init__(self, attempts: int, wait: float) -> None:
        self.attempts = attempts
        self.wait = wait
        self._random = random.Random()

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, RegistryOutage) or job.attempts + 1 >= self.attempts:
            return None
        delay = backoff_delay(job.attempts, base=self.wait, cap=self.wait * 32,
                              jitter=self._random.random())
        return RetryDecision(retry_at=datetime.now(UTC) + timedelta(seconds=delay))


def register_tasks(app: App, settings: Settings) -> None:
    """Define the check task on ``app``; a worker passes its runner in the job context."""
    retry = OutageRetry(settings.job_attempts, settings.job_retry_wait)

    @app.task(name=CHECK_TASK, pass_context=True, retry=retry)
    async def check_article(context: JobContext, check_job: int) -> None:
        runner: JobRunner = context.additional_context["runner"]
        final = context.job.attempts + 1 >= settings.job_attempts
        await runner.run(check_job, final=final)

    if settings.recheck_cron:
        # The queueing lock: one recheck waits at a time, however many workers defer it.
        @app.periodic(cron=settings.recheck_cron, periodic_id="recheck")
        @app.task(name=RECHECK_TASK, pass_context=True, queueing_lock=RECHECK_TASK)
        async def recheck_task(context: JobContext, timestamp: int) -> None:
            await recheck_stored(context.additional_context["runner"])


async def recheck_stored(runner: JobRunner) -> str:
    """``evidence recheck`` on the worker's store and client; its summary (also logged: at
    INFO, or WARNING when it found a cited work newly retracted, withdrawn, corrected or of
    concern).

    :raises RecheckIncomplete: the registry could not be asked about everything (the job
        fails; the next period asks again: never taken as "nothing changed").
    """
    from evidence.recheck import recheck

    result = await recheck(runner.sessions, runner.settings, client=runner.client)
    summary = (f"recheck: {len(result.changes)} changes, {len(result.alerting)} alerting, "
               f"{result.requests} requests")
    logger.log(logging.WARNING if result.alerting else logging.INFO, summary)
    return summary
