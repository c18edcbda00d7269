"""A worker's DOIs asked together (``evidence.jobs.batch``), on PostgreSQL and the stand-in."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.jobs.batch import BatchResolver
from evidence.jobs.claims import DoiClaims
from evidence.jobs.engine import job_app
from evidence.jobs.submit import JobFile, job_file, submit_checks
from evidence.registry import crossref_settings
from evidence.store import queries
from evidence.store.models import CheckJob
from evidence.vocabulary import ReferenceStatus
from refs.crossref import CrossrefClient
from tests.standin import Standin, StandinConfig, free_port_url, run_standin
from tests.standin.articles import article_text
from tests.standin.records import generated_doi

pytestmark = pytest.mark.postgresql


def _settings(url: str, base_url: str, **more: object) -> Settings:
    return Settings(database_url=url, crossref_url=base_url, doi_url=f"{base_url}/doi",
                    mailto="batch@example.org", **more)  # type: ignore[arg-type]


async def _submit(settings: Settings, sessions: sessionmaker[Session],
                  files: list[JobFile]) -> None:
    app = job_app(settings, min_size=1, max_size=2)
    async with app.open_async():
        await submit_checks(app, sessions, files)


def _article(number: int, dois: list[str]) -> JobFile:
    return JobFile(f"article-{number}.txt", article_text(number, dois).encode("utf-8"))


def test_submit_stores_the_dois_each_article_writes(
    pg_url: str, pg_sessions: sessionmaker[Session],
) -> None:
    dois = [generated_doi(1), generated_doi(2)]
    files = [_article(1, dois), JobFile("empty.txt", b"Nothing cited here.\n")]
    asyncio.run(_submit(_settings(pg_url, "http://127.0.0.1:9"), pg_sessions, files))
    with pg_sessions() as session:
        rows = session.execute(select(CheckJob.name, CheckJob.dois))
        stored = {name: dois for name, dois in rows}
    assert stored == {"article-1.txt": [d.lower() for d in dois], "empty.txt": []}


def test_the_dois_of_queued_jobs_are_asked_ahead_in_full_lists_each_once(
    pg_url: str, pg_sessions: sessionmaker[Session],
) -> None:
    # 60 articles citing two of 120 works each: 120 DOIs, lists of 50, 50 and 20.
    files = [_article(n, [generated_doi(2 * n + 1), generated_doi(2 * n + 2)])
             for n in range(60)]
    standin = Standin(StandinConfig(generated=120))
    with run_standin(standin) as base_url:
        settings = _settings(pg_url, base_url)
        asyncio.run(_submit(settings, pg_sessions, files))

        async def ahead() -> None:
            async with CrossrefClient(crossref_settings(settings)) as client:
                resolver = BatchResolver(settings, pg_sessions, client,
                                         DoiClaims(pg_sessions), linger=0.2)
                async with resolver.running():  # no job asks anything
                    deadline = time.monotonic() + 30
                    while len(standin.asked_dois()) < 120 and time.monotonic() < deadline:
                        await asyncio.sleep(0.1)
                    await asyncio.sleep(0.5)  # nothing more is asked once all are stored

        asyncio.run(ahead())
    lists = [r for r in standin.log if r.kind == "list"]
    asked = standin.asked_dois()
    assert len(lists) == 3 and len(asked) == 120 and len(set(asked)) == 120
    with pg_sessions() as session:
        answered = queries.registry_answered(session, [generated_doi(n) for n in range(1, 121)])
    assert len(answered) == 120


def test_the_dois_of_several_jobs_go_in_one_list_and_a_stored_doi_is_not_asked(
    pg_url: str, pg_sessions: sessionmaker[Session],
) -> None:
    standin = Standin(StandinConfig(generated=6))
    with run_standin(standin) as base_url:
        settings = _settings(pg_url, base_url)

        async def jobs() -> list[dict[str, ReferenceStatus]]:
            async with CrossrefClient(crossref_settings(settings)) as client:
                resolver = BatchResolver(settings, pg_sessions, client,
                                         DoiClaims(pg_sessions), linger=0.3, ahead=False)
                async with resolver.running():
                    together = await asyncio.gather(*(
                        resolver.resolve([generated_doi(2 * n + 1).lower(),
                                          generated_doi(2 * n + 2).lower()])
                        for n in range(3)))
                    again = await resolver.resolve([generated_doi(1).lower()])
            return [{d: r.status for d, r in answers.items()} for answers in (*together, again)]

        statuses = asyncio.run(jobs())
    assert [len(s) for s in statuses] == [2, 2, 2, 1]
    assert all(s == ReferenceStatus.RESOLVED for answers in statuses for s in answers.values())
    assert len([r for r in standin.log if r.kind == "list"]) == 1  # three jobs, one request
    assert len(standin.asked_dois()) == 6  # the stored DOI was read, not asked again


def test_a_silent_registry_is_unverified_and_nothing_is_stored_as_not_found(
    pg_url: str, pg_sessions: sessionmaker[Session], tmp_path: Path,
) -> None:
    settings = _settings(pg_url, free_port_url(), registry_wait=1.0)
    doi = generated_doi(1).lower()

    async def job() -> ReferenceStatus:
        async with CrossrefClient(crossref_settings(settings)) as client:
            resolver = BatchResolver(settings, pg_sessions, client, DoiClaims(pg_sessions),
                                     linger=0.1, ahead=False)
            async with resolver.running():
                return (await resolver.resolve([doi]))[doi].status

    assert asyncio.run(job()) == ReferenceStatus.UNVERIFIED
    with pg_sessions() as session:
        assert queries.known_not_found(session, [doi]) == set()
        assert queries.registry_answered(session, [doi]) == set()


def test_submit_refuses_an_article_over_the_configured_limit_and_queues_nothing(
    pg_url: str, pg_sessions: sessionmaker[Session], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from evidence.cli import main

    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text("A short article.\n", encoding="utf-8")
    large.write_text("A long article. " * 100, encoding="utf-8")  # 1,600 bytes
    (tmp_path / "pyproject.toml").write_text("[tool.evidence]\nmax-article-size = 0.001\n",
                                             encoding="utf-8")  # 1,000 bytes
    monkeypatch.chdir(tmp_path)
    assert main(["--database", pg_url, "submit", str(small), str(large)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "large.txt: the article is 1600 bytes, over the 0.001 MB limit" in err
    assert "max-article-size" in err
    with pg_sessions() as session:
        assert session.scalars(select(CheckJob.id)).all() == []  # the small one neither
    # The option overrides the file, as for `evidence check`.
    assert job_file(large, max_mb=0.002).content == large.read_bytes()
    assert main(["--database", pg_url, "submit", "--max-article-size", "0.002",
                 str(large)]) == 0


def test_a_large_articles_job_leaves_the_event_loop_free_for_the_heartbeat(
    pg_url: str, pg_sessions: sessionmaker[Session],
) -> None:
    """Reading, auditing and storing run off the loop: the worker's heartbeat (a task on the
    same loop) keeps its time while a job spends seconds of CPU on one article."""
    from evidence.jobs.run import JobRunner

    sentences = [f"Supervised exercise reduces pain in group {n} of the trial [1]."
                 for n in range(12000)]
    text = ("A large article\n\n" + " ".join(sentences) + "\n\nReferences\n\n"
            f"1. A. Author. A work. 2020. doi:{generated_doi(1)}\n")
    settings = _settings(pg_url, "http://127.0.0.1:9", offline=True)
    asyncio.run(_submit(settings, pg_sessions, [JobFile("large.txt", text.encode("utf-8"))]))
    with pg_sessions() as session:
        job_id = session.scalars(select(CheckJob.id)).one()

    async def run() -> tuple[float, float]:
        gaps: list[float] = []
        loop = asyncio.get_running_loop()

        async def heartbeat() -> None:
            last = loop.time()
            while True:
                await asyncio.sleep(0.05)
                gaps.append(loop.time() - last)
                last = loop.time()

        beating = asyncio.create_task(heartbeat())
        began = loop.time()
        async with CrossrefClient(crossref_settings(settings)) as client:
            await JobRunner(settings, pg_sessions, client).run(job_id, final=True)
        took = loop.time() - began
        beating.cancel()
        return took, max(gaps)

    took, longest = asyncio.run(run())
    with pg_sessions() as session:
        assert session.get(CheckJob, job_id).state == "done"  # type: ignore[union-attr]
    # Seconds of CPU: with the audit on the loop, it stopped for 1.3 s at 6,000 sentences.
    # What is left are the garbage collector's pauses, which stop every thread. The job must
    # take long enough for a stop to show (a fast machine read 9,000 sentences in 2.8 s).
    assert took > 2.0
    assert longest < min(1.5, took / 2), (
        f"the loop stopped for {longest:.2f} s during a {took:.1f} s job")
