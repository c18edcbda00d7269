"""``evidence worker``, ``evidence submit``, ``evidence jobs``: checks on the job engine.

Thin shells over ``evidence.jobs``; they need the store on PostgreSQL (exit 2 otherwise).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from evidence.cli.check import expand_paths
from evidence.cli.context import Context
from evidence.vocabulary import JobState
from evidence.wording import counted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from evidence.config import Settings
    from evidence.jobs.submit import JobFile

__all__ = ["COMMANDS"]

WAIT_POLL = 0.5
"""Seconds between looks at the jobs ``submit --wait`` waits for."""


@click.command()
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 256),
              help="Jobs this worker runs at once (they mostly wait for the registry).")
@click.option("--name", help="The worker's name in logs [default: host and process id].")
@click.pass_obj
def worker(obj: Context, concurrency: int, name: str | None) -> None:
    """Run check jobs from the queue until stopped (Ctrl+C finishes the running ones).

    Start as many as you like, on as many machines as share the database: together they
    keep to one registry budget. Needs the store on PostgreSQL. Each job finished is one
    line on standard error: its id and article, done or failed and why, and the seconds.

    \b
    Example:
      EVIDENCE_DATABASE_URL=postgresql://db/evidence evidence worker --concurrency 8
    """
    import asyncio
    import logging

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.jobs.engine import conninfo
        from evidence.jobs.worker import run_worker

    settings = obj.settings()
    conninfo(settings)  # refuse SQLite before anything starts
    logging.basicConfig(level=logging.WARNING, format="evidence worker: %(message)s")
    # A line per job finished (evidence.jobs.run); the engine's own INFO lines stay quiet.
    logging.getLogger("evidence.jobs").setLevel(logging.INFO)
    click.echo(f"evidence: worker running {counted(concurrency, 'job')} at once (Ctrl+C stops)",
               err=True)
    asyncio.run(run_worker(settings, concurrency=concurrency, name=name))


@click.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--bib", "bibs", multiple=True, type=click.Path(path_type=Path),
              help="A bibliography (.bib or CSL-JSON) for every article; repeatable.")
@click.option("--wait", is_flag=True, help="Wait until every job is done or failed.")
@click.option("--json", "as_json", is_flag=True, help='Print {"submitted", "done", "failed"}.')
@click.option("--max-article-size", "max_mb", type=click.FloatRange(min=0), metavar="MB",
              help="Refuse an article (with its bibliographies) larger than this (0: no "
                   "limit) [default: max-article-size in [tool.evidence], else 10].")
@click.pass_obj
def submit(obj: Context, paths: tuple[Path, ...], bibs: tuple[Path, ...], wait: bool,
           as_json: bool, max_mb: float | None) -> int:
    """Queue a check of each article (folders are searched as `evidence check` searches them).

    Each job carries the bibliography files its article names (found next to it, as
    `evidence check` finds them) and those given with --bib. The same texts submitted
    twice are one job. With --wait, exit 1 if any job failed.

    \b
    Example:
      evidence submit manuscripts/ --wait --json
    """
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.checkconfig import DEFAULT_MAX_ARTICLE_MB, load_config
        from evidence.cli.check import RAISE_LIMIT
        from evidence.jobs.engine import conninfo
        from evidence.jobs.submit import job_file, read_file

    settings = obj.settings()
    conninfo(settings)
    # The same limit as `evidence check` here: the option, else the config file's.
    limit = next((mb for mb in (max_mb, load_config(Path.cwd()).max_article_mb)
                  if mb is not None), DEFAULT_MAX_ARTICLE_MB)
    files, _found = expand_paths(paths)
    given = [(str(path), read_file(path)) for path in bibs]
    # All read before any is queued: a file over the limit refuses the whole submission.
    contents = [job_file(path, given, max_mb=limit, raise_limit=RAISE_LIMIT) for path in files]
    with _store(settings) as sessions:
        ids = asyncio.run(_submit(settings, sessions, contents))
        counts = _wait(sessions, ids, settings.job_heartbeat) if wait else _counts(sessions, ids)
        if wait:
            _say_failures(sessions, ids)
    summary = {"submitted": len(ids), "done": counts.get(JobState.DONE, 0),
               "failed": counts.get(JobState.FAILED, 0)}
    if as_json:
        click.echo(json.dumps(summary))
    else:
        queued = len(ids) - summary["done"] - summary["failed"]
        click.echo(f"submitted {len(ids)}: {summary['done']} done, {summary['failed']} failed, "
                   f"{queued} queued or running")
    return 1 if wait and summary["failed"] else 0


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1),
              help="Newest jobs shown.")
@click.pass_obj
def jobs(obj: Context, as_json: bool, limit: int) -> None:
    """List check jobs, newest first: queued, running, done and failed."""
    from evidence.jobs.engine import conninfo
    from evidence.jobs.states import job_counts, job_dict, job_views

    settings = obj.settings()
    conninfo(settings)
    with _store(settings) as sessions, sessions() as session:
        views = job_views(session, limit=limit)
        counts = job_counts(session)
    if as_json:
        click.echo(json.dumps({"counts": {s.value: counts[s] for s in JobState},
                               "jobs": [job_dict(v) for v in views]}, indent=2))
        return
    click.echo(", ".join(f"{counts[s]} {s.value}" for s in JobState))
    for view in views:
        article = f" -> article {view.article_id}" if view.article_id else ""
        error = f": {view.error}" if view.error else ""
        click.echo(f"{view.id:>8} {view.state.value:<8} {view.name}{article}{error}")


@contextmanager
def _store(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The store's sessions, its connections closed at the end (a worker's are its own)."""
    from evidence.store.engine import open_store, session_factory

    engine = open_store(settings.database_url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


async def _submit(settings: Settings, sessions: sessionmaker[Session],
                  contents: list[JobFile]) -> list[int]:
    from evidence.jobs.engine import job_app
    from evidence.jobs.submit import submit_checks

    app = job_app(settings, min_size=1, max_size=2)
    async with app.open_async():
        submitted = await submit_checks(app, sessions, contents)
    return [s.id for s in submitted]


def _counts(sessions: sessionmaker[Session], ids: list[int]) -> dict[JobState, int]:
    from evidence.jobs.states import job_counts

    with sessions() as session:
        return dict(job_counts(session, ids))


def _wait(sessions: sessionmaker[Session], ids: list[int], heartbeat: float,
          ) -> dict[JobState, int]:
    told = False
    while True:
        counts = _counts(sessions, ids)
        left = len(ids) - counts.get(JobState.DONE, 0) - counts.get(JobState.FAILED, 0)
        if left <= 0:
            return counts
        if not told:
            told = _say_if_no_worker(sessions, left, heartbeat)
        time.sleep(WAIT_POLL)


def _say_if_no_worker(sessions: sessionmaker[Session], left: int, heartbeat: float) -> bool:
    """Say so (once) when no worker is alive to run the jobs waited for: without one, the
    wait would go on in silence. A worker silent for three heartbeats counts as dead."""
    from evidence.jobs.states import live_workers

    with sessions() as session:
        if live_workers(session, within=3 * heartbeat):
            return False
    click.echo(f"waiting for {counted(left, 'job')}, but no worker is running on this store: "
               "start one with `evidence worker` (same EVIDENCE_DATABASE_URL); Ctrl+C stops "
               "waiting, and the jobs stay queued", err=True)
    return True


def _say_failures(sessions: sessionmaker[Session], ids: list[int]) -> None:
    from evidence.jobs.states import job_views

    with sessions() as session:
        for view in job_views(session, ids=ids):
            if view.state == JobState.FAILED:
                click.echo(f"failed: {view.name}: {view.error}", err=True)


COMMANDS = [worker, submit, jobs]
