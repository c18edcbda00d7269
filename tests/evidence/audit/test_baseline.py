from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from evidence.audit.baseline import fingerprint, load_baseline, new_findings, write_baseline
from evidence.audit.rules import audit
from evidence.errors import InputError
from tests.evidence.audit.samples import article, claim, ref, spine_article


def test_fingerprint_survives_a_line_shift_and_whitespace() -> None:
    before = audit(article(claims=(claim("About 80% of plans cover it.", 9),)))
    after = audit(article(claims=(claim("About 80% of plans\n  cover it.", 14),)))
    assert fingerprint(before[0]) == fingerprint(after[0])


def test_fingerprint_tells_rules_paths_and_subjects_apart() -> None:
    [base] = audit(article(claims=(claim("About 80% of plans cover it.", 9),)))
    others = [replace(base, rule="weak-support"), replace(base, path="other.md"),
              replace(base, subject="About 90% of plans cover it.")]
    assert len({fingerprint(f) for f in [base, *others]}) == 4


def test_fingerprint_uses_the_message_when_there_is_no_subject() -> None:
    [base] = audit(article(claims=(claim("About 80% of plans cover it.", 9),)))
    a = replace(base, subject="", message="one")
    assert fingerprint(a) != fingerprint(replace(a, message="two"))


def test_baseline_round_trip_fails_only_on_new_findings(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    findings = audit(spine_article())
    write_baseline(path, findings)
    assert load_baseline(path) == {fingerprint(f) for f in findings}
    shifted = [replace(f, line=f.line + 3) for f in findings]
    added = audit(article(claims=(claim("A brand new unsupported 50% claim.", 2),)))
    assert new_findings([*shifted, *added], load_baseline(path)) == added


def test_baseline_file_is_sorted_stable_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    findings = audit(spine_article())
    write_baseline(path, findings)
    first = path.read_text(encoding="utf-8")
    write_baseline(path, list(reversed(findings)))
    assert path.read_text(encoding="utf-8") == first
    data = json.loads(first)
    prints = [e["fingerprint"] for e in data["findings"]]
    assert data["version"] == 1 and prints == sorted(prints)
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("{not json", "cannot read baseline"),
        ('{"version": 7, "findings": []}', "is not an evidence baseline"),
        ('["a"]', "is not an evidence baseline"),
        ('{"version": 1, "findings": [{"rule": "x"}]}', "has no fingerprint"),
    ],
    ids=["missing", "not-json", "wrong-version", "not-an-object", "no-fingerprint"],
)
def test_bad_baselines_are_input_errors(tmp_path: Path, content: str | None,
                                        expected: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        load_baseline(path)


def test_an_unverified_reference_is_never_baselined_nor_hidden(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    unasked = audit(article(references=(ref("[1] Roe R. A study. doi:10.5555/x", 4,
                                             status="unverified", doi="10.5555/x",
                                             reason="offline"),)))
    unverified = [f for f in unasked if f.rule == "unverified-reference"]
    assert len(unverified) == 1
    written, left_out = write_baseline(path, unasked)
    assert (written, left_out) == (len(unasked) - 1, 1)
    rules = {e["rule"] for e in json.loads(path.read_text(encoding="utf-8"))["findings"]}
    assert "unverified-reference" not in rules
    assert new_findings(unasked, load_baseline(path)) == unverified
    # A baseline written before this rule held its fingerprint: it hides it no more.
    assert new_findings(unverified, {fingerprint(unverified[0])}) == unverified
