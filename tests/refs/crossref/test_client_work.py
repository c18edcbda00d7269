"""CrossrefClient.work: one DOI, judged, retried, routed, against recorded answers."""

from __future__ import annotations

import httpx
import pytest

from refs.crossref import CrossrefClient, CrossrefSettings, user_agent
from refs.errors import DOINotFound, InvalidDOI, RateLimited, RegistryUnavailable
from tests.refs.crossref.conftest import FakeSleep
from tests.refs.crossref.recorded import (
    CORRECTED,
    NOT_A_DOI_THERE,
    RETRACTED,
    SICI,
    SICI_BRACKETS,
    Recorder,
    recorded_error,
    work_response,
)

pytestmark = pytest.mark.anyio


def agency_answer(doi: str, agency: str) -> httpx.Response:
    # The shape of Crossref's /works/{doi}/agency answer; no recording of one exists.
    message = {"DOI": doi, "agency": {"id": agency, "label": agency}}
    body = {"status": "ok", "message-type": "work-agency", "message-version": "1.0.0"}
    return httpx.Response(200, json={**body, "message": message})


def sequence(*responses: httpx.Response | Exception) -> Recorder:
    """Answer each request with the next response (or raise the next exception)."""
    queue = list(responses)

    def answer(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return Recorder(answer)


async def test_found_work_has_real_title_and_authors(settings: CrossrefSettings) -> None:
    recorder = sequence(work_response(CORRECTED))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        work = await client.work(f"https://doi.org/{CORRECTED.upper()}")
    assert work.doi == CORRECTED
    assert work.title.startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert [a.family for a in work.authors][:2] == ["Sadasivan", "Pond"]
    assert work.corrected and not work.retracted
    assert work.raw is not None and work.raw["DOI"] == "10.1371/journal.pone.0033693"
    assert recorder.paths() == ["/works/10.1371/journal.pone.0033693"]


async def test_retracted_work_keeps_one_update_per_source(settings: CrossrefSettings) -> None:
    async with CrossrefClient(
        settings, transport=sequence(work_response(RETRACTED)).transport()
    ) as client:
        work = await client.work(RETRACTED)
    assert work.retracted
    assert work.title.startswith("Retracted: Evil Genius?")
    assert sorted(u.source or "" for u in work.updates) == ["publisher", "retraction-watch"]
    assert {u.doi for u in work.updates} == {"10.1177/09567976231187595"}


async def test_polite_pool_mailto_and_user_agent(settings: CrossrefSettings) -> None:
    recorder = sequence(work_response(CORRECTED))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        await client.work(CORRECTED)
    request = recorder.requests[0]
    assert request.url.params["mailto"] == "tests@example.org"
    assert request.headers["user-agent"] == "refs/0.1.0 (mailto:tests@example.org)"


async def test_the_application_names_itself_in_the_user_agent(settings: CrossrefSettings
                                                              ) -> None:
    from dataclasses import replace

    named = replace(settings, tool="atool/2.1", tool_url="https://atool.example")
    assert user_agent(named) == "atool/2.1 (https://atool.example; mailto:tests@example.org)"
    assert user_agent(replace(named, mailto=None)) == "atool/2.1 (https://atool.example)"


async def test_public_pool_sends_no_mailto() -> None:
    recorder = sequence(work_response(CORRECTED))
    async with CrossrefClient(transport=recorder.transport()) as client:
        await client.work(CORRECTED)
    request = recorder.requests[0]
    assert "mailto" not in request.url.params
    assert str(request.url).startswith("https://api.crossref.org/works/")
    assert "mailto" not in request.headers["user-agent"]


@pytest.mark.parametrize("doi", [SICI, SICI_BRACKETS], ids=["angle-brackets", "square-brackets"])
async def test_sici_dois_are_percent_encoded_in_the_path(
    doi: str, settings: CrossrefSettings
) -> None:
    recorder = sequence(work_response(doi))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        work = await client.work(doi)
    assert work.doi == doi
    raw_path = recorder.requests[0].url.raw_path.decode()
    assert not set("<>;()[]") & set(raw_path.split("?")[0])
    assert recorder.requests[0].url.path == f"/works/{doi}"


async def test_hash_question_mark_and_percent_stay_in_the_path(
    settings: CrossrefSettings,
) -> None:
    recorder = sequence(httpx.Response(404, text="Resource not found."))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        with pytest.raises(DOINotFound):
            await client.work("10.1234/a#b?c%zz")
    first = recorder.requests[0].url
    assert first.raw_path.decode().startswith("/works/10.1234%2Fa%23b%3Fc%25zz?")
    assert first.path == "/works/10.1234/a#b?c%zz"
    assert recorder.requests[1].url.path == "/works/10.1234/a#b?c%zz/agency"


async def test_base_url_elsewhere_is_used_for_every_request(sleep: FakeSleep) -> None:
    settings = CrossrefSettings(
        base_url="http://mirror.test:8080/crossref/", doi_url="http://resolver.test/doi"
    )
    recorder = sequence(
        httpx.Response(404, text="Resource not found."),
        agency_answer("10.5555/x", "datacite"),
        httpx.Response(406),
    )
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable):
            await client.work("10.5555/x")
    assert [str(r.url).split("?")[0] for r in recorder.requests] == [
        "http://mirror.test:8080/crossref/works/10.5555%2Fx",
        "http://mirror.test:8080/crossref/works/10.5555%2Fx/agency",
        "http://resolver.test/doi/10.5555%2Fx",
    ]


async def test_recorded_404_with_no_agency_is_not_found(settings: CrossrefSettings) -> None:
    recorder = sequence(recorded_error("404__works_10.1371_notarealdoi"))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        with pytest.raises(DOINotFound) as raised:
            await client.work(NOT_A_DOI_THERE)
    assert raised.value.doi == NOT_A_DOI_THERE
    assert recorder.paths() == [f"/works/{NOT_A_DOI_THERE}", f"/works/{NOT_A_DOI_THERE}/agency"]
    assert client.stats.agency_requests == 1 and client.stats.retries == 0


async def test_datacite_doi_goes_to_content_negotiation(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    # No recorded CSL-JSON answer exists, so this checks the route and that its failure
    # is "unverified" (RegistryUnavailable), never "not found".
    doi = "10.5061/dryad.8515"
    recorder = sequence(
        recorded_error("404__works_10.1371_notarealdoi"),
        agency_answer(doi, "DataCite"),
        httpx.Response(503, text="<html>down</html>", headers={"content-type": "text/html"}),
    )
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.work(doi)
    assert not isinstance(raised.value, DOINotFound)
    negotiation = [r for r in recorder.requests if r.url.host == "doi.org"]
    assert negotiation and str(negotiation[0].url) == "https://doi.org/" + doi.replace("/", "%2F")
    assert negotiation[0].headers["accept"] == "application/vnd.citationstyles.csl+json"
    assert client.stats.content_negotiation_requests == len(negotiation) == 4  # 1 + 3 retries


async def test_crossref_agency_without_record_is_unverified(settings: CrossrefSettings) -> None:
    recorder = sequence(
        httpx.Response(404, text="Resource not found."), agency_answer("10.1234/x", "crossref")
    )
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        with pytest.raises(RegistryUnavailable, match="no record"):
            await client.work("10.1234/x")


async def test_html_404_is_not_a_verdict(settings: CrossrefSettings) -> None:
    page = httpx.Response(404, text="<html>nginx</html>", headers={"content-type": "text/html"})
    async with CrossrefClient(settings, transport=sequence(page).transport()) as client:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.work(CORRECTED)
    assert raised.value.status == 404 and not isinstance(raised.value, DOINotFound)


@pytest.mark.parametrize(
    "failure",
    [
        recorded_error("429__works_10.1039"),
        recorded_error("500__works__252430"),
        recorded_error("504__members_98"),
        httpx.Response(200, text='{"status":"ok","message-type":"wo'),
        httpx.Response(200, json={"status": "ok", "message-type": "work-list", "message": {}}),
        httpx.Response(200, text="<!DOCTYPE html><html>maintenance</html>"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection without sending complete body"),
    ],
    ids=[
        "429-html",
        "500",
        "504-html",
        "garbage",
        "wrong-envelope",
        "html-200",
        "timeout",
        "dropped",
    ],
)
async def test_silence_is_retried_then_answered(
    failure: httpx.Response | Exception, settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = sequence(failure, failure, work_response(CORRECTED))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        work = await client.work(CORRECTED)
    assert work.doi == CORRECTED
    assert client.stats.retries == 2 and client.stats.requests == 3
    assert len([d for d in sleep.delays if d >= 0.25]) >= 2  # backoff happened, not for real


@pytest.mark.parametrize(
    "failure",
    [
        recorded_error("429__works_10.1039"),
        recorded_error("500__works"),
        httpx.ReadTimeout("timed out"),
        httpx.Response(200, text="garbage"),
    ],
    ids=["429", "500", "timeout", "garbage"],
)
async def test_silence_is_never_not_found(
    failure: httpx.Response | Exception, settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = sequence(failure)
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.work(CORRECTED)
    assert not isinstance(raised.value, DOINotFound)
    assert "after 4 tries" in raised.value.reason
    assert client.stats.requests == 4 and client.stats.agency_requests == 0


async def test_recorded_429_counts_as_rate_limited(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = sequence(recorded_error("429__works_10.1039"))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RateLimited):
            await client.work(CORRECTED)
    assert client.stats.rate_limited == 4


async def test_retry_after_is_honoured(settings: CrossrefSettings, sleep: FakeSleep) -> None:
    limited = httpx.Response(429, text="slow down", headers={"retry-after": "7"})
    recorder = sequence(limited, work_response(CORRECTED))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        await client.work(CORRECTED)
    assert 7.0 in sleep.delays


async def test_retry_budget_bounds_the_wait(sleep: FakeSleep) -> None:
    settings = CrossrefSettings(base_url="https://crossref.test", max_retries=10, retry_budget=5)
    limited = httpx.Response(429, text="slow down", headers={"retry-after": "30"})
    recorder = sequence(limited)
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RateLimited, match="budget of 5s spent") as raised:
            await client.work(CORRECTED)
    assert raised.value.retry_after == 30.0
    assert recorder.requests and len(recorder.requests) == 1
    assert 30.0 not in sleep.delays


async def test_a_refusal_is_not_retried(settings: CrossrefSettings, sleep: FakeSleep) -> None:
    recorder = sequence(recorded_error("400__works_10.1371"))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable) as raised:
            await client.work(CORRECTED)
    assert raised.value.status == 400 and client.stats.requests == 1


async def test_invalid_doi_asks_nothing(settings: CrossrefSettings) -> None:
    recorder = sequence(work_response(CORRECTED))
    async with CrossrefClient(settings, transport=recorder.transport()) as client:
        with pytest.raises(InvalidDOI):
            await client.work("11.1234/not-a-doi")
    assert recorder.requests == []


async def test_headers_raise_the_single_budget(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    polite = [
        ("x-rate-limit-limit", "10"),
        ("x-rate-limit-interval", "1s"),
        ("x-concurrency-limit", "3"),
        ("x-api-pool", "polite"),
    ]
    recorder = sequence(work_response(CORRECTED, headers=polite))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        await client.work(CORRECTED)
        await client.work(CORRECTED)
        single = client._limiters["single"].current
        listing = client._limiters["list"].current
    assert (single.limit, single.concurrency, single.pool) == (10, 3, "polite")
    assert listing.limit == 1  # a single answer says nothing about the list budget
