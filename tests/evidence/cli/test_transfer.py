"""`evidence import` and `evidence export` through the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from bibtexparser.model import Entry, ParsingFailedBlock, Preamble, String

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


def _as_written(text: str) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """Each block as bibtexparser splits it, with no middleware at all: kind, type, key and
    every field with its value as written (braces, quotes, macros and ``#`` included)."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    out: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    for block in library.blocks:
        inner = block.ignore_error_block if isinstance(block, ParsingFailedBlock) else block
        if isinstance(inner, Entry):
            out.append(("entry", inner.entry_type, inner.key,
                        [(f.key, str(f.value)) for f in inner.fields]))
        elif isinstance(inner, String):
            out.append(("string", "", inner.key, [("value", str(inner.value))]))
        elif isinstance(inner, Preamble):
            out.append(("preamble", "", "", [("value", str(inner.value))]))
    return out


@pytest.mark.parametrize("path", sorted(BIB.glob("*.bib")), ids=lambda p: p.name.split("__")[0])
def test_export_gives_an_imported_bib_back_as_written(evidence: Any, tmp_path: Path,
                                                      path: Path) -> None:
    assert evidence("import", str(path)).code == 0  # warnings only: no entry was lost
    assert evidence("import", str(path)).code == 0  # again: replaces, adds nothing
    output = tmp_path / "out.bib"
    assert evidence("export", "--output", str(output)).code == 0
    original = _as_written(path.read_text(encoding="utf-8"))
    exported = _as_written(output.read_text(encoding="utf-8"))
    assert len(exported) == len(original)
    for before, after in zip(original, exported, strict=True):
        assert after[:3] == before[:3]  # kind, entry type and key (a repeated key too)
        assert after[3] == before[3]  # every field, its name's case and its value as written


def test_two_keys_sharing_a_doi_both_come_back(evidence: Any, tmp_path: Path) -> None:
    path = tmp_path / "shared.bib"
    path.write_text(
        "@article{first, title = {{RNA} folding}, doi = {10.5555/same}, year = 2001}\n\n"
        "@article{second, title = {{RNA} folding}, doi = {10.5555/SAME}, year = 2001,\n"
        "  note = {cited twice}}\n", encoding="utf-8")
    run = evidence("import", str(path))
    assert run.code == 0
    assert "1 new, 0 already stored, 1 duplicate in the file" in run.out
    exported = _as_written(evidence("export").out)
    assert [key for _, _, key, _ in exported] == ["first", "second"]
    assert ("note", "{cited twice}") in exported[1][3]


def test_import_exits_1_only_when_an_entry_is_lost(evidence: Any, tmp_path: Path) -> None:
    warned = tmp_path / "warned.bib"
    warned.write_text("@article{x, title = {T}, month = {24/08/2008}, year = 2008}\n",
                      encoding="utf-8")
    run = evidence("import", str(warned))
    assert run.code == 0
    assert "1 warning" in run.out and "left out" not in run.out
    broken = tmp_path / "broken.bib"
    broken.write_text(BROKEN, encoding="utf-8")
    lost = evidence("import", str(broken))
    assert lost.code == 1
    assert "1 entry could not be read and is left out" in lost.out


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


def test_export_with_registry_metadata_says_per_field_what_changed(evidence: Any,
                                                                   tmp_path: Path) -> None:
    doi = "10.1177/0956797614520714"
    assert evidence("resolve", doi).code == 0
    path = tmp_path / "wrong.bib"
    path.write_text("@article{gino, title = {Wrong title}, year = {1999}, doi = {DOI},\n"
                    "  keywords = {ethics}}\n".replace("DOI", doi), encoding="utf-8")
    assert evidence("import", str(path)).code == 0
    as_written = evidence("export")
    assert "Wrong title" in as_written.out and "changed" not in as_written.err
    run = evidence("export", "--metadata", "registry")
    assert run.code == 0
    ((_, kind, key, fields),) = _as_written(run.out)
    values = dict(fields)
    assert (kind, key) == ("article", "gino")
    assert values["year"] == "{2014}" and "Evil Genius" in values["title"]
    assert values["keywords"] == "{ethics}"  # the registry has no word on it: kept as written
    assert "changed gino: title 'Wrong title' -> " in run.err
    assert "changed gino: year '1999' -> '2014' (registry)" in run.err
    assert "keywords" not in run.err


def test_registry_metadata_compares_a_macro_by_its_expansion(evidence: Any,
                                                             tmp_path: Path) -> None:
    doi = "10.1177/0956797614520714"
    assert evidence("resolve", doi).code == 0
    path = tmp_path / "macro.bib"
    path.write_text("@string{psci = {Psychological Science}}\n\n"
                    "@article{gino, title = {Wrong title}, journal = psci, year = 2014,\n"
                    "  doi = {DOI}}\n".replace("DOI", doi), encoding="utf-8")
    assert evidence("import", str(path)).code == 0
    run = evidence("export", "--metadata", "registry")
    assert "changed gino: title" in run.err
    assert "gino: journal" not in run.err  # psci is "Psychological Science", as registered
    assert "@string{psci" in run.out.replace(" ", "")


def test_exporting_an_empty_store_prints_nothing_and_says_why(evidence: Any,
                                                             tmp_path: Path) -> None:
    bibtex = evidence("export")
    assert (bibtex.code, bibtex.out) == (0, "")
    assert "the store holds no works" in bibtex.err
    # CSL-JSON's empty list is still a document a program can read.
    csl = evidence("export", "--format", "csl-json")
    assert (csl.code, json.loads(csl.out)) == (0, [])
    written = evidence("export", "--output", "empty.bib")
    assert written.code == 0 and (tmp_path / "empty.bib").read_text(encoding="utf-8") == ""
    assert "exported 0 entries" in written.err
