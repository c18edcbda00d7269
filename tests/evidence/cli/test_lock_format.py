"""The lock file's format: every recorded work reads back as the same Work; bad files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.errors import InputError
from evidence.lock import Lock, LockedWork, dumps_lock, loads_lock, record_digest
from refs import work_from_crossref
from refs.match.score import registry_years

WORKS = sorted((Path(__file__).parents[2] / "fixtures" / "crossref" / "works").glob("*.json"))


@pytest.mark.parametrize("path", WORKS, ids=lambda p: p.stem)
def test_a_locked_work_reads_back_the_same(path: Path) -> None:
    message = json.loads(path.read_text(encoding="utf-8"))["message"]
    work = work_from_crossref(message)
    assert work.doi is not None
    text = dumps_lock(Lock(works={work.doi: LockedWork(work.doi, "resolved", work=work)},
                           matches={}))
    back = loads_lock(text).works[work.doi].work
    assert back == work  # every field but the raw record
    assert back is not None and registry_years(back) == registry_years(work)


def test_the_digest_ignores_reindexing_but_not_a_new_notice() -> None:
    path = next(p for p in WORKS if p.name == "10.1177__0956797614520714.json")
    message = json.loads(path.read_text(encoding="utf-8"))["message"]
    reindexed = {**message, "indexed": {"date-parts": [[2030, 1, 1]]}}
    assert record_digest(reindexed) == record_digest(message)
    assert record_digest({**message, "updated-by": []}) != record_digest(message)


@pytest.mark.parametrize("text, says", [
    ("version = 2\n", "version 2"),
    ("version = 1\n[works.\"10.5555/x\"]\nstatus = \"maybe\"\n", "not a valid lock file"),
    ("version = 1\n[[match]]\ndoi = \"10.5555/x\"\n", "not a valid lock file"),
    ("not toml at all [", "not a valid lock file"),
])
def test_a_bad_lock_file_is_refused_with_its_name(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as caught:
        loads_lock(text, path="ci/evidence.lock")
    assert "ci/evidence.lock" in str(caught.value)
