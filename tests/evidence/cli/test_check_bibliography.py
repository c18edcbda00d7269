"""`evidence check refs.bib`: a reviewer's reference audit of a bibliography on its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.evidence.cli.articles import BIB
from tests.evidence.cli.test_check_audit import findings

DUPLICATE = """\
@article{gino2014again,
  author = {Gino, F.},
  title = {Evil genius? How dishonesty can lead to greater creativity},
  journal = {Psychol. Sci.},
  year = {2014},
  doi = {https://doi.org/10.1177/0956797614520714},
}
"""


def test_a_bib_file_is_audited_on_its_own(evidence: Any, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    run = evidence("check", str(bib), "--format", "json")
    assert run.code == 1, run.err
    found = findings(run)
    assert set(found) >= {"retracted-source", "corrected-source", "metadata-mismatch",
                          "doi-not-found", "doi-invalid"}
    assert "uncited-reference" not in found  # nothing in a bibliography cites
    assert all(f["path"] == str(bib) for fs in found.values() for f in fs)
    assert found["doi-invalid"][0]["line"] == 23
    (article,) = json.loads(run.out)["articles"]
    assert article["format"] == "bibtex" and article["claims"] == []
    assert len(article["references"]) == 4


def test_duplicates_in_a_bib_file(evidence: Any, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB + DUPLICATE, encoding="utf-8")
    run = evidence("check", str(bib), "--format", "json")
    (duplicate,) = findings(run)["duplicate-reference"]
    assert duplicate["line"] == len(BIB.splitlines()) + 1  # where the second entry starts
    assert "line 1" in duplicate["message"]


def test_a_csl_json_file_is_audited_on_its_own(evidence: Any, tmp_path: Path) -> None:
    items = [
        {"id": "gino2014", "type": "article-journal", "DOI": "10.1177/0956797614520714",
         "title": "Evil Genius? How Dishonesty Can Lead to Greater Creativity",
         "author": [{"family": "Gino", "given": "Francesca"}],
         "container-title": "Psychological Science", "issued": {"date-parts": [[2014]]}},
        {"id": "missing", "type": "article-journal", "DOI": "10.5555/no-such-work",
         "title": "Nothing"},
    ]
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    run = evidence("check", str(path), "--format", "json")
    found = findings(run)
    assert "retracted-source" in found and "doi-not-found" in found, run.out
    assert json.loads(run.out)["articles"][0]["format"] == "csl-json"


def test_text_report_of_a_bibliography_says_what_was_checked(evidence: Any,
                                                             tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    run = evidence("check", str(bib))
    assert "a bibtex bibliography: its references audited" in run.out
    assert "claims:" not in run.out


def test_a_broken_bib_file_is_an_input_error(evidence: Any, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"\x00\x01\x02 binary")
    run = evidence("check", str(bib))
    assert run.code == 2 and "refs.bib" in run.err and run.out == ""


BROKEN_ENTRY = BIB + "@article{cut2020,\n  title = {Cut short,\n"


def test_an_entry_that_cannot_be_read_is_said_not_lost(evidence: Any, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN_ENTRY, encoding="utf-8")
    line = BROKEN_ENTRY.splitlines().index("@article{cut2020,") + 1
    said = f"note: {bib}:{line}: @article entry 'cut2020' could not be read and is left out"
    as_text = evidence("check", str(bib), "--offline")
    as_json = evidence("check", str(bib), "--offline", "--format", "json")
    assert said in as_text.out and said in as_json.err
    assert as_text.out.count("'cut2020' could not be read") == 1


def test_the_bibtex_parsers_log_stays_off_stderr(tmp_path: Path) -> None:
    """Python prints a library's warning when nothing handles it; our note says it better."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN_ENTRY, encoding="utf-8")
    probe = ("import sys; from refs.bibtex import read_bibtex; "
             "read_bibtex(open(sys.argv[1], encoding='utf-8').read(), path='refs.bib')")
    done = subprocess.run([sys.executable, "-c", probe, str(bib)], capture_output=True,
                          text=True, check=True, timeout=60)
    assert done.stderr == ""
