"""`evidence lock --verify`: records changed in the stand-in between the lock and the verify.

The changed records are generated ones (Crossref's test prefix 10.5555, tests/standin): a
retraction or correction notice made up for a real DOI would be invented metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.standin import Standin, free_port_url

FIRST, SECOND, THIRD = (f"10.5555/standin.00000{n}" for n in (1, 2, 3))

BIB = f"""\
@article{{one, title = {{Generated stand-in work 1}}, doi = {{{FIRST}}}}}
@article{{two, title = {{Generated stand-in work 2}}, doi = {{{SECOND}}}}}
@article{{three, title = {{Generated stand-in work 3}}, doi = {{{THIRD}}}}}
"""


@pytest.fixture
def locked(evidence: Any, tmp_path: Path) -> Path:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    run = evidence("lock", str(bib))
    assert run.code == 0, run.err
    return bib


def notice(kind: str, doi: str) -> dict[str, Any]:
    return {"DOI": doi, "type": kind, "label": kind.title(), "source": "publisher",
            "updated": {"date-parts": [[2026, 11, 30]]}}


def test_nothing_changed_is_exit_0(evidence: Any, locked: Path) -> None:
    run = evidence("lock", "--verify")
    assert run.code == 0, run.err
    assert "nothing changed" in run.err and run.err.endswith("about its 3 DOIs\n")


def test_a_retraction_a_correction_and_a_new_title_are_found(
    evidence: Any, locked: Path, standin: Standin, crossref: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    standin.works[FIRST] = {**standin.works[FIRST], "updated-by": [
        notice("retraction", "10.5555/standin.notice.000001")]}
    standin.works[SECOND] = {**standin.works[SECOND], "updated-by": [
        notice("correction", "10.5555/standin.notice.000002")]}
    standin.works[THIRD] = {**standin.works[THIRD], "title": ["A title changed later"],
                            "issued": {"date-parts": [[1999]]}}
    run = evidence("lock", "--verify")
    assert run.code == 1, run.err
    blocks = run.out.split("\n10.5555/")
    assert len(blocks) == 3
    first, second, third = blocks
    assert first.startswith(f"{FIRST} changed") and "retracted (retraction)" in first
    assert "10.5555/standin.notice.000001" in first and "refs.bib" in first
    assert "corrected (correction)" in second and "10.5555/standin.notice.000002" in second
    assert "title changed" in third and "A title changed later" in third
    assert "year changed: '2003' -> '1999'" in third  # generated work 3: 2000 + 3 % 25
    assert "3 of 3 locked DOIs changed" in run.err
    # the lock is a lock: a locked check still answers what was locked ...
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", free_port_url())
    before = evidence("check", str(locked), "--locked", "--format", "json")
    assert not any(f["rule"] == "retracted-source" for f in json.loads(before.out)["findings"])
    # ... until it is written again with the registry's new answers
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", crossref)
    assert evidence("lock", str(locked), "--refresh").code == 0
    after = evidence("check", str(locked), "--locked", "--format", "json")
    rules = [f["rule"] for f in json.loads(after.out)["findings"]]
    assert after.code == 1 and "retracted-source" in rules and "corrected-source" in rules
    assert evidence("lock", "--verify").code == 0


def test_an_outage_is_not_nothing_changed(
    evidence: Any, locked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", free_port_url())
    monkeypatch.setenv("EVIDENCE_REGISTRY_WAIT", "3")
    run = evidence("lock", "--verify")
    assert run.code == 2
    assert "could not verify 3 of 3" in run.err and "nothing changed\"" in run.err
    assert "nothing changed:" not in run.err and run.out == ""


def test_verify_takes_no_paths(evidence: Any, locked: Path) -> None:
    run = evidence("lock", "--verify", str(locked))
    assert run.code == 2 and "give no PATH" in run.err
