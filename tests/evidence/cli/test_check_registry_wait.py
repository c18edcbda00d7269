"""`registry-wait` in the check configuration bounds the wait for a hung registry (issue 16).

A registry that accepts connections and never answers: without a bound, one check waited
7 tries of 20 s. The file's key applies unless ``EVIDENCE_REGISTRY_WAIT`` says otherwise.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_outbound_registry import ARTICLE, silent_registry


def _check_against_silent_registry(evidence: Any, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> tuple[float, list[str]]:
    """Seconds ``evidence check`` took; the references' statuses."""
    (tmp_path / "meadows.txt").write_text(ARTICLE, encoding="utf-8")
    with silent_registry() as base_url:
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", base_url)
        monkeypatch.setenv("EVIDENCE_DOI_URL", f"{base_url}/doi")
        started = time.monotonic()
        run = evidence("check", "meadows.txt", "--format", "json")
        elapsed = time.monotonic() - started
    assert run.code in (0, 1), run.err
    (article,) = json.loads(run.out)["articles"]
    return elapsed, [r["status"] for r in article["references"]]


def test_the_files_registry_wait_bounds_the_check(evidence: Any, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.delenv("EVIDENCE_REGISTRY_WAIT", raising=False)
    (tmp_path / "evidence.toml").write_text("registry-wait = 1\n", encoding="utf-8")
    elapsed, statuses = _check_against_silent_registry(evidence, monkeypatch, tmp_path)
    assert statuses == ["unverified", "unverified"]
    # One second of wait, not the default 60 (nor 7 tries of 20 s); generous for a loaded
    # machine.
    assert 0.9 <= elapsed < 20


def test_the_environment_wins_over_the_file(evidence: Any, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("EVIDENCE_REGISTRY_WAIT", "4")
    (tmp_path / "evidence.toml").write_text("registry-wait = 1\n", encoding="utf-8")
    elapsed, statuses = _check_against_silent_registry(evidence, monkeypatch, tmp_path)
    assert statuses == ["unverified", "unverified"]
    assert 3.9 <= elapsed < 30
