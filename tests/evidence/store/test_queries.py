from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from evidence.store import queries
from evidence.store.models import Lookup, WorkAuthor, WorkRecord, WorkUpdate
from evidence.store.queries import (
    count_works,
    get_work,
    get_works,
    iter_works,
    known_not_found,
    record_not_found,
    upsert_work,
    upsert_works,
)
from refs.work import Person, Work
from tests.evidence.store.works import generated_work, recorded_works


def _rows(session: Session, model: type[WorkAuthor] | type[WorkUpdate]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_recorded_works_round_trip_losslessly(session: Session) -> None:
    works = recorded_works()
    with session.begin():
        assert upsert_works(session, works, origin="crossref") == len(works) == 114
    with session.begin():
        stored = get_works(session, [w.doi or "" for w in works])
    differing = [w.doi for w in works if stored.get(w.doi or "") != w]
    raw_differing = [w.doi for w in works if stored[w.doi or ""].raw != w.raw]
    assert differing == []
    assert raw_differing == []


def test_recorded_works_one_by_one_keep_updates_and_orcids(session: Session) -> None:
    works = [w for w in recorded_works() if w.updates or w.notice_of][:2]
    works += [w for w in recorded_works() if any(a.orcid for a in w.authors)][:2]
    with session.begin():
        ids = [upsert_work(session, w, origin="crossref") for w in works]
    assert len(set(ids)) == len(works)
    with session.begin():
        assert [get_work(session, w.doi or "") for w in works] == works


def test_upsert_twice_keeps_one_row_and_its_id(session: Session) -> None:
    work = generated_work(1)
    with session.begin():
        first = upsert_work(session, work, origin="crossref")
        second = upsert_work(session, work, origin="crossref")
    with session.begin():
        assert first == second
        assert count_works(session) == 1
        assert _rows(session, WorkAuthor) == 2
        assert _rows(session, WorkUpdate) == 1


def test_upsert_replaces_authors_and_updates(session: Session) -> None:
    work = generated_work(2)
    changed = dataclasses.replace(work, authors=(Person(family="Only"),), updates=(), title="New")
    with session.begin():
        upsert_work(session, work, origin="crossref")
        upsert_work(session, changed, origin="crossref")
    with session.begin():
        assert get_work(session, "10.5555/generated.2") == changed
        assert _rows(session, WorkAuthor) == 1
        assert _rows(session, WorkUpdate) == 0


def test_doi_is_case_insensitive(session: Session) -> None:
    lower = generated_work(3)
    upper = dataclasses.replace(lower, doi="10.5555/GENERATED.3", title="Same DOI, upper case")
    with session.begin():
        upsert_work(session, lower, origin="crossref")
        upsert_work(session, upper, origin="crossref")
    with session.begin():
        assert count_works(session) == 1
        stored = get_work(session, "https://doi.org/10.5555/Generated.3")
        assert stored is not None
        assert stored.doi == "10.5555/generated.3"
        assert stored.title == "Same DOI, upper case"
        assert set(get_works(session, ["DOI:10.5555/GENERATED.3"])) == {"10.5555/generated.3"}


def test_doi_less_work_is_found_again_by_fingerprint(session: Session) -> None:
    work = generated_work(4, doi=False, title="A Study of Things")
    respelled = dataclasses.replace(work, title="a study of things.", pages="1-2")
    other = generated_work(5, doi=False, title="Another study")
    with session.begin():
        first = upsert_work(session, work, origin="bibtex", citation_key="study2004")
        again = upsert_works(session, [("study2004", respelled), ("other", other)], origin="bibtex")
    assert again == 2
    with session.begin():
        assert count_works(session) == 2
        stored = dict(iter_works(session))
        assert stored["study2004"] == respelled
        record = session.get(WorkRecord, first)
        assert record is not None and record.doi is None and record.fingerprint


def test_same_work_twice_in_one_batch_is_written_once(session: Session) -> None:
    work = generated_work(6)
    later = dataclasses.replace(work, title="The later one wins")
    with session.begin():
        assert upsert_works(session, [work, later], origin="crossref") == 1
    with session.begin():
        assert get_work(session, work.doi or "") == later


def test_file_import_keeps_registry_metadata_but_takes_the_key(session: Session) -> None:
    registry = generated_work(7)
    from_file = dataclasses.replace(registry, title="Title as typed in the .bib", authors=())
    with session.begin():
        upsert_work(session, registry, origin="crossref", source_url="https://api.crossref.org")
        upsert_work(session, from_file, origin="bibtex", citation_key="gen7")
    with session.begin():
        assert list(iter_works(session)) == [("gen7", registry)]
        record = session.scalars(select(WorkRecord)).one()
        assert (record.origin, record.source_url) == ("crossref", "https://api.crossref.org")


def test_registry_overwrites_an_import_and_keeps_its_key(session: Session) -> None:
    from_file = dataclasses.replace(generated_work(8), title="As typed")
    registry = generated_work(8)
    with session.begin():
        upsert_work(session, from_file, origin="bibtex", citation_key="gen8")
        upsert_work(session, registry, origin="crossref")
    with session.begin():
        assert list(iter_works(session)) == [("gen8", registry)]


def test_iter_works_in_first_stored_order(session: Session) -> None:
    works = [generated_work(n) for n in (30, 10, 20)]
    with session.begin():
        for work in works:
            upsert_work(session, work, origin="crossref", citation_key=f"k{work.doi}")
        upsert_work(session, works[1], origin="crossref")  # an update does not move it
    with session.begin():
        assert list(iter_works(session)) == [(f"k{w.doi}", w) for w in works]


def test_a_batch_is_stored_in_doi_order(session: Session) -> None:
    """Sorted so that concurrent writers lock rows in one order (no deadlock)."""
    works = [generated_work(n) for n in (3, 1, 2)]
    with session.begin():
        upsert_works(session, works, origin="crossref")
    with session.begin():
        assert [w for _, w in iter_works(session)] == sorted(works, key=lambda w: w.doi or "")


def test_batches_larger_than_a_chunk(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "CHUNK", 7)
    works = [generated_work(n) for n in range(30)]
    works += [generated_work(n, doi=False, title=f"No DOI {n}") for n in range(30, 45)]
    with session.begin():
        assert upsert_works(session, works, origin="crossref") == 45
    with session.begin():
        assert count_works(session) == 45
        assert len(get_works(session, [f"10.5555/GENERATED.{n}" for n in range(30)])) == 30
        stored = [w for _, w in iter_works(session)]
        assert sorted(stored, key=repr) == sorted(works, key=repr)


def test_fetched_at_defaults_to_now_and_is_aware(session: Session) -> None:
    before = datetime.now(UTC)
    given = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    with session.begin():
        first = upsert_work(session, generated_work(11), origin="crossref")
        second = upsert_work(session, generated_work(12), origin="crossref", fetched_at=given)
    with session.begin():
        one, two = session.get(WorkRecord, first), session.get(WorkRecord, second)
        assert one is not None and two is not None
        assert one.fetched_at is not None and one.fetched_at >= before - timedelta(seconds=1)
        assert two.fetched_at == given


def test_not_found_answers_are_remembered(session: Session) -> None:
    with session.begin():
        record_not_found(session, "10.5555/NOPE", source_url="https://api.crossref.org")
        record_not_found(session, "10.5555/nope", source_url="https://mirror.example")
        record_not_found(session, "10.5555/gone", source_url=None)
    with session.begin():
        asked = ["https://doi.org/10.5555/Nope", "10.5555/gone", "10.5555/never-asked"]
        assert known_not_found(session, asked) == {"10.5555/nope", "10.5555/gone"}
        lookup = session.get(Lookup, "10.5555/nope")
        assert lookup is not None and lookup.source_url == "https://mirror.example"
        later = datetime.now(UTC) + timedelta(minutes=1)
        assert known_not_found(session, asked, since=later) == set()


def test_a_registry_answer_forgets_not_found_but_an_import_does_not(session: Session) -> None:
    with session.begin():
        record_not_found(session, "10.5555/generated.13", source_url=None)
        record_not_found(session, "10.5555/generated.14", source_url=None)
        upsert_work(session, generated_work(13), origin="bibtex")
        upsert_work(session, generated_work(14), origin="crossref")
    with session.begin():
        dois = ["10.5555/generated.13", "10.5555/generated.14"]
        assert known_not_found(session, dois) == {"10.5555/generated.13"}


def test_missing_and_invalid_dois_are_absent(session: Session) -> None:
    with session.begin():
        upsert_work(session, generated_work(15), origin="crossref")
    with session.begin():
        assert get_work(session, "10.5555/absent") is None
        assert get_work(session, "not a doi") is None
        assert get_works(session, []) == {}


def test_concurrent_writers_of_one_doi(sessions: sessionmaker[Session]) -> None:
    """Two sessions (two connections) upsert the same DOI at once: one row, no error."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    versions = [dataclasses.replace(generated_work(16), title=f"Writer {i}") for i in range(2)]

    def write(work: Work) -> None:
        try:
            with sessions() as session, session.begin():
                barrier.wait(timeout=10)
                for _ in range(20):
                    upsert_works(session, [work, generated_work(17)], origin="crossref")
        except BaseException as exc:  # handed to the main thread, which fails the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with sessions() as session, session.begin():
        assert count_works(session) == 2
        assert _rows(session, WorkAuthor) == 4
        stored = get_work(session, "10.5555/generated.16")
        assert stored in versions
