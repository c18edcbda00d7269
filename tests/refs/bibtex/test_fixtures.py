"""The four real .bib files in tests/fixtures/bib/ import whole, with their real values."""

from __future__ import annotations

from pathlib import Path

import pytest

from refs.bibtex import BibEntry, BibReadResult, read_bibtex_file
from refs.work import PartialDate, Person

BIB = Path(__file__).parents[2] / "fixtures" / "bib"
DCBOLAND = BIB / "DCBoland-thesis__thesis@05ba73f.bib"
ANDREASEN = BIB / "DanielAndreasen-Thesis__thesis@9992d5a.bib"
SGROTH = BIB / "sgroth-bibliography__sgroth-bibliography.bib"
SYMPY = BIB / "sympy-paper__paper.bib"


@pytest.fixture(scope="module")
def read() -> dict[Path, BibReadResult]:
    return {path: read_bibtex_file(path) for path in (DCBOLAND, ANDREASEN, SGROTH, SYMPY)}


def entry(result: BibReadResult, key: str) -> BibEntry:
    [found] = [e for e in result.entries if e.key == key]
    return found


@pytest.mark.parametrize(
    ("path", "entries", "with_doi"),
    [
        # 178 entries as written; 3 keys repeat with other content and are kept renamed.
        (DCBOLAND, 178, 53),
        # 194 entries written; 6 are exact repeats of an earlier entry and are skipped.
        (ANDREASEN, 188, 157),
        (SGROTH, 91, 31),
        # 414 @-blocks: 110 @string, 2 @comment, 302 entries.
        (SYMPY, 302, 102),
    ],
    ids=["dcboland", "andreasen", "sgroth", "sympy"],
)
def test_every_entry_of_a_real_file_is_read(
    read: dict[Path, BibReadResult], path: Path, entries: int, with_doi: int
) -> None:
    result = read[path]
    assert len(result.entries) == entries
    assert sum(1 for e in result.entries if e.work.doi) == with_doi
    assert all(e.line >= 1 for e in result.entries)


def test_ads_export_macros_accents_and_month(read: dict[Path, BibReadResult]) -> None:
    adamow = entry(read[ANDREASEN], "Adamow2014")
    work = adamow.work
    assert adamow.line == 1 and adamow.entry_type == "article"
    assert work.title.startswith("The Penn State - Toruń Centre for Astronomy Planet Search")
    assert work.authors[0] == Person(family="Adamów", given="M.")
    assert work.container_title == "Astronomy and Astrophysics"  # journal = {\aap}
    assert work.issued == PartialDate(2014, 9)  # month = sep
    assert (work.volume, work.pages, work.doi) == ("569", "A55", "10.1051/0004-6361/201423400")
    assert work.type == "journal-article"
    assert adamow.fields["journal"] == "\\aap"


def test_ads_names_with_ties_and_two_word_families(read: dict[Path, BibReadResult]) -> None:
    authors = entry(read[ANDREASEN], "Adibekyan2012").work.authors
    assert authors[0] == Person(family="Adibekyan", given="V. Z.")
    assert authors[3] == Person(family="Delgado Mena", given="E.")
    assert authors[4] == Person(family="González Hernández", given="J. I.")


def test_exact_repeats_are_skipped_and_reported(read: dict[Path, BibReadResult]) -> None:
    result = read[ANDREASEN]
    assert [e.key for e in result.entries].count("FEROS") == 1
    [problem] = [p for p in result.problems if p.key == "FEROS"]
    assert problem.line == 1732
    assert "line 957" in problem.message and "skipped" in problem.message


def test_different_entries_under_one_key_are_both_kept(read: dict[Path, BibReadResult]) -> None:
    result = read[DCBOLAND]
    first, second = entry(result, "ChaHea01"), entry(result, "ChaHea01-2")
    assert (first.line, second.line) == (92, 507)
    assert first.work.doi == "10.1016/s0278-2626(01)80035-x"  # doi = "http://dx.doi.org/..."
    [problem] = [p for p in result.problems if p.key == "ChaHea01"]
    assert problem.line == 507 and "ChaHea01-2" in problem.message


def test_repeated_fields_are_merged(read: dict[Path, BibReadResult]) -> None:
    # keywords = "Virtual reality", keywords = "Display technologies", keywords = "Sickness "
    shacob = entry(read[DCBOLAND], "ShaCob08")
    assert shacob.fields["keywords"] == "Virtual reality, Display technologies, Sickness "
    assert shacob.work.pages == "58-69"  # pages = "58 - 69"
    assert shacob.work.container_title == "Displays"


def test_jabref_export_with_latex_accents(read: dict[Path, BibReadResult]) -> None:
    work = entry(read[DCBOLAND], "GonMolGar09").work
    assert work.type == "book-chapter"
    assert work.authors[2] == Person(family="García", given="Arturo S")
    assert work.container_title == "New Trends on Human–Computer Interaction"
    assert (work.pages, work.publisher, work.year) == ("109-118", "Springer London", 2009)
    assert work.doi == "10.1007/978-1-84882-352-5_11"


def test_bibdesk_capitalised_fields_and_raw_utf8(read: dict[Path, BibReadResult]) -> None:
    result = read[SGROTH]
    groth = entry(result, "Groth2023ah")
    assert groth.work.title.startswith("‘Truthy’ and ‘Sticky’ Stories of Euroscepticism.")
    assert groth.work.doi == "10.16995/ee.8844"
    assert groth.work.container_title == "Ethnologia Europaea"
    assert "doi" in groth.fields and "Doi" not in groth.fields
    assert entry(result, "Groth2009aa").work.title == (
        "Kulturen im Gespräch: Interview mit Valdimar Hafstein"
    )
    # Author given twice, differently: the first is used and the second reported.
    review = entry(result, "Groth2022aa")
    assert review.work.authors == (Person(family="Groth", given="Stefan"),)
    assert any(p.key == "Groth2022aa" and "'author' is given twice" in p.message
               for p in result.problems)


def test_string_macros_and_the_empty_key(read: dict[Path, BibReadResult]) -> None:
    result = read[SYMPY]
    harvey = entry(result, "Harvey2009multipoint").work
    assert harvey.container_title == "Journal of Symbolic Computation"  # j:symb_comp
    assert harvey.doi == "10.1016/j.jsc.2009.05.004"
    assert harvey.title == "Faster polynomial multiplication via multipoint Kronecker substitution"
    manual = result.entries[0]
    assert (manual.key, manual.line, manual.entry_type) == ("", 2, "manual")
    assert manual.work.authors == (Person(literal="SymPy Development Team"),)
    assert any(p.line == 2 and "no citation key" in p.message for p in result.problems)


def test_undefined_macro_and_concatenated_month(read: dict[Path, BibReadResult]) -> None:
    result = read[SYMPY]
    bosma = entry(result, "Bosma:1997:MAS")
    assert bosma.fields["month"] == "September--October"  # sep # "--" # oct
    assert bosma.work.issued == PartialDate(1997, 9)
    assert bosma.work.title == "The Magma algebra system. I. The user language"
    assert any(p.key == "Bosma:1997:MAS" and "'j-J-SYMBOLIC-COMP'" in p.message
               for p in result.problems)
