"""``evidence match`` against the stand-in Crossref: matched, below the threshold, registry down."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.standin import Faults, Standin, StandinConfig, run_standin

GINO = "10.1177/0956797614520714"
WRITTEN = (
    "Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity. "
    "Psychol Sci. 2014;25(4):973-81."
)
"""How a reference list writes the recorded work (tests/fixtures/crossref/works/)."""
OTHER = (
    "Moreau P, Lindqvist K. Evil genius in the office: creativity among managers. "
    "Journal of Imaginary Workplace Studies. 1987;3(2):11-19."
)
"""Shares the title's words with the recorded work and nothing else: it must stay unmatched."""


def test_a_written_reference_is_matched_with_its_confidence(
    evidence: Any, standin: Standin
) -> None:
    run = evidence("match", "--json", WRITTEN)
    assert run.code == 0, run.err
    found = json.loads(run.out)
    assert found["status"] == "matched" and found["doi"] == GINO and found["year"] == 2014
    assert 0.5 < found["confidence"] <= 1.0
    assert "Evil Genius?" in found["title"]
    assert [r.kind for r in standin.log] == ["search"]
    text = evidence("match", WRITTEN)
    assert text.code == 0 and text.out.startswith(f"{GINO}\tconfidence ")


def test_a_reference_below_the_threshold_stays_unmatched(evidence: Any) -> None:
    run = evidence("match", "--json", OTHER)
    assert run.code == 1, run.err
    found = json.loads(run.out)
    assert found["status"] == "unmatched" and found["doi"] is None and found["title"] is None
    assert found["confidence"] < 0.5
    text = evidence("match", OTHER)
    assert text.code == 1 and text.out.startswith("no match (best confidence ")


@pytest.mark.parametrize("status", [429, 500, 503], ids=["rate-limited", "error", "unavailable"])
def test_registry_silence_is_unverified_never_not_found(
    monkeypatch: pytest.MonkeyPatch, evidence: Any, status: int
) -> None:
    # No long backoff: what is tested is what the command says when it gives up.
    monkeypatch.setenv("EVIDENCE_REGISTRY_RETRIES", "1")
    monkeypatch.setenv("EVIDENCE_REGISTRY_BACKOFF", "0.2")
    down = Standin(StandinConfig(faults=Faults(status=status)))
    with run_standin(down) as base_url:
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", base_url)
        as_json = evidence("match", "--json", WRITTEN)
        as_text = evidence("match", WRITTEN)
    assert len(down.log) >= 2 and {r.status for r in down.log} == {status}  # both runs asked
    assert (as_json.code, as_text.code) == (1, 1)
    found = json.loads(as_json.out)
    assert found["status"] == "unverified" and found["doi"] is None
    assert str(status) in found["reason"]
    assert as_text.out.startswith("unverified: could not ask the registry: ")
    assert as_text.out.count("could not ask the registry") == 1  # said once, not twice
    for said in (as_json.out.lower(), as_text.out.lower()):
        assert "not found" not in said and "no match" not in said


def test_an_empty_reference_is_a_usage_error(evidence: Any, standin: Standin) -> None:
    run = evidence("match", "  ")
    assert run.code == 2 and "empty" in run.err
    assert standin.log == []


def test_fields_the_reference_does_not_give_are_not_said_to_differ(evidence: Any) -> None:
    # The reference of WRITTEN with its volume, issue and pages left out.
    bare = ("Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater "
            "creativity. Psychol Sci. 2014.")
    run = evidence("match", "--json", bare)
    reasons = json.loads(run.out)["reasons"]
    assert not [r for r in reasons if "differs" in r], reasons
    assert "volume 25 not given in the reference" in reasons
    assert "first page 973 not given in the reference" in reasons
    wrong = evidence("match", "--json", WRITTEN.replace("25(4)", "26(4)"))
    assert "volume 25 differs" in json.loads(wrong.out)["reasons"]  # a real difference is


def test_a_match_is_kept_and_given_again_without_asking(evidence: Any,
                                                        standin: Standin) -> None:
    cold = evidence("match", "--offline", "--json", WRITTEN)
    assert cold.code == 1 and standin.log == []
    said = json.loads(cold.out)
    assert said["status"] == "unverified" and said["doi"] is None  # never "unmatched"
    assert "without --offline" in evidence("match", "--offline", WRITTEN).out

    first = json.loads(evidence("match", "--json", WRITTEN).out)
    unmatched = json.loads(evidence("match", "--json", OTHER).out)
    asked = len(standin.log)
    assert asked == 2
    again = json.loads(evidence("match", "--json", WRITTEN).out)
    offline = json.loads(evidence("match", "--offline", "--json", WRITTEN).out)
    none_again = evidence("match", "--offline", "--json", OTHER)
    assert len(standin.log) == asked  # the store answered, "no match" included
    for kept in (again, offline):
        assert (kept["status"], kept["doi"], kept["confidence"], kept["title"]) \
            == ("matched", GINO, first["confidence"], first["title"])
    assert none_again.code == 1 and json.loads(none_again.out)["status"] == "unmatched"
    assert json.loads(none_again.out)["confidence"] == unmatched["confidence"]
    evidence("match", "--refresh", "--json", WRITTEN)
    assert len(standin.log) == asked + 1
