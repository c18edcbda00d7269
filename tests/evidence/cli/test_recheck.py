"""`evidence recheck` over the stand-in registry: records change between two runs.

The works that change are generated ones (Crossref's test prefix 10.5555, marked generated),
and so are their notices; the real notices recorded in tests/fixtures (PLOS ONE, 2021) are
served in the same lists, about works the store does not hold.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from evidence.store.engine import make_engine, session_factory
from evidence.store.models import RecheckCursor, SourceAlert, SourceEvent
from tests.standin import (
    Faults,
    Standin,
    StandinConfig,
    generated_doi,
    generated_notice,
    updated_message,
)

CITED = generated_doi(1)
OTHER = generated_doi(2)
UNCITED = generated_doi(3)

ARTICLE = f"""\
# Stand-in findings

Generated works were found to improve outcomes in 40% of cases [1].
Later work found the same effect in most settings [2].

## References

1. Author 1 G. Generated stand-in work 1 (load data, not a real work). Generated Journal of
   Stand-in Load. 2001. doi:{CITED}
2. Author 2 G. Generated stand-in work 2 (load data, not a real work). Generated Journal of
   Stand-in Load. 2002. doi:{OTHER}
"""


@pytest.fixture
def standin() -> Standin:
    return Standin(StandinConfig(generated=80))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "findings.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def checked(evidence: Any, article: Path, *more: str) -> None:
    """The article checked and stored, and ``more`` DOIs resolved into the store."""
    run = evidence("check", str(article), "--format", "json")
    assert run.code in (0, 1), run.err
    assert all(f["rule"] not in ("retracted-source", "corrected-source")
               for f in json.loads(run.out)["findings"])
    if more:
        assert evidence("resolve", *more).code == 0


def announce(standin: Standin, index: int, target: str, kind: str) -> str:
    """The registry registers a notice of ``kind`` about ``target`` now, and shows it on the
    target's record: what happens between two runs."""
    notice = generated_notice(index, target, kind, indexed=datetime.now(UTC))
    standin.add_notice(notice)
    standin.works[target] = updated_message(standin.works[target], notice)
    return str(notice["DOI"])


def events(store_url: str) -> list[SourceEvent]:
    engine = make_engine(store_url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(SourceEvent).order_by(SourceEvent.id)))
    finally:
        engine.dispose()


def count(store_url: str, model: type[Any]) -> int:
    engine = make_engine(store_url)
    try:
        with session_factory(engine)() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_a_cited_work_retracted_after_the_check_is_reported_then_found_by_check(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    checked(evidence, article)
    notice = announce(standin, 1, CITED, "retraction")
    run = evidence("recheck")
    assert run.code == 1, run.err
    assert f"retracted: doi:{CITED}" in run.out
    assert f"notice doi:{notice} (retraction, publisher," in run.out
    assert f"cited by: {article} (version 1)" in run.out
    assert "; 1 new change to stored works; 1 cited work newly retracted or corrected" in run.err
    (event,) = events(store_url)
    assert (event.doi, event.kind, event.notice_doi) == (CITED, "retraction", notice)
    assert event.seen_at <= datetime.now(UTC) and event.notice_date is not None
    assert count(store_url, SourceAlert) == 1
    # the stored work's state moved with the event: the next check says so, from the store
    later = evidence("check", str(article), "--format", "json", "--offline")
    findings = json.loads(later.out)["findings"]
    assert later.code == 1
    assert [f for f in findings if f["rule"] == "retracted-source"]
    # seen once: a second recheck finds nothing new and stores nothing twice
    again = evidence("recheck")
    assert again.code == 0, again.err
    assert again.out == "" and "0 new changes to stored works; 0 cited works" in again.err
    assert len(events(store_url)) == 1


def test_a_correction_is_reported_and_becomes_corrected_source(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    checked(evidence, article)
    announce(standin, 2, OTHER, "correction")
    run = evidence("recheck", "--json")
    assert run.code == 1, run.err
    assert json.loads(run.out)["complete"] is True
    (change,) = json.loads(run.out)["changes"]
    assert change["doi"] == OTHER and change["kind"] == "correction" and change["alerting"]
    assert change["cited_by"] == [{"id": 1, "name": str(article), "version": 1,
                                   "current": True}]
    later = evidence("check", str(article), "--format", "json", "--offline")
    assert any(f["rule"] == "corrected-source" for f in json.loads(later.out)["findings"])


def test_a_change_to_an_uncited_work_is_stored_but_exits_0(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    checked(evidence, article, UNCITED)
    announce(standin, 3, UNCITED, "retraction")
    run = evidence("recheck")
    assert run.code == 0, run.err
    assert f"retracted: doi:{UNCITED}" in run.out and "cited by no stored article" in run.out
    assert [e.doi for e in events(store_url)] == [UNCITED]
    assert count(store_url, SourceAlert) == 0


def test_nothing_changed_exits_0(evidence: Any, article: Path, store_url: str) -> None:
    checked(evidence, article)
    run = evidence("recheck")
    assert run.code == 0, run.err
    assert run.out == "" and "0 new changes" in run.err and "(s)" not in run.err
    assert events(store_url) == []


def test_an_outage_is_not_nothing_changed_and_stores_nothing(
    evidence: Any, article: Path, standin: Standin, store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked(evidence, article)
    announce(standin, 1, CITED, "retraction")
    monkeypatch.setenv("EVIDENCE_REGISTRY_WAIT", "2")
    standin.config = StandinConfig(generated=80, faults=Faults(status=503))
    run = evidence("recheck")
    assert run.code == 3
    assert "could not recheck" in run.err and "not \"nothing changed\"" in run.err
    assert run.out == ""
    as_json = evidence("recheck", "--json")
    assert as_json.code == 3
    answer = json.loads(as_json.out)
    assert answer["complete"] is False and "changes" not in answer and answer["error"]
    assert events(store_url) == [] and count(store_url, RecheckCursor) == 0
    # the registry is back: the change is found then
    standin.config = StandinConfig(generated=80)
    assert evidence("recheck").code == 1


def test_a_large_store_walks_the_notices_and_saves_its_position(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    # 2 cited + 58 more: re-fetching would take 2 list requests, the walk takes 1
    checked(evidence, article, *[generated_doi(i) for i in range(3, 61)])
    notice = announce(standin, 1, CITED, "expression_of_concern")
    standin.reset()
    run = evidence("recheck", "--json")
    assert run.code == 1, run.err
    result = json.loads(run.out)
    assert result["strategy"] == "notices" and result["stored"] == 60
    assert result["notices"] == 1  # only the notice indexed since the works were fetched
    (change,) = result["changes"]
    assert (change["kind"], change["notice_doi"]) == ("expression-of-concern", notice)
    walks = [r for r in standin.log if "is-update" in r.query]
    assert len(walks) == 1 and "from-index-date%3A" in walks[0].query
    assert "cursor=%2A" in walks[0].query
    assert result["position"] == datetime.now(UTC).date().isoformat()
    # the recorded PLOS notices (2019-2021) are served when a walk reaches back that far
    standin.reset()
    back = evidence("recheck", "--json", "--since", "2021-01-01")
    assert back.code == 0, back.err
    assert json.loads(back.out)["notices"] >= 6
    assert json.loads(back.out)["position"] == result["position"]  # no gap: saved


def test_a_walk_from_after_the_saved_position_keeps_it(
    evidence: Any, article: Path, store_url: str
) -> None:
    checked(evidence, article, *[generated_doi(i) for i in range(3, 61)])
    engine = make_engine(store_url)
    with session_factory(engine)() as session, session.begin():
        session.add(RecheckCursor(name="notices", from_index_date=date(2026, 1, 1),
                                  walked_at=datetime(2026, 1, 1, tzinfo=UTC), requests=1))
    today = datetime.now(UTC).date().isoformat()
    run = evidence("recheck", "--json", "--since", today)
    assert run.code == 0, run.err
    assert json.loads(run.out)["position"] is None and "position was kept" in run.err
    with session_factory(engine)() as session:
        cursor = session.get(RecheckCursor, "notices")
        assert cursor is not None and cursor.from_index_date == date(2026, 1, 1)
    engine.dispose()
    # without --since, the walk starts from the saved day, and moves it on
    again = evidence("recheck", "--json")
    assert json.loads(again.out)["since"] == "2026-01-01"
    assert json.loads(again.out)["position"] == today


def test_a_changed_title_is_a_metadata_change(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    checked(evidence, article)
    standin.works[OTHER] = {**standin.works[OTHER],
                            "title": ["Generated stand-in work 2, retitled (not a real work)"]}
    run = evidence("recheck")
    assert run.code == 0, run.err
    assert f"record changed: doi:{OTHER}" in run.out and "title changed" in run.out
    (event,) = events(store_url)
    assert event.kind == "metadata-change" and event.via == "works"


@pytest.mark.parametrize("since, says", [
    ("yesterday", "Invalid value for '--since'"),
    ("2999-01-01", "is in the future"),
], ids=["not-a-date", "future"])
def test_bad_usage_exits_2(evidence: Any, since: str, says: str) -> None:
    run = evidence("recheck", "--since", since)
    assert run.code == 2 and says in run.err


def test_an_empty_store_asks_nothing(evidence: Any, standin: Standin) -> None:
    run = evidence("recheck")
    assert run.code == 0 and "holds no work with a DOI" in run.err
    assert not standin.log


def test_a_job_calls_the_core_function_and_gets_the_cli_json(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    from evidence.config import Settings
    from evidence.recheck import recheck_store, result_json

    checked(evidence, article)
    announce(standin, 1, CITED, "withdrawal")
    result = recheck_store(Settings.from_env())  # the fixture's environment: store, stand-in
    assert [(c.change.doi, c.change.kind.value) for c in result.alerting] == [
        (CITED, "withdrawal")]
    shown = result_json(result)
    assert shown["changes"][0]["kind"] == "withdrawal" and shown["strategy"] == "works"
    assert evidence("recheck").code == 0  # already seen: nothing new


def test_an_outage_after_the_walk_stores_nothing_and_keeps_the_position(
    evidence: Any, article: Path, standin: Standin, store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked(evidence, article, *[generated_doi(i) for i in range(3, 61)])
    announce(standin, 1, CITED, "retraction")
    monkeypatch.setenv("EVIDENCE_REGISTRY_WAIT", "2")
    # the walk's page is answered; every request after it (re-reading the work) fails
    standin.config = StandinConfig(generated=80, faults=Faults(first=("ok",) + ("500",) * 50))
    standin._scripted = 0
    run = evidence("recheck")
    assert run.code == 3 and "could not recheck" in run.err and run.out == ""
    assert events(store_url) == [] and count(store_url, RecheckCursor) == 0
    later = evidence("check", str(article), "--format", "json", "--offline")
    assert not any(f["rule"] == "retracted-source" for f in json.loads(later.out)["findings"])
    standin.config = StandinConfig(generated=80)
    assert evidence("recheck").code == 1
    assert count(store_url, RecheckCursor) == 1


def test_a_large_store_gets_the_wait_its_batches_need() -> None:
    from evidence.config import Settings
    from evidence.recheck import client_settings

    settings = Settings(database_url="sqlite://", registry_wait=60.0)
    assert client_settings(settings, 100).wait == 60.0  # a small store: the usual wait
    assert client_settings(settings, 100_000).wait == 2000.0  # 2,000 batches, 1 s each


def test_two_rechecks_at_once_store_each_change_once(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from evidence.config import Settings
    from evidence.recheck import recheck_store

    checked(evidence, article)
    announce(standin, 1, CITED, "retraction")
    settings = Settings.from_env()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: recheck_store(settings), range(2)))
    assert sorted(len(r.changes) for r in results) == [0, 1]  # one stored it, one saw it
    assert len(events(store_url)) == 1 and count(store_url, SourceAlert) == 1


def test_refetch_reads_every_work_and_sees_what_no_notice_says(
    evidence: Any, article: Path, standin: Standin, store_url: str
) -> None:
    checked(evidence, article, *[generated_doi(i) for i in range(3, 61)])
    standin.works[OTHER] = {**standin.works[OTHER],
                            "title": ["Generated stand-in work 2, retitled (not a real work)"]}
    walked = evidence("recheck", "--json")
    assert json.loads(walked.out)["strategy"] == "notices"
    assert json.loads(walked.out)["changes"] == []  # no notice said so
    standin.reset()
    run = evidence("recheck", "--json", "--refetch")
    assert run.code == 0, run.err
    result = json.loads(run.out)
    answered = [r for r in standin.log if r.kind == "list" and r.status == 200]
    assert result["strategy"] == "works" and len(answered) == 2  # 60 works, 2 batches
    assert all("doi%3A" in r.query for r in answered)
    assert [(c["doi"], c["kind"]) for c in result["changes"]] == [(OTHER, "metadata-change")]
    assert evidence("recheck", "--refetch", "--since", "2026-01-01").code == 2
