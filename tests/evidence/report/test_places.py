"""Where each claim, reference and finding stands, in every report format, for Word and PDF.

A Word file or a PDF has no lines of its own: its places are a page and the line on that page
(PDF) or a paragraph, table cell or note (Word), written by reading the files. A file with
lines keeps them, and SARIF and GitHub annotations still point at them.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import pytest

from tests.evidence.articles.manuscripts import MANUSCRIPTS
from tests.evidence.cli.conftest import crossref, evidence, standin, store_url

__all__ = ["crossref", "evidence", "standin", "store_url"]  # the CLI tests' fixtures

FORMATS = ["text", "json", "sarif", "junit", "github", "html"]

# (file, claim that opens with these words, where it stands; a reference and where it stands)
PLACES = {
    "spine-pain-latex.pdf": ("A typical course of physical", "page 1, line 25",
                             "D Scott Kreiner", "page 2, line 13"),
    "spine-pain.pdf": ("Most private health plans", "page 1, line 22",
                       "Kreiner, D Scott", "page 1, line 30"),
    "spine-pain.docx": ("A typical course of physical", "paragraph 12",
                        "Kreiner, D Scott", "paragraph 20"),
    "word-features.docx": ("Studies show that 60%", "table 1, row 2, cell 2",
                           "Kreiner, D Scott", "paragraph 6"),
}


def _check(evidence: Any, name: str, fmt: str) -> str:
    run = evidence("check", str(MANUSCRIPTS / name), "--format", fmt)
    assert run.code in (0, 1), run.err
    return str(run.out)


@pytest.mark.parametrize("name", sorted(PLACES))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_says_where_in_a_word_or_pdf_file(evidence: Any, name: str,
                                                        fmt: str) -> None:
    opening, place, reference, ref_place = PLACES[name]
    out = _check(evidence, name, fmt)
    path = str(MANUSCRIPTS / name)
    if fmt == "json":
        (article,) = json.loads(out)["articles"]
        claim = next(c for c in article["claims"] if c["text"].startswith(opening))
        assert claim["place"] == place
        ref = next(r for r in article["references"] if r["text"].startswith(reference))
        assert ref["place"] == ref_place
        finding = next(f for f in json.loads(out)["findings"]
                       if f["rule"] == "unsupported-claim" and f["subject"].startswith(opening))
        assert finding["place"] == place
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        found = next(r for r in results if r["message"]["text"].startswith(f"{place}: "))
        assert found["ruleId"] == "unsupported-claim"
        (location,) = found["locations"]
        assert location["message"]["text"] == place
        # no line to point at: a region would name one the viewer cannot show
        assert all("region" not in r["locations"][0]["physicalLocation"] for r in results)
    elif fmt == "github":
        warning = next(line for line in out.splitlines()
                       if "title=unsupported-claim" in line and f"::{place}: " in line)
        assert "line=" not in warning
    elif fmt == "junit":
        assert f'name="{place}: claim “{opening}' in out
        assert f'name="{ref_place}: reference “{reference}' in out
    elif fmt == "html":
        assert f"<code>{escape(path)} ({place})</code>" in out
        assert f'<td class="num">{place}</td>' in out
        assert f'<td class="num">{ref_place}</td>' in out
    else:
        assert f"{path} ({place}): warning unsupported-claim" in out
        assert f"    {place}  {opening}" in out
        assert f"    {ref_place}  {reference}" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_with_lines_keeps_them(evidence: Any, fmt: str) -> None:
    out = _check(evidence, "spine-pain.tex", fmt)
    path = str(MANUSCRIPTS / "spine-pain.tex")
    if fmt == "json":
        finding = next(f for f in json.loads(out)["findings"] if f["rule"] == "unsupported-claim")
        assert (finding["line"], finding["place"]) == (36, "line 36")
    elif fmt == "sarif":
        result = json.loads(out)["runs"][0]["results"][0]
        assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 36}
    elif fmt == "github":
        assert ",line=36,title=unsupported-claim::claim without a source" in out
    elif fmt == "junit":
        assert 'name="line 36: claim “A typical course' in out
    elif fmt == "html":
        assert f"<code>{escape(path)}:36</code>" in out
    else:
        assert f"{path}:36: warning unsupported-claim" in out
