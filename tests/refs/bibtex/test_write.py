"""Writing BibTeX: escapes, keys, types, and read -> write -> read without loss."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refs.bibtex import read_bibtex, read_bibtex_file, write_bibtex
from refs.bibtex.fields import TYPES_FROM_BIBTEX, TYPES_TO_BIBTEX
from refs.bibtex.names import OTHERS
from refs.markup import clean_text
from refs.work import PartialDate, Person, Work, work_from_crossref

FIXTURES = Path(__file__).parents[2] / "fixtures"
CROSSREF_WORKS = sorted((FIXTURES / "crossref" / "works").glob("*.json"))

HAYDEN = Work(
    doi="10.5555/generated.hayden",
    title="Exercise therapy for chronic low back pain: 50% & more_of {DNA}",
    authors=(Person(family="Hayden", given="Jill A."), Person(literal="Cochrane Back Group")),
    issued=PartialDate(2021, 9, 28),
    type="journal-article",
    container_title="Journal of Generated Data",
    volume="9",
    issue="3",
    pages="998-1024",
)


def test_written_entry() -> None:
    assert write_bibtex([HAYDEN]) == (
        "@article{hayden2021exercise,\n"
        "  author = {Hayden, Jill A. and {Cochrane Back Group}},\n"
        "  title = {Exercise therapy for chronic low back pain: 50\\% \\& more\\_of "
        "{{\\textbraceleft}DNA{\\textbraceright}}},\n"
        "  journal = {Journal of Generated Data},\n"
        "  year = {2021},\n"
        "  month = sep,\n"
        "  date = {2021-09-28},\n"
        "  volume = {9},\n"
        "  number = {3},\n"
        "  pages = {998--1024},\n"
        "  doi = {10.5555/generated.hayden}\n"
        "}\n"
    )


def test_nothing_to_write_is_an_empty_text() -> None:
    assert write_bibtex([]) == ""


def test_given_keys_and_generated_ones() -> None:
    text = write_bibtex([("mine", HAYDEN), HAYDEN, HAYDEN])
    assert [e.key for e in read_bibtex(text).entries] == [
        "mine", "hayden2021exercise", "hayden2021exercisea"
    ]


def test_a_key_bibtex_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be a BibTeX key"):
        write_bibtex([("two words", HAYDEN)])


@pytest.mark.parametrize(
    ("work_type", "bibtex_type", "container_field", "publisher_field"),
    [
        ("journal-article", "article", "journal", "publisher"),
        ("proceedings-article", "inproceedings", "booktitle", "publisher"),
        ("book-chapter", "incollection", "booktitle", "publisher"),
        ("book", "book", "series", "publisher"),
        ("dissertation", "phdthesis", "series", "school"),
        ("report", "techreport", "series", "institution"),
        ("peer-review", "misc", "journal", "publisher"),
        (None, "misc", "journal", "publisher"),
    ],
)
def test_types_and_their_fields(
    work_type: str | None, bibtex_type: str, container_field: str, publisher_field: str
) -> None:
    work = dataclasses.replace(HAYDEN, type=work_type, publisher="Generated Press")
    [entry] = read_bibtex(write_bibtex([work])).entries
    assert entry.entry_type == bibtex_type
    assert entry.fields[container_field] == "Journal of Generated Data"
    assert entry.fields[publisher_field] == "Generated Press"


def test_real_files_survive_read_write_read() -> None:
    for path in sorted((FIXTURES / "bib").glob("*.bib")):
        first = read_bibtex_file(path)
        again = read_bibtex(write_bibtex([(e.key, e.work) for e in first.entries if e.key]))
        before = [carried(e.work) for e in first.entries if e.key]
        assert [carried(e.work) for e in again.entries] == before, path.name
        assert [p for p in again.problems] == []


@pytest.mark.parametrize("path", CROSSREF_WORKS, ids=lambda p: p.stem)
def test_crossref_works_survive_write_and_read(path: Path) -> None:
    work = work_from_crossref(json.loads(path.read_text(encoding="utf-8"))["message"])
    [entry] = read_bibtex(write_bibtex([work])).entries
    assert carried(entry.work) == carried(work)


def carried(work: Work) -> Work:
    """What BibTeX carries: no ORCID, notices or raw markup; types as BibTeX can tell them."""
    kind = TYPES_FROM_BIBTEX[TYPES_TO_BIBTEX.get(work.type or "", "misc")]
    return dataclasses.replace(
        work,
        type=kind,
        title_raw=None,
        authors=tuple(dataclasses.replace(p, orcid=None) for p in work.authors),
        updates=(),
        notice_of=(),
    )


# --- the property: generated works survive write -> read ----------------------------------

ROUND_TRIP_TYPES = [t for t, b in TYPES_TO_BIBTEX.items() if TYPES_FROM_BIBTEX[b] == t] + ["other"]
CHARS = st.characters(exclude_categories=("Cc", "Cs"))
ODD = st.sampled_from(
    ["&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "--", "''", "``", "!`", ",", " and ",
     "e\u0301", "\u05e2\u05d1", "\U0001f9ec", "\ufffd", "Ünï", "ß", "DNA", "McAdams", "@", '"']
)


def words(min_size: int = 0) -> st.SearchStrategy[str]:
    """Text as a Work holds it: single spaces, nothing at either end, odd pieces likely."""
    raw = st.lists(st.one_of(st.text(CHARS, max_size=8), ODD), min_size=min_size, max_size=6)
    return raw.map(lambda parts: " ".join("".join(parts).split())).filter(
        lambda s: len(s) >= min_size
    )


CLEAN = words().filter(lambda s: clean_text(s) == s)
OPTIONAL = st.one_of(st.none(), words(1))
PERSON = st.one_of(
    st.builds(Person, family=words(1), given=st.one_of(st.none(), words(1))),
    st.builds(Person, given=words(1)),
    st.builds(Person, literal=words(1)),
    st.just(OTHERS),
)
DATE = st.one_of(
    st.none(),
    st.builds(PartialDate, st.integers(1, 9999)),
    st.builds(PartialDate, st.integers(1, 9999), st.integers(1, 12)),
    st.builds(PartialDate, st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31)),
)
DOI = st.from_regex(r"10\.5555/[a-z0-9._;()/:<>\[\]-]{1,20}", fullmatch=True).filter(
    lambda d: not d.endswith("/")
)
PAGES = st.one_of(st.none(), st.from_regex(r"[1-9][0-9]{0,4}(-[1-9][0-9]{0,4})?|e[0-9]{1,6}",
                                           fullmatch=True))
WORK = st.builds(
    Work,
    doi=st.one_of(st.none(), DOI),
    title=CLEAN,
    authors=st.lists(PERSON, max_size=4).map(tuple),
    issued=DATE,
    type=st.sampled_from(ROUND_TRIP_TYPES),
    container_title=OPTIONAL,
    short_container_title=OPTIONAL,
    volume=OPTIONAL,
    issue=OPTIONAL,
    pages=PAGES,
    publisher=OPTIONAL,
    issn=st.lists(st.from_regex(r"[0-9]{4}-[0-9]{3}[0-9X]", fullmatch=True), max_size=2).map(
        tuple
    ),
    abstract=st.one_of(st.none(), CLEAN.filter(bool)),
    url=st.one_of(st.none(), st.from_regex(r"https://example\.org/[a-z]{1,10}", fullmatch=True)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORK, min_size=1, max_size=3))
def test_generated_works_survive_write_and_read(works: list[Work]) -> None:
    result = read_bibtex(write_bibtex(works))
    assert result.problems == []
    assert [dataclasses.replace(e.work, title_raw=None) for e in result.entries] == works
