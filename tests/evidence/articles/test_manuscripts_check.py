"""`evidence check` on the example as a manuscript: the same claims, links and findings as the
Markdown example, in every format; bad files exit 2 with nothing stored.

The examples' two works are served by the stand-in Crossref from records built from the
article's reference list (tests/fixtures/article-records): `metadata-mismatch` is out of scope.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.articles.manuscripts import HAYDEN, KREINER, MANUSCRIPTS, OPENINGS
from tests.evidence.cli.conftest import crossref, evidence, standin, store_url

__all__ = ["crossref", "evidence", "standin", "store_url"]  # the CLI tests' fixtures

# (line of each claim that needs a source, in the order of OPENINGS), written by reading each
# file: the laid-out text of Word and PDF files has one paragraph to a line.
LINES = {
    "spine-pain.tex": [29, 30, 36, 41],
    "spine-pain.xml": [35, 36, 42, 47],
    "spine-pain.docx": [10, 10, 12, 14],
    "spine-pain.pdf": [12, 12, 14, 16],
    "spine-pain-latex.pdf": [11, 11, 13, 16],
    "spine-pain-latex-two-columns.pdf": [11, 11, 13, 15],
    "spine-pain-libreoffice.docx": [10, 10, 12, 14],
    "spine-pain-html-libreoffice.docx": [12, 12, 14, 16],
}
EXTRA = {
    # the printed page and LibreOffice's HTML import show the site's banner, which the HTML
    # reader skips as <nav>
    "spine-pain.pdf": (3, "Our clinic is rated the bes"),
    "spine-pain-html-libreoffice.docx": (2, "Our clinic is rated the bes"),
}
"""A claim the file shows that its source skips, and where it stands."""
HOW = "marker"


def _claims(report: dict[str, Any]) -> list[tuple[int, str, list[tuple[str, str]]]]:
    (article,) = report["articles"]
    return [(c["line"], c["text"], [(s["doi"], s["how"]) for s in c["sources"]])
            for c in article["claims"] if c["needs_support"]]


@pytest.mark.parametrize("name", sorted(LINES))
def test_manuscript_check_matches_the_markdown_example(evidence: Any, name: str) -> None:
    run = evidence("check", str(MANUSCRIPTS / name), "--format", "json")
    assert run.code == 0, run.err
    report = json.loads(run.out)
    claims = _claims(report)
    if name in EXTRA:
        (extra,) = [c for c in claims if (c[0], c[1][:27]) == EXTRA[name]]
        claims.remove(extra)
    expected = list(zip(LINES[name], OPENINGS, strict=True))
    assert len(claims) == len(expected)
    for (line, text, sources), (want_line, (opening, doi)) in zip(claims, expected, strict=True):
        assert (line, text[: len(opening)]) == (want_line, opening)
        assert sources == ([(doi, HOW)] if doi else [])
    references = report["articles"][0]["references"]
    assert [(r["doi"], r["status"]) for r in references] == [
        (HAYDEN, "resolved"), (KREINER, "resolved")
    ]
    findings = sorted((f["rule"], f["line"]) for f in report["findings"]
                      if f["rule"] != "metadata-mismatch")
    unsupported = [line for line, (_, doi) in expected if doi is None]
    if name in EXTRA:
        unsupported.append(EXTRA[name][0])
    assert findings == sorted(("unsupported-claim", line) for line in unsupported)


def test_latex_unknown_key_is_an_unknown_citation(evidence: Any, tmp_path: Path) -> None:
    shutil.copy(MANUSCRIPTS / "spine-pain.bib", tmp_path / "refs.bib")
    paper = tmp_path / "paper.tex"
    paper.write_text(
        "\\documentclass{article}\\begin{document}\n"
        "Exercise reduces pain by a third \\citep{hayden2021, nosuchkey2019}.\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    run = evidence("check", str(paper), "--format", "json")
    assert run.code == 1, run.err
    unknown = [f for f in json.loads(run.out)["findings"] if f["rule"] == "unknown-citation"]
    assert [(f["line"], "nosuchkey2019" in f["message"]) for f in unknown] == [(2, True)]


def test_folder_check_reads_every_manuscript_format(evidence: Any, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    for name in ("spine-pain.tex", "spine-pain.bib", "spine-pain.docx", "two-columns.pdf",
                 "spine-pain.xml"):
        shutil.copy(MANUSCRIPTS / name, folder / name)
    shutil.copy(MANUSCRIPTS / "spine-pain.xml", folder / "jats.nxml")
    run = evidence("check", str(folder), "--format", "json")
    assert run.code == 0, run.err
    found = sorted((Path(a["path"]).name, a["format"]) for a in json.loads(run.out)["articles"])
    # .xml is read when named, not when met in a folder (docs folders hold XML of every kind)
    assert found == [("jats.nxml", "jats"), ("spine-pain.docx", "docx"),
                     ("spine-pain.tex", "latex"), ("two-columns.pdf", "pdf")]


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 20_000_000)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.docx", _bomb(), "zip bomb"),
        ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        ("laughs.xml", b'<!DOCTYPE article [<!ENTITY a "ha">]><article>&a;</article>',
         "declares entities"),
        ("broken.pdf", b"%PDF-1.4\nnothing here", "PDF"),
    ],
)
def test_bad_manuscripts_exit_2_and_store_nothing(
    evidence: Any, store_url: str, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    run = evidence("check", str(MANUSCRIPTS / "spine-pain.docx"), str(bad))
    assert run.code == 2
    assert message in run.err and name in run.err
    database = store_url.removeprefix("sqlite:///")
    if Path(database).exists():
        with sqlite3.connect(database) as db:
            tables = {row[0] for row in db.execute("select name from sqlite_master")}
            if "article" in tables:
                assert db.execute("select count(*) from article").fetchone() == (0,)


def test_latex_with_bib_given_on_the_command_line(evidence: Any, tmp_path: Path) -> None:
    shutil.copy(MANUSCRIPTS / "spine-pain.bib", tmp_path / "elsewhere.bib")
    paper = tmp_path / "paper.tex"
    paper.write_text(
        "Exercise therapy reduces pain in chronic low back pain \\parencite{hayden2021}.\n",
        encoding="utf-8",
    )
    run = evidence("check", str(paper), "--bib", str(tmp_path / "elsewhere.bib"),
                   "--format", "json")
    assert run.code == 0, run.err
    (claim,) = [c for c in json.loads(run.out)["articles"][0]["claims"] if c["sources"]]
    assert [(s["doi"], s["how"]) for s in claim["sources"]] == [(HAYDEN, "marker")]


def test_latex_naming_a_missing_bib_exits_2(evidence: Any, tmp_path: Path) -> None:
    paper = tmp_path / "paper.tex"
    paper.write_text("Text \\cite{a}.\n\\bibliography{missing}\n", encoding="utf-8")
    run = evidence("check", str(paper))
    assert run.code == 2
    assert "missing.bib" in run.err
