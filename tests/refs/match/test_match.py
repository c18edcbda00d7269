"""Matching against recorded Crossref search responses (CrossRef/search-based-reference-matcher,
MIT; see tests/fixtures/PROVENANCE.md) through a fake WorkSource."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refs.errors import RegistryUnavailable
from refs.match import (
    DEFAULT_THRESHOLD,
    ParsedReference,
    build_query,
    match_reference,
    parse_reference,
    score_candidate,
)
from refs.work import Person, SearchHit, Work, work_from_crossref

QUERIES = Path(__file__).parents[2] / "fixtures" / "crossref" / "queries"
CERMINE = "10.1007/s10032-015-0249-8"
# The two strings Crossref's own matcher tests with these responses (see the .meta.json).
FOUND = (
    "[1]D. Tkaczyk, P. Szostek, M. Fedoryszak, P. J. Dendek, and Bolikowski,\u201cCERMINE: "
    "automatic extraction of structured metadata from scientific literature,\u201d "
    "International Journal on Document Analysis and Recognition (IJDAR), vol. 18, no. 4, "
    "pp. 317\u2013335, 2015."
)
NOT_FOUND = (
    "P. Szostek, M. Fedoryszak, P. J. Dendek, and \u0141. Bolikowski,\u201cCERMINE: automatic "
    "extraction of structured metadata from scientific literature,\u201d IJDAR, vol. 14, "
    "no. 40, pp. 310\u2013335, 2016."
)
ELSEWHERE = (
    "Gino, F., & Wiltermuth, S. S. (2014). Evil Genius? How Dishonesty Can Lead to Greater "
    "Creativity. Psychological Science, 25(4), 973\u2013981."
)


class RecordedSource:
    """A WorkSource answering every search with one recorded Crossref response."""

    def __init__(self, name: str) -> None:
        body = json.loads((QUERIES / f"search-based-reference-matcher__{name}.json").read_text())
        self.hits = [
            SearchHit(work_from_crossref(item), float(item["score"]))
            for item in body["message"]["items"]
        ]
        self.queries: list[tuple[str, int]] = []

    async def search(self, bibliographic: str, *, rows: int = 5) -> list[SearchHit]:
        self.queries.append((bibliographic, rows))
        return self.hits[:rows]


class DownSource:
    async def search(self, bibliographic: str, *, rows: int = 5) -> list[SearchHit]:
        raise RegistryUnavailable("timed out", url="https://api.crossref.org/works")


@pytest.mark.anyio
async def test_the_cited_work_is_found_with_confidence() -> None:
    source = RecordedSource("unstructured-ref-response-1")
    match = await match_reference(FOUND, source)
    assert match.doi == CERMINE
    assert match.work is not None and match.work.doi == CERMINE
    assert match.confidence >= 0.9 > DEFAULT_THRESHOLD
    assert match.candidates == 5
    assert any("volume 18 agrees" in r for r in match.reasons)
    assert source.queries == [(" ".join(FOUND.split()), 5)]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("text", "response"),
    [(NOT_FOUND, "unstructured-ref-response-2"), (ELSEWHERE, "unstructured-ref-response-1")],
    ids=["wrong-volume-year-pages", "not-among-candidates"],
)
async def test_a_reference_that_does_not_validate_stays_unmatched(
    text: str, response: str
) -> None:
    match = await match_reference(text, RecordedSource(response))
    assert (match.work, match.doi) == (None, None)
    assert match.confidence < DEFAULT_THRESHOLD
    assert match.candidates == 5
    assert any("below" in r for r in match.reasons)


@pytest.mark.anyio
async def test_a_parsed_reference_without_text_is_matched_on_its_fields() -> None:
    ref = ParsedReference(
        text="", year=2015, first_author="Tkaczyk", authors=("Tkaczyk",),
        title="CERMINE: automatic extraction of structured metadata from scientific literature",
        container="IJDAR", volume="18", issue="4", pages="317-35",
    )
    source = RecordedSource("structured-ref-response-1")
    match = await match_reference(ref, source)
    assert match.doi == CERMINE
    assert "Tkaczyk CERMINE" in source.queries[0][0]


@pytest.mark.anyio
async def test_the_registry_being_down_is_not_a_missing_match() -> None:
    with pytest.raises(RegistryUnavailable):
        await match_reference(FOUND, DownSource())


@pytest.mark.anyio
async def test_an_empty_reference_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        await match_reference("  ", RecordedSource("single-doi-response-1"))


@pytest.mark.anyio
async def test_no_candidates_at_all() -> None:
    source = RecordedSource("single-doi-response-1")
    source.hits = []
    match = await match_reference(FOUND, source)
    assert (match.doi, match.confidence, match.candidates) == (None, 0.0, 0)


def test_a_written_doi_that_names_the_candidate_is_certain() -> None:
    hit = RecordedSource("single-doi-response-1").hits[0]
    ref = parse_reference(f"Tkaczyk D. CERMINE. doi:{CERMINE}")
    assert score_candidate(ref, hit.work)[0] == 1.0


def test_numbers_the_record_lacks_are_counted_in_the_reasons_singular_or_plural() -> None:
    work = Work(doi="10.5555/x", title="Exercise for back pain in office staff",
                authors=(Person(family="Smith", given="Ann"),), container_title="Spine",
                volume="18", pages="317-335")
    written = "Smith A. Exercise for back pain in office staff. Spine. 18(4):317-335."
    one = score_candidate(parse_reference(written), work)[1]
    two = score_candidate(parse_reference(written + " 77"), work)[1]
    assert one[-1] == "1 number in the reference not in the record"
    assert two[-1] == "2 numbers in the reference not in the record"


def test_a_near_miss_from_the_same_authors_is_refused_for_want_of_support() -> None:
    hits = RecordedSource("unstructured-ref-response-1").hits
    conference = next(h for h in hits if h.work.doi == "10.1045/november2015-tkaczyk")
    confidence, reasons = score_candidate(parse_reference(FOUND), conference.work, conference.score)
    assert confidence == 0.0
    assert "too little agrees" in reasons[-1]


def test_the_query_is_the_text_or_the_fields() -> None:
    assert build_query(parse_reference("  A  b\n c ")) == "A b c"
    fields = ParsedReference(text="", title="T", year=2020, first_author="F", volume="3")
    assert build_query(fields) == "F T 3 2020"
