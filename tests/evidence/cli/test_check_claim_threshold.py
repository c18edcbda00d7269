"""`claim-threshold` and `claim-cue-threshold` in the check configuration reach the detector,
and every claim in the JSON report carries its score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence.checkconfig import load_config
from evidence.claims import Thresholds, default_model
from evidence.errors import InputError

ARTICLE = """\
Exercise and the back

Most private health plans in the United States pay for physical therapy.

The senator voted against the farm bill twice and cut funding for schools.

Ask your therapist how many visits you need.
"""


def needing(run: Any) -> list[tuple[int, float | None]]:
    assert run.code in (0, 1), run.err
    (article,) = json.loads(run.out)["articles"]
    return [(c["line"], c["score"]) for c in article["claims"] if c["needs_support"]]


def test_claims_carry_scores_and_the_thresholds_are_read(evidence: Any, tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    run = evidence("check", "article.txt", "--format", "json", "--offline")
    (article,) = json.loads(run.out)["articles"]
    scores = {c["line"]: c["score"] for c in article["claims"]}
    # Line 7 is an instruction: exempt before the model is asked, so it has no score.
    assert scores[7] is None and all(0 <= scores[line] <= 1 for line in (3, 5))
    # Shipped defaults: the plan sentence has a cue (prevalence); the vote has none, and is
    # the model's call, well above its threshold.
    assert [line for line, _ in needing(run)] == [3, 5]

    (tmp_path / "evidence.toml").write_text("claim-threshold = 1.0\n", encoding="utf-8")
    only_cues = needing(evidence("check", "article.txt", "--format", "json", "--offline"))
    assert [line for line, _ in only_cues] == [3]

    (tmp_path / "evidence.toml").write_text(
        "claim-threshold = 1.0\nclaim-cue-threshold = 1.0\n", encoding="utf-8")
    assert needing(evidence("check", "article.txt", "--format", "json", "--offline")) == []


def test_one_threshold_keeps_the_other_default(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text("claim-cue-threshold = 0.5\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.claim_thresholds() == Thresholds(
        cue=0.5, model=default_model().thresholds.model)
    (tmp_path / "evidence.toml").write_text("fail-on = 'error'\n", encoding="utf-8")
    assert load_config(tmp_path).claim_thresholds() is None


@pytest.mark.parametrize("value", ["1.5", "-0.1", "true", "'high'"])
def test_a_bad_threshold_names_the_key(tmp_path: Path, value: str) -> None:
    (tmp_path / "evidence.toml").write_text(f"claim-threshold = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match="claim-threshold must be a score between 0 and 1"):
        load_config(tmp_path)
