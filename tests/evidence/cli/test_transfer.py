"""`evidence import` and `evidence export` through the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refs.bibtex import read_bibtex

BIB = Path(__file__).parents[2] / "fixtures" / "bib"
SYMPY = BIB / "sympy-paper__paper.bib"

BROKEN = """\
@article{good2020,
  title = {A good entry},
  author = {Doe, Jane},
  year = {2020},
  doi = {10.5555/good},
}

@article{bad2020,
  title = {A broken entry
  year = {2020

@book{fine2019,
  title = {A fine book},
  author = {Roe, Richard},
  year = {2019},
}
"""


def count(evidence: Any) -> int:
    run = evidence("export", "--format", "csl-json")
    return len(json.loads(run.out))


@pytest.mark.parametrize("path", sorted(BIB.glob("*.bib")), ids=lambda p: p.name.split("__")[0])
def test_real_bib_files_import_and_import_twice_stores_nothing_twice(
    evidence: Any, path: Path
) -> None:
    first = evidence("import", str(path))
    assert first.code in (0, 1), first.err
    stored = count(evidence)
    assert stored > 20
    second = evidence("import", str(path))
    assert "0 new" in second.out
    assert count(evidence) == stored


def test_broken_entries_are_reported_and_the_good_ones_stored(evidence: Any,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "mixed.bib"
    path.write_text(BROKEN, encoding="utf-8")
    run = evidence("import", str(path))
    assert run.code == 1
    assert f"{path}:8:" in run.err
    titles = {item["title"] for item in json.loads(evidence("export", "--format", "csl-json").out)}
    assert {"A good entry", "A fine book"} <= titles


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("binary.bib", b"\x00\x01\x02\x03" * 100, "binary"),
     ("garbage.json", b"{not json", "JSON"),
     ("notes.txt", b"hello", "not a .bib or .json")],
    ids=["binary-bib", "garbage-json", "wrong-suffix"],
)
def test_unreadable_files_store_nothing(evidence: Any, tmp_path: Path, name: str,
                                        content: bytes, message: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    run = evidence("import", str(SYMPY), str(bad))
    assert run.code == 2
    assert message.lower() in run.err.lower()
    assert count(evidence) == 0, "a refused import stored the good file's entries"


def test_export_bibtex_round_trips(evidence: Any, tmp_path: Path) -> None:
    evidence("import", str(SYMPY))
    output = tmp_path / "out.bib"
    run = evidence("export", "--output", str(output))
    assert run.code == 0
    again = read_bibtex(output.read_text(encoding="utf-8"))
    assert again.problems == []
    assert len(again.entries) == count(evidence)


def test_import_keeps_registry_metadata(evidence: Any, tmp_path: Path) -> None:
    doi = "10.1177/0956797614520714"
    assert evidence("resolve", doi).code == 0
    path = tmp_path / "wrong.bib"
    entry = "@article{gino, title = {Wrong title}, year = {1999}, doi = {DOI}}"
    path.write_text(entry.replace("DOI", doi), encoding="utf-8")
    assert evidence("import", str(path)).code == 0
    (item,) = json.loads(evidence("resolve", "--offline", "--json", doi).out)
    assert item["title"].startswith("Retracted: Evil Genius?") and item["year"] == 2014
    exported = evidence("export").out
    assert "@article{gino," in exported
