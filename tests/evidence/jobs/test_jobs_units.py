"""The job engine's parts that need no worker: settings, digests, retry decisions, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from evidence.cli import main
from evidence.config import Settings
from evidence.errors import InputError
from evidence.jobs.engine import NEEDS_POSTGRESQL, conninfo
from evidence.jobs.run import RegistryOutage
from evidence.jobs.submit import job_digest
from evidence.jobs.tasks import OutageRetry


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
