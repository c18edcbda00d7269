"""A worker says each job it finished: one INFO line, with the job, its article, how it
ended and why, and the seconds it took (``evidence.jobs.run``)."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.jobs.engine import job_app
from evidence.jobs.run import JobRunner
from evidence.jobs.submit import JobFile, submit_checks
from evidence.registry import crossref_settings
from evidence.store.models import CheckJob
from refs.crossref import CrossrefClient

pytestmark = pytest.mark.postgresql


def test_each_job_run_is_one_info_line_with_its_id_article_outcome_and_seconds(
    pg_url: str, pg_sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture,
) -> None:
    # Offline: the registry is never asked (and the job, final, stores what it has).
    settings = Settings(database_url=pg_url, crossref_url="http://127.0.0.1:9",
                        doi_url="http://127.0.0.1:9/doi", mailto="log@example.org",
                        offline=True)
    files = [JobFile("good.txt", b"Standing desks halve back pain in office staff.\n"),
             JobFile("empty.txt", b"\n")]

    async def run() -> None:
        app = job_app(settings, min_size=1, max_size=2)
        async with app.open_async():
            submitted = await submit_checks(app, pg_sessions, files)
        async with CrossrefClient(crossref_settings(settings)) as client:
            runner = JobRunner(settings, pg_sessions, client)
            for job in submitted:
                await runner.run(job.id, final=True)
            await runner.run(submitted[0].id, final=True)  # done already: left alone

    with caplog.at_level(logging.INFO, logger="evidence.jobs"):
        asyncio.run(run())
    with pg_sessions() as session:
        ids = dict(session.execute(select(CheckJob.name, CheckJob.id)).all())
        article = session.scalar(select(CheckJob.article_id).where(CheckJob.name == "good.txt"))
    lines = [r.getMessage() for r in caplog.records
             if r.name == "evidence.jobs.run" and r.levelno == logging.INFO]
    assert len(lines) == 3, lines
    assert re.fullmatch(rf"job {ids['good.txt']} \(good\.txt\): done after \d+\.\d s: "
                        rf"article {article}", lines[0])
    assert re.fullmatch(rf"job {ids['empty.txt']} \(empty\.txt\): failed after \d+\.\d s: "
                        r"empty\.txt: the article is empty; nothing to check", lines[1])
    assert lines[2] == f"job {ids['good.txt']}: done already; left alone"


def test_a_name_or_message_with_line_breaks_stays_on_the_jobs_one_line(
    pg_url: str, pg_sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture,
) -> None:
    """An article's name is the submitter's (the API takes any text; an upload, its file's
    name), and the reason a job failed often quotes it: written raw, a line break in it
    would write a line of the submitter's choosing into the worker's log."""
    settings = Settings(database_url=pg_url, crossref_url="http://127.0.0.1:9",
                        doi_url="http://127.0.0.1:9/doi", mailto="log@example.org",
                        offline=True)
    name = "a\nevidence worker: job 1 (b): done, article 1.txt"

    async def run() -> None:
        app = job_app(settings, min_size=1, max_size=2)
        async with app.open_async():
            [job] = await submit_checks(app, pg_sessions, [JobFile(name, b"\n")])
        async with CrossrefClient(crossref_settings(settings)) as client:
            await JobRunner(settings, pg_sessions, client).run(job.id, final=True)

    with caplog.at_level(logging.INFO, logger="evidence.jobs"):
        asyncio.run(run())
    [line] = [r.getMessage() for r in caplog.records
              if r.name == "evidence.jobs.run" and r.levelno == logging.INFO]
    assert "\n" not in line
    assert line.count("a\\nevidence worker: job 1 (b): done, article 1.txt") == 2  # name, why
