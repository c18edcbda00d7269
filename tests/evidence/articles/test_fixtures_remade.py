"""The TeX-typeset and LibreOffice-saved manuscripts remade here read as the committed ones do.

The committed files are what the other tests read; this proves they are what the tools make
from the project's own sources today (``make_manuscripts.py``), and that ``spine-pain.tex``
and its ``.bib`` compile without an error. CI installs TeX and LibreOffice for it (.ci/run).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from evidence.articles import Article, read_article
from tests.evidence.articles.manuscripts import MANUSCRIPTS


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_manuscripts",
                                                  MANUSCRIPTS / "make_manuscripts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reading(article: Article) -> tuple[object, ...]:
    return (
        article.title,
        [(s.kind, s.text, [(m.kind, m.targets) for m in s.markers]) for s in article.sentences],
        [(r.label, r.doi, r.text) for r in article.references],
    )


def test_latex_source_compiles_to_the_committed_reading(tmp_path: Path) -> None:
    pdf = tmp_path / "remade.pdf"
    _maker().typeset_latex(tmp_path, pdf)
    assert "No pages of output" not in (tmp_path / "spine-pain.log").read_text("latin-1")
    assert "! " not in (tmp_path / "spine-pain.log").read_text("latin-1")  # no TeX error
    assert _reading(read_article(pdf)) == _reading(
        read_article(MANUSCRIPTS / "spine-pain-latex.pdf")
    )
    columns = tmp_path / "columns"
    columns.mkdir()
    _maker().typeset_latex(columns, tmp_path / "columns.pdf", two_columns=True)
    assert _reading(read_article(tmp_path / "columns.pdf")) == _reading(
        read_article(MANUSCRIPTS / "spine-pain-latex-two-columns.pdf")
    )
    quirks = tmp_path / "quirks"
    quirks.mkdir()
    _maker().typeset_quirks(quirks, tmp_path / "quirks.pdf")
    assert _reading(read_article(tmp_path / "quirks.pdf")) == _reading(
        read_article(MANUSCRIPTS / "typeset-quirks.pdf")
    )


def test_libreoffice_saves_the_committed_reading(tmp_path: Path) -> None:
    maker = _maker()
    source = tmp_path / "spine-pain.docx"
    shutil.copy(MANUSCRIPTS / "spine-pain.docx", source)
    maker.save_with_libreoffice(source, tmp_path / "saved.docx")
    page = tmp_path / "page.html"
    shutil.copy(MANUSCRIPTS.parents[2] / "examples" / "spine-pain.html", page)
    maker.save_with_libreoffice(page, tmp_path / "page.docx", html=True)
    assert _reading(read_article(tmp_path / "saved.docx")) == _reading(
        read_article(MANUSCRIPTS / "spine-pain-libreoffice.docx")
    )
    assert _reading(read_article(tmp_path / "page.docx")) == _reading(
        read_article(MANUSCRIPTS / "spine-pain-html-libreoffice.docx")
    )
