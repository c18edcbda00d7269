"""`evidence check` on references that do not hold up, against recorded registry answers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.cli.articles import ARTICLE
from tests.standin import Faults, Standin, StandinConfig, run_standin


def findings(run: Any) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for finding in json.loads(run.out)["findings"]:
        out.setdefault(finding["rule"], []).append(finding)
    return out


def test_bad_references_become_findings(evidence: Any, article: Path) -> None:
    run = evidence("check", str(article), "--bib", str(article.parent / "refs.bib"),
                   "--format", "json")
    assert run.code == 1, run.err
    found = findings(run)
    (retracted,) = found["retracted-source"]
    assert retracted["severity"] == "error" and "10.1177/09567976231187595" in retracted["message"]
    (corrected,) = found["corrected-source"]
    assert corrected["severity"] == "warning"
    mismatch = [f for f in found["metadata-mismatch"] if "2015" in f["message"]]
    assert mismatch and "2014" in mismatch[0]["message"] and "year" in mismatch[0]["message"]
    (missing,) = found["doi-not-found"]
    assert "10.5555/no-such-work" in missing["message"]
    assert missing["path"].endswith("refs.bib")
    assert found["doi-invalid"][0]["line"] == 23  # where the entry starts in refs.bib
    (unknown,) = found["unknown-citation"]
    assert unknown["line"] == 5 and "nobody2020" in unknown["message"]
    assert "unverified-reference" not in found


def test_registry_down_is_unverified_never_not_found(
    monkeypatch: pytest.MonkeyPatch, evidence: Any, article: Path
) -> None:
    down = Standin(StandinConfig(faults=Faults(status=503)))
    # One retry after a short wait: what is tested is what a check says when it gives up,
    # not the two minutes of backoff a real run allows.
    monkeypatch.setenv("EVIDENCE_REGISTRY_RETRIES", "1")
    monkeypatch.setenv("EVIDENCE_REGISTRY_BACKOFF", "0.5")
    with run_standin(down) as base_url:
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", base_url)
        run = evidence("check", str(article), "--bib", str(article.parent / "refs.bib"),
                       "--format", "json")
    found = findings(run)
    assert "doi-not-found" not in found and "retracted-source" not in found
    assert len(found["unverified-reference"]) == 3  # every valid DOI
    # Each retry is said on stderr, with its reason and address, so a wait is never silent.
    assert f"retrying {base_url}/works in " in run.err and "HTTP 503" in run.err
    assert "slow" not in run.err  # the registry answered 503: refusing, not slow
    assert found["doi-invalid"]  # syntax needs no registry


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "html", "text"])
def test_every_format_renders(evidence: Any, article: Path, fmt: str, tmp_path: Path) -> None:
    output = tmp_path / f"report.{fmt}"
    run = evidence("check", str(article), "--bib", str(article.parent / "refs.bib"),
                   "--format", fmt, "--output", str(output))
    assert run.code == 1
    text = output.read_text(encoding="utf-8")
    if fmt == "sarif":
        sarif = json.loads(text)
        results = sarif["runs"][0]["results"]
        assert sarif["version"] == "2.1.0" and results
        assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
                   for r in results)
    elif fmt == "junit":
        assert list(ET.fromstring(text).iter("failure"))  # an iterator alone is always true
    elif fmt == "github":
        assert any(line.startswith("::error file=") for line in text.splitlines())
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") or text.lower().startswith("<!doctype html>")
        assert "retracted" in text.lower()
    else:
        assert "retracted-source" in text


def test_baseline_fails_only_on_new_findings(evidence: Any, article: Path,
                                             tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    bib = str(article.parent / "refs.bib")
    assert evidence("check", str(article), "--bib", bib, "--baseline", str(baseline),
                    "--update-baseline").code == 1
    assert evidence("check", str(article), "--bib", bib, "--baseline", str(baseline)).code == 0
    article.write_text(ARTICLE + "\nIt was cited 500 times in 2020 [@ghost].\n",
                       encoding="utf-8")
    again = evidence("check", str(article), "--bib", bib, "--baseline", str(baseline),
                     "--format", "json")
    assert again.code == 1
    new = {f["rule"] for f in json.loads(again.out)["findings"]}
    assert new == {"unknown-citation", "unsupported-claim"}  # the claim cites nothing real


def test_a_baseline_written_offline_hides_no_unasked_reference(evidence: Any, article: Path,
                                                                tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    bib = str(article.parent / "refs.bib")
    offline = evidence("check", str(article), "--bib", bib, "--offline", "--baseline",
                       str(baseline), "--update-baseline")
    assert "unverified-reference findings are not in the baseline" in offline.err
    kept = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert kept and "unverified-reference" not in {e["rule"] for e in kept}
    # Still offline: the unasked references are still reported, and fail a warning build.
    again = evidence("check", str(article), "--bib", bib, "--offline", "--baseline",
                     str(baseline), "--format", "json", "--fail-on", "warning")
    assert again.code == 1
    rules = [f["rule"] for f in json.loads(again.out)["findings"]]
    assert rules.count("unverified-reference") == 3  # the bibliography's three valid DOIs
    # Online: what the registry says about them was never accepted, so it is new.
    online = evidence("check", str(article), "--bib", bib, "--baseline", str(baseline),
                      "--format", "json")
    assert online.code == 1
    seen = {f["rule"] for f in json.loads(online.out)["findings"]}
    assert {"retracted-source", "doi-not-found"} <= seen


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00\x01\x02binary\xff", "binary"), (b"", None)],
    ids=["binary", "empty"],
)
def test_bad_articles(evidence: Any, tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    run = evidence("check", str(path), "--format", "json")
    if message is None:
        assert run.code == 0 and json.loads(run.out)["articles"][0]["claims"] == []
    else:
        assert run.code == 2 and message in run.err and run.out == ""


def test_how_the_article_was_read_is_said(evidence: Any, tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Most plans pay 80% of it.\n\nIt\u2019s covered.\n".encode("cp1252"))
    as_text = evidence("check", str(path), "--offline")
    as_json = evidence("check", str(path), "--offline", "--format", "json")
    said = f"note: {path}: not valid UTF-8: decoded as cp1252 where needed (first at line 3)"
    assert said in as_text.out and said in as_json.err


def test_missing_path_is_a_usage_error(evidence: Any, tmp_path: Path) -> None:
    run = evidence("check", str(tmp_path / "nope.md"))
    assert run.code == 2 and "does not exist" in run.err


def test_inline_suppression_with_reason(evidence: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "<!-- evidence: ignore unsupported-claim: common knowledge in the field -->\n"
        "Most patients with back pain recover within six weeks.\n"
        "Most insurance plans cover 80% of the cost.\n",
        encoding="utf-8",
    )
    run = evidence("check", str(path), "--format", "json", "--offline")
    lines = [f["line"] for f in json.loads(run.out)["findings"]]
    assert lines == [3]


def test_two_thousand_references_offline(evidence: Any, tmp_path: Path) -> None:
    lines = ["# A long list", "", "Exercise therapy reduces chronic low back pain [1, 3-5].", "",
             "## References", ""]
    lines += [f"{i}. Author{i}, A. ({1950 + i % 70}). Title {i}. Journal, {i % 50}, {i}-{i + 9}."
              f" https://doi.org/10.5555/ref.{i:05d}" for i in range(1, 2001)]
    path = tmp_path / "long.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = evidence("check", str(path), "--offline", "--format", "json")
    report = json.loads(run.out)
    references = report["articles"][0]["references"]
    assert len(references) == 2000 and references[-1]["line"] == 2006
    (claim,) = report["articles"][0]["claims"]
    assert [s["doi"] for s in claim["sources"]] == [f"10.5555/ref.{i:05d}" for i in (1, 3, 4, 5)]
    assert report["summary"]["rule:uncited-reference"] == 1996
