"""`evidence lock` and `evidence check --locked`, over the stand-in registry."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.cli.articles import BIB, NO_DOI_ENTRY
from tests.standin import free_port_url

RETRACTED = "10.1177/0956797614520714"
CORRECTED = "10.1371/journal.pone.0033693"


@pytest.fixture
def article(article: Path) -> Path:
    """The CLI tests' article, its bibliography with an entry without a DOI added."""
    with (article.parent / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write(NO_DOI_ENTRY)
    return article


def read_lock(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "evidence.lock").read_text(encoding="utf-8"))


def without_reason(finding: dict[str, Any]) -> dict[str, Any]:
    if finding["rule"] != "doi-not-found":
        return finding
    return {**finding, "message": finding["message"].split(" (")[0]}


def reasons_dropped(article: dict[str, Any]) -> dict[str, Any]:
    references = [{**r, "reason": None} if r["status"] == "not-found" else r
                  for r in article["references"]]
    return {**article, "references": references}


def no_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A dead registry and a store URL whose file does not exist: what `--locked` must not need."""
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", free_port_url())
    monkeypatch.setenv("EVIDENCE_DOI_URL", f"{free_port_url()}/doi")
    store = tmp_path / "never" / "store.db"
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{store}")
    return store


def test_lock_holds_every_cited_doi_with_its_state(evidence: Any, article: Path) -> None:
    run = evidence("lock", str(article), "--bib", "refs.bib")
    assert run.code == 0, run.err
    assert run.err.startswith("locked 3 DOIs and 1 reference without a DOI in ")
    lock = read_lock(article.parent)
    assert lock["version"] == 1
    works = lock["works"]
    assert sorted(works) == sorted([RETRACTED, CORRECTED, "10.5555/no-such-work"])
    gino = works[RETRACTED]
    assert gino["status"] == "resolved" and gino["retracted"] is True
    assert gino["title"] == "Retracted: Evil Genius? How Dishonesty Can Lead to Greater Creativity"
    assert gino["issued"] == "2014-02-18" and gino["volume"] == "25"
    assert gino["authors"][0] == {"family": "Gino", "given": "Francesca"}
    assert {u["doi"] for u in gino["updates"]} == {"10.1177/09567976231187595"}
    assert isinstance(gino["fetched"], datetime) and gino["digest"].startswith("sha256:")
    assert gino["cited-in"] == ["refs.bib"]
    plos = works[CORRECTED]
    assert plos["corrected"] is True and plos["retracted"] is False
    assert works["10.5555/no-such-work"]["status"] == "not-found"
    # the reference without a DOI is locked by its text, with what it was matched to (or not)
    (match,) = lock["match"]
    assert "unpublished note on creativity" in match["text"]
    assert match["status"] in ("matched", "no-doi")


def test_lock_is_the_same_bytes_when_nothing_changed(evidence: Any, article: Path) -> None:
    assert evidence("lock", str(article), "--bib", "refs.bib").code == 0
    first = (article.parent / "evidence.lock").read_bytes()
    assert evidence("lock", str(article), "--bib", "refs.bib").code == 0
    assert (article.parent / "evidence.lock").read_bytes() == first


def test_locked_check_matches_a_registry_check_with_no_network_and_no_store(
    evidence: Any, article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert evidence("lock", str(article), "--bib", "refs.bib").code == 0
    # the same check against the registry, on a store of its own
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    online = evidence("check", str(article), "--bib", "refs.bib", "--format", "json")
    assert online.code == 1, online.err
    store = no_registry(monkeypatch, tmp_path)
    locked = evidence("check", str(article), "--bib", "refs.bib", "--format", "json",
                      "--locked")
    assert locked.code == 1, locked.err
    assert not store.parent.exists()  # no store was created
    got, want = json.loads(locked.out), json.loads(online.out)
    # Identical, but for why a DOI does not exist: the registry's words at lock time are not
    # kept (a fresh and a stored answer word it differently), the lock says when it knew.
    assert [without_reason(f) for f in got["findings"]] == \
        [without_reason(f) for f in want["findings"]]
    (gone,) = [f for f in got["findings"] if f["rule"] == "doi-not-found"]
    assert "10.5555/no-such-work" in gone["message"] and "when the lock was written" in \
        gone["message"]
    assert [reasons_dropped(a) for a in got["articles"]] == \
        [reasons_dropped(a) for a in want["articles"]]
    rules = {f["rule"] for f in got["findings"]}
    assert {"retracted-source", "corrected-source", "doi-not-found", "doi-invalid",
            "metadata-mismatch"} <= rules
    assert "unverified-reference" not in rules


def test_locked_check_names_a_reference_the_lock_lacks(
    evidence: Any, article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert evidence("lock", str(article), "--bib", "refs.bib").code == 0
    bib = article.parent / "refs.bib"
    added = "@article{later,\n  title = {Later},\n  doi = {10.5555/standin.000004},\n}\n"
    bib.write_text(BIB + NO_DOI_ENTRY + added, encoding="utf-8")
    no_registry(monkeypatch, tmp_path)
    run = evidence("check", str(article), "--bib", "refs.bib", "--locked")
    assert run.code == 2
    assert "1 reference not in " in run.err
    assert "10.5555/standin.000004" in run.err and "refs.bib:" in run.err
    assert "evidence lock" in run.err and run.out == ""


def test_locked_check_without_a_lock_file_says_so(evidence: Any, article: Path) -> None:
    run = evidence("check", str(article), "--bib", "refs.bib", "--locked")
    assert run.code == 2 and "no lock file evidence.lock" in run.err


def test_a_damaged_lock_file_is_refused(evidence: Any, article: Path) -> None:
    (article.parent / "evidence.lock").write_text("version = 1\n[works\n", encoding="utf-8")
    run = evidence("check", str(article), "--bib", "refs.bib", "--locked")
    assert run.code == 2 and "not a valid lock file" in run.err


def test_no_lock_is_written_when_the_registry_cannot_be_asked(
    evidence: Any, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", free_port_url())
    monkeypatch.setenv("EVIDENCE_REGISTRY_WAIT", "3")
    run = evidence("lock", str(article), "--bib", "refs.bib")
    assert run.code == 2
    assert "could not lock" in run.err and RETRACTED in run.err
    assert not (article.parent / "evidence.lock").exists()


def test_offline_on_a_cold_store_no_lock_is_written_and_it_says_to_go_online(
    evidence: Any, article: Path
) -> None:
    run = evidence("lock", str(article), "--bib", "refs.bib", "--offline")
    assert run.code == 2 and "with --offline, the store holds no answer" in run.err
    assert run.err.rstrip().endswith("run `evidence lock` without --offline")
    assert not (article.parent / "evidence.lock").exists()


def test_lockfile_option_writes_and_reads_elsewhere(
    evidence: Any, article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "locks" / "refs.lock"
    target.parent.mkdir()
    assert evidence("lock", str(article), "--bib", "refs.bib", "--lockfile", str(target)).code == 0
    assert target.is_file() and not (tmp_path / "evidence.lock").exists()
    no_registry(monkeypatch, tmp_path)
    run = evidence("check", str(article), "--bib", "refs.bib", "--locked",
                   "--lockfile", str(target), "--format", "json")
    assert run.code == 1, run.err
    assert any(f["rule"] == "retracted-source" for f in json.loads(run.out)["findings"])


MATCHED_BIB = (BIB.split("@article{plos2012")[0].replace("year = {2015}", "year = {2014}")
               .replace("  doi = {10.1177/0956797614520714},\n", ""))
"""The first entry, written right and without its DOI: matched by its details."""


def test_a_reference_without_a_doi_is_locked_with_its_match(
    evidence: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(MATCHED_BIB, encoding="utf-8")
    assert evidence("lock", str(bib)).code == 0
    (match,) = read_lock(tmp_path)["match"]
    assert match["status"] == "matched" and match["doi"] == RETRACTED
    assert 0 < match["confidence"] <= 1
    assert read_lock(tmp_path)["works"][RETRACTED]["retracted"] is True
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    online = evidence("check", str(bib), "--format", "json")
    no_registry(monkeypatch, tmp_path)
    locked = evidence("check", str(bib), "--format", "json", "--locked")
    assert locked.code == online.code == 1, locked.err
    assert json.loads(locked.out)["findings"] == json.loads(online.out)["findings"]
    rules = {f["rule"] for f in json.loads(locked.out)["findings"]}
    assert "reference-without-doi" in rules


@pytest.mark.parametrize("args, says", [
    (("--locked", "--refresh"), "cannot be used with --refresh"),
    (("--lockfile", "x.lock"), "--lockfile is for --locked"),
])
def test_locked_options_that_contradict_are_refused(
    evidence: Any, article: Path, args: tuple[str, ...], says: str
) -> None:
    run = evidence("check", str(article), "--bib", "refs.bib", *args)
    assert run.code == 2 and says in run.err


def test_cited_in_is_relative_to_the_working_folder(evidence: Any, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    article = docs / "note.md"
    article.write_text(
        "# A note\n\nDishonesty was linked to creativity [1].\n\n## References\n\n"
        "1. Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity."
        " Psychol Sci. 2014;25(4):973-981. doi:10.1177/0956797614520714\n", encoding="utf-8")
    assert evidence("lock", str(article.resolve())).code == 0  # named by its absolute path
    assert read_lock(tmp_path)["works"][RETRACTED]["cited-in"] == ["docs/note.md"]
