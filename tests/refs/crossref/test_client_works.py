"""CrossrefClient.works: batching into list requests, outcomes per DOI, and search."""

from __future__ import annotations

import math

import httpx
import pytest

from refs.crossref import CrossrefClient, CrossrefSettings
from refs.crossref.batching import list_url, plan_batches
from refs.work import SearchHit
from tests.refs.crossref.conftest import FakeSleep
from tests.refs.crossref.recorded import (
    CORRECTED,
    NOT_A_DOI_THERE,
    RETRACTED,
    SICI,
    Recorder,
    all_recorded_dois,
    list_response,
    query_response,
    recorded_error,
    work_response,
)

pytestmark = pytest.mark.anyio

RECORDED = all_recorded_dois()


def fake_crossref(*, list_failure: httpx.Response | None = None) -> Recorder:
    """Answers like Crossref from the recordings: lists hold the recorded DOIs asked for."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/works":
            if list_failure is not None:
                return list_failure
            asked = [p.removeprefix("doi:") for p in request.url.params["filter"].split(",")]
            return list_response([doi for doi in asked if doi in RECORDED])
        doi = path.removeprefix("/works/")
        if doi.endswith("/agency") or doi not in RECORDED:
            return recorded_error("404__works_10.1371_notarealdoi")
        return work_response(doi)

    return Recorder(answer)


async def test_many_dois_in_few_list_requests(sleep: FakeSleep) -> None:
    settings = CrossrefSettings(base_url="https://crossref.test", mailto="t@example.org")
    recorder = fake_crossref()
    done: list[int] = []
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        outcomes = await client.works(RECORDED, progress=done.append)
    assert [o.doi for o in outcomes] == RECORDED
    assert all(o.status == "found" and o.work and o.work.doi == o.doi for o in outcomes)
    assert client.stats.list_requests == math.ceil(len(RECORDED) / 50) == len(recorder.requests)
    assert client.stats.single_requests == 0
    assert sum(done) == len(RECORDED)
    for request in recorder.requests:
        dois = request.url.params["filter"].split(",")
        assert int(request.url.params["rows"]) >= len(dois)
        assert len(str(request.url)) <= settings.max_url_length
    assert outcomes[0].source and outcomes[0].source.startswith("https://crossref.test/works?")


async def test_outcomes_in_order_with_duplicates_invalid_and_missing(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = fake_crossref()
    asked = [RETRACTED, "not a doi", CORRECTED.upper(), NOT_A_DOI_THERE, CORRECTED, "not a doi"]
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        outcomes = await client.works(asked)
    assert [o.status for o in outcomes] == [
        "found",
        "invalid",
        "found",
        "not-found",
        "found",
        "invalid",
    ]
    assert outcomes[0].work is not None and outcomes[0].work.retracted
    assert outcomes[1].reason == "a DOI starts with '10.'"
    assert outcomes[2] is outcomes[4]
    assert outcomes[3].reason and NOT_A_DOI_THERE in outcomes[3].reason
    encoded = NOT_A_DOI_THERE.replace("/", "%2F")  # a DOI is one path segment
    assert outcomes[3].source == f"https://crossref.test/works/{encoded}"
    # One list request for the three; the one it left out is asked on its own, once.
    assert recorder.paths() == [
        "/works",
        f"/works/{NOT_A_DOI_THERE}",
        f"/works/{NOT_A_DOI_THERE}/agency",
    ]
    assert recorder.requests[0].url.params["filter"].count("doi:") == 3


async def test_list_silence_makes_every_doi_unverified(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = fake_crossref(list_failure=recorded_error("429__works_10.1039"))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        outcomes = await client.works([RETRACTED, CORRECTED, NOT_A_DOI_THERE])
    assert {o.status for o in outcomes} == {"unverified"}
    assert all("429" in (o.reason or "") for o in outcomes)
    assert client.stats.single_requests == 0 and client.stats.rate_limited == 4


async def test_list_refusal_falls_back_to_single_requests(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = fake_crossref(list_failure=recorded_error("400__works_10.1371"))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        outcomes = await client.works([RETRACTED, CORRECTED])
    assert [o.status for o in outcomes] == ["found", "found"]
    assert client.stats.list_requests == 1 and client.stats.single_requests == 2


async def test_single_doi_skips_the_list(settings: CrossrefSettings, sleep: FakeSleep) -> None:
    recorder = fake_crossref()
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        [outcome] = await client.works([SICI])
    assert outcome.status == "found" and outcome.source and outcome.source.endswith("co%3B2-v")
    assert recorder.paths() == [f"/works/{SICI}"]


def test_batches_respect_size_url_length_and_commas() -> None:
    dois = [f"10.1234/{'x' * 60}.{i}" for i in range(30)] + ["10.1234/a,b"]
    settings = CrossrefSettings(batch_size=10, max_url_length=400, mailto="t@example.org")
    batches, lone = plan_batches(dois, settings)
    assert lone == ["10.1234/a,b"]
    assert [d for batch in batches for d in batch] == dois[:30]
    assert all(2 <= len(batch) <= 10 for batch in batches)
    assert len(batches) > 3  # the URL bound, not the batch size, cut them
    urls = [str(httpx.URL(url, params={**params, "mailto": "t@example.org"}))
            for url, params in (list_url(batch, settings) for batch in batches)]
    assert all(len(u) <= 400 for u in urls)
    assert all(len(u) > 400 - 3 * 80 for u in urls[:-1])  # each as full as the bound allows
    unbounded, _ = plan_batches(dois[:30], CrossrefSettings(batch_size=10))
    assert [len(b) for b in unbounded] == [10, 10, 10]


async def test_search_returns_scored_hits_from_a_recorded_answer(
    settings: CrossrefSettings,
) -> None:
    response, meta = query_response("search-based-reference-matcher__unstructured-ref-response-1")
    recorder = Recorder(lambda request: response)
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        hits = await client.search("Tkaczyk et al. CERMINE 2015", rows=5)
    assert len(hits) == meta["n_items"] == 5
    assert all(isinstance(hit, SearchHit) for hit in hits)
    assert [h.work.doi for h in hits] == [doi.lower() for doi, _ in meta["top_items"]][:5]
    assert hits[0].score == pytest.approx(meta["top_items"][0][1])
    request = recorder.requests[0]
    assert request.url.params["query.bibliographic"] == "Tkaczyk et al. CERMINE 2015"
    assert request.url.params["rows"] == "5" and client.stats.search_requests == 1


async def test_search_refuses_empty_text(settings: CrossrefSettings) -> None:
    async with CrossrefClient(settings, transport=fake_crossref().transport()) as client:
        with pytest.raises(ValueError, match="empty"):
            await client.search("   ")
