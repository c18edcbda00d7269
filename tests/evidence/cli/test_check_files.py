"""What a folder check reads, files it cannot read, empty articles, where the store is,
options after the command, the polite-pool hint and `-o` files (issue 15)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from evidence.cli import main

EXAMPLES = Path(__file__).parents[3] / "examples"
ARTICLE = "# Back pain\n\nExercise reduces back pain in most adults.\n"
BIB = "@article{jones2019,\n  title = {Neck pain},\n  author = {Jones, Ann},\n  year = {2019}\n}\n"


def _articles(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return sorted(row[0] for row in connection.execute("SELECT name FROM article"))


def _folder(root: Path) -> Path:
    folder = root / "docs"
    (folder / ".hidden").mkdir(parents=True)
    (folder / "README.md").write_text("| file | what |\n| --- | --- |\n| a [1] | b [2] |\n",
                                      encoding="utf-8")
    (folder / "article.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "library.bib").write_text(BIB, encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / ".hidden" / "draft.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    return folder


def test_a_folder_check_reads_articles_and_bib_but_no_readme(evidence: Any,
                                                             tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    run = evidence("check", "--offline", "--fail-on", "never", "--format", "json", str(folder))
    assert run.code == 0, run.err
    paths = [a["path"] for a in json.loads(run.out)["articles"]]
    assert paths == [str(folder / "article.md"), str(folder / "library.bib")]
    # The binary file is named, skipped, and the rest is checked and stored.
    photo = folder / "photo.txt"
    assert f"note: skipped {photo}: this looks like a binary file" in run.err
    assert run.err.count(str(photo)) == 1  # named once, not "skipped X: X: ..."
    assert _articles(tmp_path / "store.db") == paths


def test_a_bib_named_in_front_matter_is_audited_once(evidence: Any) -> None:
    run = evidence("check", "--offline", "--fail-on", "never", "--format", "json", str(EXAMPLES))
    report = json.loads(run.out)
    paths = [Path(a["path"]).name for a in report["articles"]]
    assert paths == ["spine-pain.html", "spine-pain.md", "spine-pain.txt"]
    bib_findings = [f for f in report["findings"] if f["path"].endswith("spine-pain.bib")]
    assert [f["line"] for f in bib_findings] == [4, 16]  # the two entries' lines, once each
    assert not [f for f in report["findings"] if f["rule"] == "unknown-citation"]


def test_a_binary_file_named_outright_creates_no_store(evidence: Any, tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02binary" * 50)
    run = evidence("check", "--offline", "--fail-on", "never", str(binary))
    assert run.code == 2
    assert str(binary) in run.err
    assert not (tmp_path / "store.db").exists()


def test_an_empty_article_is_said_to_be_empty_and_not_stored(evidence: Any,
                                                             tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("\n  \n", encoding="utf-8")
    run = evidence("check", "--offline", "--fail-on", "never", "--format", "json", str(empty))
    assert run.code == 0
    assert f"{empty}: the article is empty" in run.err
    (article,) = json.loads(run.out)["articles"]
    assert article["claims"] == [] and article["references"] == []
    assert _articles(tmp_path / "store.db") == []


def test_the_default_store_is_at_the_repository_root(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    sub = tmp_path / "repo" / "docs"
    sub.mkdir()
    (sub / "a.md").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.delenv("EVIDENCE_DATABASE_URL", raising=False)
    monkeypatch.chdir(sub)
    assert main(["check", "--offline", "--fail-on", "never", "--fail-on", "never", "a.md"]) == 0
    assert (tmp_path / "repo" / ".evidence" / "evidence.db").is_file()
    assert not (sub / ".evidence").exists()


def test_the_default_store_is_beside_the_configuration_file(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = tmp_path / "site"
    (project / "content" / "posts").mkdir(parents=True)
    (project / "evidence.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    (project / "content" / "posts" / "a.md").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.delenv("EVIDENCE_DATABASE_URL", raising=False)
    monkeypatch.chdir(project / "content" / "posts")
    assert main(["check", "--offline", "--fail-on", "never", "--fail-on", "never", "a.md"]) == 0
    assert (project / ".evidence" / "evidence.db").is_file()
    assert not (tmp_path / ".evidence").exists()


def test_database_after_the_command(evidence: Any, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(ARTICLE, encoding="utf-8")
    other = tmp_path / "other.db"
    run = evidence("check", "--offline", "--fail-on", "never", "--database",
                   f"sqlite:///{other}", str(article))
    assert run.code == 0, run.err
    assert _articles(other) == [str(article)]
    assert not (tmp_path / "store.db").exists()  # the environment's store was not used


def test_mailto_after_the_command_silences_the_hint(evidence: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVIDENCE_MAILTO")
    run = evidence("resolve", "10.1002/14651858.CD009790.pub2", "--mailto", "me@example.org")
    assert run.code == 0, run.err
    assert "hint" not in run.err


def test_the_polite_pool_hint_only_when_the_public_pool_was_asked(
    evidence: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EVIDENCE_MAILTO")
    article = EXAMPLES / "spine-pain.txt"
    offline = evidence("check", "--offline", "--fail-on", "never", str(article))
    assert "polite pool" not in offline.err
    first = evidence("check", str(article))
    assert first.err.count("polite pool") == 1
    warm = evidence("check", str(article))  # every DOI answered by the store: no request
    assert "polite pool" not in warm.err


def test_cut_off_from_the_registry_no_polite_pool_hint(
    evidence: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simply offline (nothing listens): the references are unverified and stderr says the
    connection failed; no request reached the public pool, so no hint about it."""
    import socket

    with socket.socket() as closed:  # a port that was free a moment ago: refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.delenv("EVIDENCE_MAILTO")
    monkeypatch.setenv("EVIDENCE_CROSSREF_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("EVIDENCE_DOI_URL", f"http://127.0.0.1:{port}/doi")
    monkeypatch.setenv("EVIDENCE_REGISTRY_BACKOFF", "0.1")
    run = evidence("check", "--fail-on", "never", str(EXAMPLES / "spine-pain.txt"))
    assert run.code == 0, run.err
    assert "unverified" in run.out and "not found" not in run.out
    assert "cannot connect to the registry" in run.out
    assert "polite pool" not in run.err and "slow" not in run.err


def test_output_into_a_missing_folder_names_the_file(evidence: Any, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    run = evidence("check", "--offline", "--fail-on", "never", "--format", "html",
                   "-o", str(target), str(EXAMPLES / "spine-pain.txt"))
    assert run.code == 2
    assert str(target) in run.err and ".tmp" not in run.err


def test_output_files_follow_the_umask(evidence: Any, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    saved = os.umask(0o022)
    try:
        run = evidence("check", "--offline", "--fail-on", "never", "--format", "html",
                       "-o", str(target), str(EXAMPLES / "spine-pain.txt"))
    finally:
        os.umask(saved)
    assert run.code == 0, run.err
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_references_from_a_front_matter_bibliography_name_the_bib(evidence: Any) -> None:
    run = evidence("check", "--offline", str(EXAMPLES / "spine-pain.md"))
    bib = EXAMPLES / "spine-pain.bib"
    # spine-pain.bib: hayden2021 opens on line 4, kreiner2020 on line 16.
    assert f"    {bib}:4  Hayden et al." in run.out
    assert f"    {bib}:16  Kreiner et al." in run.out
    assert f"({bib}:4)" in run.out  # the claim citing it says where the reference is


def test_bib_stands_in_for_a_missing_front_matter_bibliography(evidence: Any,
                                                               tmp_path: Path) -> None:
    article = tmp_path / "post.md"
    article.write_text("---\nbibliography: gone.bib\n---\n\nExercise helps [@jones2019].\n",
                       encoding="utf-8")
    missing = evidence("check", "--offline", str(article))
    assert missing.code == 2
    assert str(article) in missing.err and str(tmp_path / "gone.bib") in missing.err
    assert "--bib" in missing.err
    bib = tmp_path / "library.bib"
    bib.write_text(BIB, encoding="utf-8")
    run = evidence("check", "--offline", "--format", "json", "--bib", str(bib), str(article))
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert [r["doi"] for r in report["articles"][0]["references"]] == [None]
    assert not [f for f in report["findings"] if f["rule"] == "unknown-citation"]


@pytest.mark.parametrize("command", ["check", "lock"])
def test_no_path_and_no_configured_paths_says_how_to_give_them(evidence: Any, command: str,
                                                              tmp_path: Path) -> None:
    run = evidence(command, "--offline")
    assert run.code == 2
    assert "no PATH given, and no `paths` in [tool.evidence] configuration: name the " in run.err
    assert '`paths = ["docs/**/*.md"]`' in run.err
    assert not (tmp_path / "store.db").exists()  # refused before the store is opened
