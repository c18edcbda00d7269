"""CSL-JSON in and out: items with lines, problems as data, and Work -> CSL -> Work."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from refs.csl import CSLReadResult, Problem, read_csl_json, write_csl_json
from refs.errors import CSLJSONError, RefsError
from refs.work import PartialDate, Person, Work, work_from_crossref, work_to_csl

WORKS = sorted((Path(__file__).parents[1] / "fixtures" / "crossref" / "works").glob("*.json"))


def crossref_work(path: Path) -> Work:
    return work_from_crossref(json.loads(path.read_text(encoding="utf-8"))["message"])


def csl_carried(work: Work) -> Work:
    """What a CSL item carries: not notices, nor the title's markup."""
    return dataclasses.replace(work, title_raw=None, updates=(), notice_of=())


@pytest.mark.parametrize("path", WORKS, ids=lambda p: p.stem)
def test_crossref_works_survive_csl_and_back(path: Path) -> None:
    work = crossref_work(path)
    result = read_csl_json(write_csl_json([work]))
    assert result.problems == []
    [(_, back)] = result.items
    assert csl_carried(back) == dataclasses.replace(csl_carried(work), type=back.type)
    # Types go through CSL's coarser vocabulary (monograph -> book): the CSL type survives.
    assert work_to_csl(back)["type"] == work_to_csl(work)["type"]


def test_orcids_and_several_issns_survive() -> None:
    work = crossref_work(WORKS[0])
    assert len(work.issn) == 2  # 10.1002/1096-9861(20010212)...: print and electronic
    [(_, back)] = read_csl_json(write_csl_json([work])).items
    assert back.issn == work.issn
    with_orcid = Work(doi=None, title="T", authors=(Person("A", "B", orcid="0000-0002-1825-0097"),))
    [(_, again)] = read_csl_json(write_csl_json([with_orcid])).items
    assert again.authors == with_orcid.authors


def test_ids_are_given_or_generated() -> None:
    work = Work(doi="10.5555/generated.1", title="Exercise for pain", issued=PartialDate(2021),
                authors=(Person(family="Hayden"),))
    items = json.loads(write_csl_json([("my id", work), work, work]))
    assert [item["id"] for item in items] == ["my id", "hayden2021exercise", "hayden2021exercisea"]


def test_a_single_item_is_read() -> None:
    result = read_csl_json('\n\n{"id": "one", "type": "article-journal", "title": "One"}')
    assert [(key, work.title, work.type) for key, work in result.items] == [
        ("one", "One", "journal-article")
    ]
    assert result.problems == []


def test_bad_items_are_problems_with_lines_and_good_ones_are_read() -> None:
    text = """[
  {"id": "good", "title": "Good", "DOI": "10.5555/generated.2"},
  42,
  {"title": "No id"},
  {"id": "bad-doi", "title": "Kept", "DOI": "11.5555/nope"},
  {"id": "good", "title": "Good", "DOI": "10.5555/generated.2"},
  {"id": "good", "title": "Different"}
]"""
    result = read_csl_json(text)
    assert [(key, work.title) for key, work in result.items] == [
        ("good", "Good"), ("", "No id"), ("bad-doi", "Kept"), ("good-2", "Different")
    ]
    assert [(p.line, p.key) for p in result.problems] == [
        (3, None), (4, None), (5, "bad-doi"), (6, "good"), (7, "good")
    ]
    assert "'11.5555/nope' is not a DOI: a DOI starts with '10.'" in result.problems[2].message
    assert "skipped" in result.problems[3].message and "good-2" in result.problems[4].message


def test_odd_fields_do_not_stop_the_reading() -> None:
    text = json.dumps([
        {"id": "a", "author": "not a list", "issued": "2020-05", "ISSN": "1234-5678 2345-6789"},
        {"id": "b", "title": ["A", "list"], "issued": {"date-parts": [["x"]]}},
    ])
    result = read_csl_json(text)
    a, b = (work for _, work in result.items)
    assert (a.authors, a.issued, a.issn) == ((), PartialDate(2020, 5), ("1234-5678", "2345-6789"))
    assert (b.title, b.issued) == ("A", None)


def test_an_empty_list_is_a_problem_not_an_error() -> None:
    assert read_csl_json("[]") == CSLReadResult([], [Problem(None, "no CSL-JSON items found")])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not JSON: Expecting value at line 1, column 1"),
        ("[{\"id\": 1,}]", "not JSON: Expecting property name enclosed in double quotes"),
        ("@article{k, title={BibTeX}}", "not JSON"),
        ('"a string"', "CSL-JSON is a list of items, not a JSON str"),
        ('{"status": "ok", "message": {}}', "not a CSL item (a Crossref API response?"),
    ],
    ids=["empty", "trailing-comma", "bibtex", "string", "crossref-envelope"],
)
def test_text_that_is_not_csl_json_raises(text: str, reason: str) -> None:
    with pytest.raises(CSLJSONError) as caught:
        read_csl_json(text, path="refs.json")
    assert caught.value.path == "refs.json"
    assert reason in caught.value.reason
    assert isinstance(caught.value, RefsError)


def test_problem_is_the_same_class_as_bibtex() -> None:
    from refs.bibtex import Problem as BibProblem

    assert Problem is BibProblem
