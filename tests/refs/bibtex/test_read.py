"""Reading BibTeX text: macros, comments, DOIs, types, dates, and broken entries as problems."""

from __future__ import annotations

import pytest

from refs.bibtex import Problem, read_bibtex
from refs.work import PartialDate, Person

MIXED = r"""% A comment line with an address: someone@example.org
@string{pub = "Academic Press"}
@comment{@article{hidden, title = {in a comment}}}
@article{good1,
  title = {A good {DNA} entry},
  publisher = pub # " London",
  year = 2020,
}

@article{broken1,
  title = {Unclosed brace,
  year = 2019
}

@article{good2, title = "Second good one", year = {2021}}
@article{broken2 title = "no comma after the key"}
@book{good3, title = {Third}, year = 1999}
@article{broken3, title = {cut short}, year = 2001
@misc{good4, title = {Fourth}}
"""


def test_good_entries_are_read_between_broken_ones() -> None:
    result = read_bibtex(MIXED)
    assert [(e.key, e.line) for e in result.entries] == [
        ("good1", 4), ("good2", 15), ("good3", 17), ("good4", 19)
    ]
    broken = [(p.line, p.key) for p in result.problems]
    assert broken == [(10, "broken1"), (16, "broken2"), (18, "broken3")]
    assert all("could not be read" in p.message for p in result.problems)


def test_problem_messages_carry_no_zero_based_lines() -> None:
    result = read_bibtex(MIXED)
    broken1 = result.problems[0]
    assert "line" not in broken1.message
    assert "@article entry 'broken1'" in broken1.message


def test_string_macro_concatenation_and_comment_blocks() -> None:
    good1 = read_bibtex(MIXED).entries[0]
    assert good1.fields["publisher"] == "Academic Press London"
    assert good1.work.publisher == "Academic Press London"
    assert good1.work.title == "A good DNA entry"
    assert good1.fields["title"] == "A good {DNA} entry"


def test_a_later_string_wins_and_may_use_earlier_ones() -> None:
    text = """@string{a = "One"}
@string{b = a # " Two"}
@string{A = "Uno"}
@article{k, journal = b, note = a}"""
    [entry] = read_bibtex(text).entries
    assert entry.fields["journal"] == "One Two"
    assert entry.fields["note"] == "Uno"


@pytest.mark.parametrize(
    ("month", "expected"),
    [("sep", 9), ("SEP", 9), ("{September}", 9), ('"sept."', 9), ("{9}", 9), ("12", 12)],
    ids=["macro", "macro-upper", "braced-name", "quoted-abbreviation", "braced-number", "bare"],
)
def test_month_forms(month: str, expected: int) -> None:
    [entry] = read_bibtex(f"@article{{k, year = 2004, month = {month}}}").entries
    assert entry.work.issued == PartialDate(2004, expected)


def test_a_month_that_is_no_month_keeps_the_year_and_is_reported() -> None:
    result = read_bibtex("@article{k, year = {2008}, month = {24/08/2008}}")
    assert result.entries[0].work.issued == PartialDate(2008)
    assert result.problems == [
        Problem(1, "month '24/08/2008' is not a month; only the year is read", "k")
    ]


def test_a_year_that_is_no_year_is_reported() -> None:
    result = read_bibtex("@article{k, year = {in press}}")
    assert result.entries[0].work.issued is None
    assert "'in press' is not a year" in result.problems[0].message


def test_biblatex_date_gives_the_day() -> None:
    [entry] = read_bibtex("@article{k, date = {2021-03-04}, year = 2021}").entries
    assert entry.work.issued == PartialDate(2021, 3, 4)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "10.1002/14651858.CD009790.pub2"),
        ("doi", "https://doi.org/10.1002/14651858.CD009790.pub2"),
        ("doi", "doi:10.1002/14651858.CD009790.pub2"),
        ("url", "https://doi.org/10.1002/14651858.CD009790.pub2"),
        ("note", r"Available at \url{https://doi.org/10.1002/14651858.CD009790.pub2}."),
    ],
    ids=["doi", "doi-url", "doi-prefix", "url", "note"],
)
def test_dois_are_found_and_normalised(field: str, value: str) -> None:
    result = read_bibtex(f"@article{{k, {field} = {{{value}}}}}")
    assert result.entries[0].work.doi == "10.1002/14651858.cd009790.pub2"
    assert result.problems == []


def test_escaped_underscore_in_a_doi() -> None:
    [entry] = read_bibtex(r"@article{k, doi = {10.1007/978-3-319-75889-3\_1}}").entries
    assert entry.work.doi == "10.1007/978-3-319-75889-3_1"


def test_an_invalid_doi_is_reported_with_its_reason_and_the_entry_kept() -> None:
    result = read_bibtex("@article{k, title = {Kept}, doi = {11.1234/nope}}")
    assert result.entries[0].work.title == "Kept"
    assert result.entries[0].work.doi is None
    [problem] = result.problems
    assert problem.line == 1 and problem.key == "k"
    assert "'11.1234/nope' is not a DOI: a DOI starts with '10.'" in problem.message


def test_a_doi_field_with_two_dois_uses_the_first() -> None:
    result = read_bibtex("@article{k, doi = {10.1000/a1 10.1000/b2}}")
    assert result.entries[0].work.doi == "10.1000/a1"
    assert "holds 2 DOIs" in result.problems[0].message


@pytest.mark.parametrize(
    ("bibtex_type", "work_type"),
    [
        ("article", "journal-article"),
        ("inproceedings", "proceedings-article"),
        ("conference", "proceedings-article"),
        ("incollection", "book-chapter"),
        ("inbook", "book-chapter"),
        ("book", "book"),
        ("phdthesis", "dissertation"),
        ("mastersthesis", "dissertation"),
        ("techreport", "report"),
        ("proceedings", "proceedings"),
        ("unpublished", "posted-content"),
        ("misc", "other"),
        ("Whatever", "other"),
    ],
)
def test_entry_types_map_to_crossref_types(bibtex_type: str, work_type: str) -> None:
    [entry] = read_bibtex(f"@{bibtex_type}{{k, title = {{T}}}}").entries
    assert entry.work.type == work_type
    assert entry.entry_type == bibtex_type.lower()


@pytest.mark.parametrize(
    ("fields", "container", "publisher"),
    [
        ("journal = {J. Test}", "J. Test", None),
        ("booktitle = {Proc. Test}, publisher = {ACM}", "Proc. Test", "ACM"),
        ("school = {MIT}", None, "MIT"),
        ("institution = {RAND}", None, "RAND"),
    ],
    ids=["journal", "booktitle", "school", "institution"],
)
def test_containers_and_publishers(fields: str, container: str | None, publisher: str) -> None:
    [entry] = read_bibtex(f"@misc{{k, {fields}}}").entries
    assert (entry.work.container_title, entry.work.publisher) == (container, publisher)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("998--1024", "998-1024"), ("998 - 1024", "998-1024"), ("998–1024", "998-1024"),
     ("e1234", "e1234"), ("12---15", "12-15")],
)
def test_pages(pages: str, expected: str) -> None:
    [entry] = read_bibtex(f"@article{{k, pages = {{{pages}}}}}").entries
    assert entry.work.pages == expected


def test_names_of_every_form() -> None:
    text = (r"@article{k, author = {Hayden, Jill A. and Ludwig van Beethoven and "
            r"{World Health Organization} and M{\"u}ller, J{\"o}rg and others}}")
    [entry] = read_bibtex(text).entries
    assert entry.work.authors == (
        Person(family="Hayden", given="Jill A."),
        Person(family="van Beethoven", given="Ludwig"),
        Person(literal="World Health Organization"),
        Person(family="Müller", given="Jörg"),
        Person(literal="others"),
    )


def test_field_names_are_lower_case_and_a_repeat_in_other_case_is_merged() -> None:
    result = read_bibtex("@article{k, TITLE = {One}, title = {Two}}")
    assert result.entries[0].fields == {"title": "One"}
    assert "'title' is given twice: 'One' is used, 'Two' is ignored" in result.problems[0].message


def test_keys_repeat_case_insensitively_as_in_bibtex() -> None:
    result = read_bibtex("@article{Smith20, title={A}}\n@article{smith20, title={B}}")
    assert [e.key for e in result.entries] == ["Smith20", "smith20-2"]
    assert result.problems[0].line == 2


def test_two_empty_keys_are_both_read() -> None:
    result = read_bibtex("@misc{, title = {A}}\n@misc{, title = {B}}")
    assert [(e.key, e.work.title) for e in result.entries] == [("", "A"), ("", "B")]
    assert [p.line for p in result.problems] == [1, 2]


def test_windows_line_ends_and_a_byte_order_mark() -> None:
    result = read_bibtex("\ufeff@article{a,\r\n title = {A}}\r\n\r\n@article{b, title={B}}")
    assert [(e.key, e.line, e.work.title) for e in result.entries] == [
        ("a", 1, "A"), ("b", 4, "B")
    ]
