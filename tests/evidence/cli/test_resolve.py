from __future__ import annotations

import json
from typing import Any

import pytest

from tests.standin import Standin

RETRACTED = "10.1177/0956797614520714"
CORRECTED = "10.1371/journal.pone.0033693"
MISSING = "10.5555/no-such-work"


def test_resolve_json_reports_each_doi_in_order(evidence: Any, standin: Standin) -> None:
    run = evidence("resolve", "--json", f"https://doi.org/{RETRACTED.upper()}", CORRECTED)
    assert run.code == 0, run.err
    first, second = json.loads(run.out)
    assert first["doi"] == RETRACTED and first["status"] == "resolved"
    assert first["retracted"] is True
    assert first["authors"][0]["family"] == "Gino"
    assert (first["year"], first["container_title"]) == (2014, "Psychological Science")
    assert {u["source"] for u in first["updates"]} == {"retraction-watch", "publisher"}
    assert second["retracted"] is False and second["updates"][0]["kind"] == "correction"


def test_the_store_is_the_cache(evidence: Any, standin: Standin) -> None:
    assert evidence("resolve", RETRACTED).code == 0
    asked = len(standin.log)
    again = evidence("resolve", "--json", RETRACTED)
    assert again.code == 0
    assert json.loads(again.out)[0]["cached"] is True
    assert len(standin.log) == asked, "a stored DOI was asked again"
    offline = evidence("resolve", "--offline", "--json", RETRACTED)
    assert json.loads(offline.out)[0]["title"].startswith("Retracted: Evil Genius?")
    evidence("resolve", "--refresh", RETRACTED)
    assert len(standin.log) > asked


def test_not_found_invalid_and_exit_code(evidence: Any) -> None:
    run = evidence("resolve", "--json", MISSING, "10.12/short", RETRACTED)
    assert run.code == 1
    statuses = [item["status"] for item in json.loads(run.out)]
    assert statuses == ["not-found", "invalid", "resolved"]


def test_offline_cold_store_is_unverified_not_missing(evidence: Any, standin: Standin) -> None:
    run = evidence("resolve", "--offline", "--json", CORRECTED)
    assert run.code == 1
    (item,) = json.loads(run.out)
    assert item["status"] == "unverified" and "offline" in item["reason"]
    assert "--offline" not in item["reason"]  # the flag is the CLI's hint, not the reason
    assert "without --offline" in run.err
    assert standin.log == []


def test_dois_from_standard_input(evidence: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{RETRACTED}\n\n# a comment\n{CORRECTED}\n"))
    run = evidence("resolve", "--json", "-")
    assert [item["doi"] for item in json.loads(run.out)] == [RETRACTED, CORRECTED]


@pytest.mark.parametrize("args", [(), ("-",)], ids=["nothing", "empty-stdin"])
def test_no_doi_is_a_usage_error(evidence: Any, monkeypatch: pytest.MonkeyPatch,
                                 args: tuple[str, ...]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    run = evidence("resolve", *args)
    assert run.code == 2 and "no DOI given" in run.err


def test_db_upgrade_reports_the_store(evidence: Any, store_url: str) -> None:
    run = evidence("db", "upgrade")
    assert run.code == 0 and "newest schema" in run.out and "store.db" in run.out


def test_an_imported_entry_is_not_the_registry_word(evidence: Any, standin: Standin,
                                                     tmp_path: Any) -> None:
    """A .bib's DOI is the author's claim: importing it must not make it `resolved` (a DOI
    that does not exist would then pass every check), offline or on."""
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{fake, author = {Nobody, A}, title = {A work that is not there},\n"
                   f"  journal = {{J}}, year = {{2020}}, doi = {{{MISSING}}}}}\n",
                   encoding="utf-8")
    assert evidence("import", str(bib)).code == 0
    offline = evidence("resolve", "--offline", "--json", MISSING)
    assert json.loads(offline.out)[0]["status"] == "unverified"
    assert standin.log == []
    online = evidence("resolve", "--json", MISSING)
    assert online.code == 1 and json.loads(online.out)[0]["status"] == "not-found"
    checked = evidence("check", str(bib), "--format", "json")
    rules = {f["rule"] for f in json.loads(checked.out)["findings"]}
    assert "doi-not-found" in rules, checked.out


def test_no_polite_pool_hint_when_nothing_was_sent(evidence: Any, standin: Standin,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_MAILTO")
    invalid = evidence("resolve", "notadoi")
    assert invalid.code == 1 and "invalid" in invalid.out
    assert standin.log == [] and "polite pool" not in invalid.err  # never sent, no hint
    answered = evidence("resolve", MISSING)
    assert answered.code == 1 and "polite pool" in answered.err
