"""The check task as procrastinate runs it, and when it is tried again."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from procrastinate import App, BaseRetryStrategy, JobContext, RetryDecision
from procrastinate.jobs import Job

from evidence.config import Settings
from evidence.jobs.engine import CHECK_TASK
from evidence.jobs.run import JobRunner, RegistryOutage
from refs.crossref.limits import backoff_delay

__all__ = ["OutageRetry", "register_tasks"]


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
