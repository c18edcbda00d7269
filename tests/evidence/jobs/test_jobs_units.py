"""The job engine's parts that need no worker: settings, digests, retry decisions, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from evidence.check import parse_submitted
from evidence.cli import main
from evidence.config import Settings
from evidence.errors import InputError
from evidence.jobs.engine import NEEDS_POSTGRESQL, conninfo
from evidence.jobs.run import RegistryOutage
from evidence.jobs.submit import job_digest, job_file
from evidence.jobs.tasks import OutageRetry
from tests.evidence.cli.articles import ARTICLE, BIB


def test_evidence_jobs_is_off_by_default_and_postgres_turns_it_on() -> None:
    assert Settings.from_env({}).jobs is False
    assert Settings.from_env({"EVIDENCE_JOBS": "postgres"}).jobs is True
    assert Settings.from_env({"EVIDENCE_JOB_HEARTBEAT": "2.5"}).job_heartbeat == 2.5
    with pytest.raises(InputError, match="EVIDENCE_JOBS must be 'postgres'"):
        Settings.from_env({"EVIDENCE_JOBS": "redis"})


def test_the_job_engine_refuses_sqlite_and_takes_postgresql() -> None:
    with pytest.raises(InputError, match="needs PostgreSQL"):
        conninfo(Settings(database_url="sqlite:///x.db"))
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/evidence"
    assert conninfo(Settings(database_url=url)) == "postgresql://postgres@127.0.0.1:5432/evidence"


@pytest.mark.parametrize("command", [["worker"], ["submit", "ARTICLE"], ["jobs"]])
def test_job_commands_on_the_sqlite_default_exit_2_and_say_why(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.md"
    article.write_text("A claim.\n", encoding="utf-8")
    argv = [str(article) if part == "ARTICLE" else part for part in command]
    assert main(["--database", f"sqlite:///{tmp_path / 'e.db'}", *argv]) == 2
    assert NEEDS_POSTGRESQL in capsys.readouterr().err.replace("\n", " ")
    assert not (tmp_path / "e.db").exists()  # refused before the store was opened


def test_the_digest_is_the_text_its_format_and_the_options() -> None:
    one = job_digest(b"text", name="a/x.md", options={})
    assert one == job_digest(b"text", name="b/y.md", options={})  # the same text: one job
    assert one != job_digest(b"text", name="x.txt", options={})  # read as another format
    assert one != job_digest(b"text", name="x.md", options={"refresh": True})
    assert one != job_digest(b"text!", name="x.md", options={})


def _job(attempts: int) -> Any:
    return SimpleNamespace(attempts=attempts)


def test_only_an_outage_is_retried_with_growing_waits_until_the_last_attempt() -> None:
    retry = OutageRetry(attempts=4, wait=10.0)
    assert retry.get_retry_decision(exception=ValueError("bug"), job=_job(0)) is None
    waits = []
    for attempts in range(3):
        decision = retry.get_retry_decision(exception=RegistryOutage("out"), job=_job(attempts))
        assert decision is not None and decision.retry_at is not None
        waits.append((decision.retry_at - datetime.now(UTC)).total_seconds())
    assert 4 < waits[0] <= 10 and 9 < waits[1] <= 20 and 19 < waits[2] <= 40
    assert retry.get_retry_decision(exception=RegistryOutage("out"), job=_job(3)) is None


def test_a_recheck_cron_registers_one_periodic_recheck_and_a_bad_one_is_refused() -> None:
    from evidence.jobs.engine import job_app
    from evidence.jobs.tasks import RECHECK_TASK, register_tasks

    url = "postgresql://postgres@127.0.0.1:5432/unused"  # never opened
    plain = job_app(Settings(database_url=url))
    register_tasks(plain, Settings(database_url=url))
    assert RECHECK_TASK not in plain.tasks and not plain.periodic_registry.periodic_tasks
    settings = Settings.from_env({"EVIDENCE_DATABASE_URL": url,
                                  "EVIDENCE_RECHECK_CRON": "0  3 * * *"})
    assert settings.recheck_cron == "0 3 * * *"
    app = job_app(settings)
    register_tasks(app, settings)
    [(name, periodic_id)] = app.periodic_registry.periodic_tasks
    assert (name, periodic_id) == (RECHECK_TASK, "recheck")
    assert app.tasks[RECHECK_TASK].queueing_lock == RECHECK_TASK
    with pytest.raises(InputError, match="EVIDENCE_RECHECK_CRON"):
        Settings.from_env({"EVIDENCE_RECHECK_CRON": "every night"})


def test_the_periodic_recheck_of_an_empty_store_asks_nothing(tmp_path: Path) -> None:
    import asyncio

    import httpx

    from evidence.jobs.run import JobRunner
    from evidence.jobs.tasks import recheck_stored
    from evidence.store.engine import open_store, session_factory
    from refs.crossref import CrossrefClient

    def no_request(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"asked {request.url}")

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'e.db'}")
    engine = open_store(settings.database_url)

    async def run() -> str:
        async with CrossrefClient(transport=httpx.MockTransport(no_request)) as client:
            return await recheck_stored(JobRunner(settings, session_factory(engine), client))

    try:
        assert asyncio.run(run()) == "recheck: 0 changes, 0 alerting, 0 requests"
    finally:
        engine.dispose()


@pytest.mark.parametrize(("alerting", "level"), [(0, "INFO"), (1, "WARNING")])
def test_the_periodic_recheck_logs_its_summary_at_info_unless_a_cited_work_changed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, alerting: int, level: str
) -> None:
    """A normal summary is INFO; a cited work newly retracted, corrected... is WARNING."""
    import asyncio

    import evidence.recheck
    from evidence.jobs.tasks import recheck_stored

    changes = ("retraction",) * alerting + ("title",)

    async def recheck(*_: Any, **__: Any) -> SimpleNamespace:
        return SimpleNamespace(changes=changes, alerting=changes[:alerting], requests=2)

    monkeypatch.setattr(evidence.recheck, "recheck", recheck)
    runner = SimpleNamespace(sessions=None, settings=None, client=None)
    with caplog.at_level("INFO", logger="evidence.jobs.tasks"):
        summary = asyncio.run(recheck_stored(runner))  # type: ignore[arg-type]
    assert summary == f"recheck: {len(changes)} changes, {alerting} alerting, 2 requests"
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [(level, summary)]


def test_the_digest_covers_each_bibliography_and_is_unchanged_without_any() -> None:
    plain = job_digest(b"text", name="x.md", options={})
    assert plain == job_digest(b"text", name="x.md", options={}, bibliographies=())
    one = job_digest(b"text", name="x.md", options={}, bibliographies=[("a/r.bib", b"@a{k,}")])
    assert one != plain
    assert one == job_digest(b"text", name="y.md", options={},
                             bibliographies=[("b/s.bib", b"@a{k,}")])  # the same bytes
    assert one != job_digest(b"text", name="x.md", options={},
                             bibliographies=[("a/r.bib", b"@a{j,}")])
    assert one != job_digest(b"text", name="x.md", options={},
                             bibliographies=[("a/r.json", b"@a{k,}")])  # read as CSL-JSON
    split = job_digest(b"text", name="x.md", options={},
                       bibliographies=[("r.bib", b"@a{"), ("s.bib", b"k,}")])
    assert split != one


def _article_naming(folder: Path, bibliography: str) -> Path:
    article = folder / "paper.md"
    article.write_text(f"---\nbibliography: {bibliography}\n---\n\n{ARTICLE.split(chr(10), 1)[1]}",
                       encoding="utf-8")
    return article


def test_a_job_carries_the_bibliography_its_article_names_and_the_worker_reads_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    file = job_file(_article_naming(tmp_path, "refs.bib"))
    assert file.bibliographies == ((str(tmp_path / "refs.bib"), BIB.encode("utf-8")),)
    texts = [(name, data.decode("utf-8")) for name, data in file.bibliographies]
    article, bibliographies = parse_submitted(file.content, name=file.name,
                                              bibliographies=texts)
    assert article.bibliography == ("refs.bib",)
    assert [e.key for b in bibliographies for e in b.entries] == [
        "gino2014", "plos2012", "missing2020", "broken2020"]
    with pytest.raises(InputError, match="carries no bibliography file"):
        parse_submitted(file.content, name=file.name)


def test_bib_stands_in_for_a_missing_named_bibliography_and_without_it_submit_refuses(
    tmp_path: Path,
) -> None:
    article = _article_naming(tmp_path, "gone.bib")
    with pytest.raises(InputError, match="gone.bib.*does not exist; give the file with --bib"):
        job_file(article)
    given = [("elsewhere/refs.bib", BIB.encode("utf-8"))]
    assert job_file(article, given).bibliographies == tuple(given)


def test_a_job_over_the_size_limit_with_its_bibliographies_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    article = _article_naming(tmp_path, "refs.bib")
    size = article.stat().st_size
    with pytest.raises(InputError, match="the article and its bibliographies are"):
        job_file(article, max_mb=(size + 10) / 1_000_000)
    assert job_file(article, max_mb=0).content == article.read_bytes()  # 0: no limit


def test_a_latex_article_carries_the_bib_files_its_bibliography_command_names(
    tmp_path: Path,
) -> None:
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    article = tmp_path / "paper.tex"
    article.write_text("\\documentclass{article}\n\\begin{document}\nDishonest people were "
                       "more creative \\cite{gino2014}.\n\\bibliography{refs}\n\\end{document}\n",
                       encoding="utf-8")
    file = job_file(article)
    assert [name for name, _ in file.bibliographies] == [str(tmp_path / "refs.bib")]
    texts = [(name, data.decode("utf-8")) for name, data in file.bibliographies]
    _article, bibliographies = parse_submitted(file.content, name=file.name,
                                               bibliographies=texts)
    assert "gino2014" in [e.key for b in bibliographies for e in b.entries]
