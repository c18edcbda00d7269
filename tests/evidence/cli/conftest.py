"""Running the `evidence` command in-process against a temp store and a stand-in Crossref."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evidence.cli import main
from tests.evidence.cli.articles import ARTICLE, BIB
from tests.standin import Standin, StandinConfig, run_standin


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


ARTICLE_RECORDS = Path(__file__).parents[2] / "fixtures" / "article-records"
"""Records of the examples' two works built from the article's reference list (see README)."""


@pytest.fixture
def standin() -> Standin:
    app = Standin(StandinConfig(generated=5))
    for path in ARTICLE_RECORDS.glob("*.json"):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        app.works[message["DOI"].lower()] = message
    return app


@pytest.fixture
def crossref(standin: Standin) -> Iterator[str]:
    with run_standin(standin) as base_url:
        yield base_url


@pytest.fixture
def evidence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store_url: str,
    crossref: str, tmp_path: Path,
) -> Iterator[object]:
    """Call as ``evidence("resolve", "10.x/y")``; returns exit code, stdout and stderr."""
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", store_url)
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", crossref)
    monkeypatch.setenv("EVIDENCE_DOI_URL", f"{crossref}/doi")
    monkeypatch.setenv("EVIDENCE_MAILTO", "tests@example.org")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield run


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """tests/evidence/cli/articles.py's article, with its bibliography beside it (refs.bib)."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path
