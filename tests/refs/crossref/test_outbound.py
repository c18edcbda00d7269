"""What the client sends out (issue 16): DOIs as one path segment, redirects only to registry
hosts, a bounded total wait, and ``on_retry`` telling what is asked again."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from refs.crossref import CrossrefClient, CrossrefSettings
from refs.crossref.batching import work_url
from refs.crossref.deadline import registry_deadline
from refs.crossref.redirects import RedirectPolicy
from refs.errors import RegistryUnavailable
from tests.refs.crossref.conftest import FakeSleep
from tests.refs.crossref.recorded import CORRECTED, Recorder, work_response

pytestmark = pytest.mark.anyio

BASE = "https://crossref.test"


def redirect(location: str, status: int = 301) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def routes(answers: dict[str, httpx.Response]) -> Recorder:
    """Answer by URL without its query; anything else is a 599 the test would notice."""

    def answer(request: httpx.Request) -> httpx.Response:
        return answers.get(str(request.url.copy_with(query=None)), httpx.Response(599))

    return Recorder(answer)


# --- DOIs in paths ------------------------------------------------------------------------


def test_a_doi_is_one_path_segment() -> None:
    assert work_url(BASE, "10.1234/a/b") == f"{BASE}/works/10.1234%2Fa%2Fb"
    assert work_url("https://doi.org", "10.1234/a", prefix="") == "https://doi.org/10.1234%2Fa"


async def test_a_doi_with_encoded_dots_does_not_climb_to_another_path(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    recorder = Recorder(lambda request: httpx.Response(404, text="Resource not found."))
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        (outcome,) = await client.works(["10.1234/%2E%2E/%2E%2E/x"])
    first = recorder.requests[0].url
    # "%2E%2E" reads as "..": with "/" kept, the request would have gone to {BASE}/x.
    assert first.raw_path.split(b"?")[0] == b"/works/10.1234%2F..%2F..%2Fx"
    assert all(r.url.raw_path.startswith(b"/works/10.1234%2F") for r in recorder.requests)
    assert outcome.status == "not-found"


# --- redirects ----------------------------------------------------------------------------


async def test_a_redirect_within_the_registry_is_followed(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    alias = "10.1371/alias.0033693"  # an alias Crossref answers 301 for
    recorder = routes({
        work_url(BASE, alias): redirect(work_url(BASE, CORRECTED)),
        work_url(BASE, CORRECTED): work_response(CORRECTED),
    })
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        work = await client.work(alias)
    assert work.doi == CORRECTED
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "not a registry host"),
        ("http://intranet.example/admin", "not a registry host"),
        ("http://127.0.0.1:8080/admin", "not a registry host"),
        ("file:///etc/passwd", "file URL"),
    ],
)
async def test_a_redirect_elsewhere_is_not_followed_and_leaves_the_doi_unverified(
    settings: CrossrefSettings, sleep: FakeSleep, location: str, why: str
) -> None:
    recorder = routes({work_url(BASE, CORRECTED): redirect(location, 302)})
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        (outcome,) = await client.works([CORRECTED])
        with pytest.raises(RegistryUnavailable, match=why):
            await client.work(CORRECTED)
    assert outcome.status == "unverified" and why in (outcome.reason or "")
    assert {r.url.host for r in recorder.requests} == {"crossref.test"}
    assert len(recorder.requests) == 2  # one for each call: refused, not retried


async def test_a_listed_host_with_an_internal_address_is_still_refused(sleep: FakeSleep) -> None:
    settings = CrossrefSettings(base_url=BASE, registry_hosts=("10.0.0.7", "crossref.test"))
    recorder = routes({work_url(BASE, CORRECTED): redirect("http://10.0.0.7/works/x")})
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable, match="internal address 10.0.0.7"):
            await client.work(CORRECTED)
    assert len(recorder.requests) == 1


async def test_a_configured_registry_on_loopback_may_redirect_to_itself(
    sleep: FakeSleep,
) -> None:
    base = "http://127.0.0.1:8999/crossref"
    settings = CrossrefSettings(base_url=base)
    recorder = routes({
        work_url(base, "10.1371/alias.0033693"): redirect(work_url(base, CORRECTED)),
        work_url(base, CORRECTED): work_response(CORRECTED),
    })
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        work = await client.work("10.1371/alias.0033693")
    assert work.doi == CORRECTED


async def test_redirects_stop_after_five_hops(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    url = work_url(BASE, CORRECTED)
    recorder = routes({url: redirect(url)})
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable, match="more than 5 redirects"):
            await client.work(CORRECTED)
    assert len(recorder.requests) == 6


def test_policy_reads_the_address_not_just_the_name() -> None:
    policy = RedirectPolicy.for_registry(["https://api.crossref.org", "https://doi.org"],
                                         ["data.crossref.org", "localhost", "::1", "10.1.2.3"])
    follows = [
        "https://api.crossref.org/works/x", "https://data.crossref.org/x", "https://doi.org/x",
    ]
    refuses = [
        "http://localhost/x", "http://[::1]/x", "http://10.1.2.3/x", "ftp://doi.org/x",
        "http://evil.example/x", "http://[::ffff:7f00:1]/x",
    ]
    assert [policy.refusal(httpx.URL(u)) for u in follows] == [None, None, None]
    assert all(policy.refusal(httpx.URL(u)) for u in refuses)


def test_the_configured_loopback_registry_is_allowed_on_its_own_port_only() -> None:
    policy = RedirectPolicy.for_registry(["http://127.0.0.1:8999"], [])
    assert policy.refusal(httpx.URL("http://127.0.0.1:8999/works/y")) is None
    assert "internal address" in (policy.refusal(httpx.URL("http://127.0.0.1:22/")) or "")


# --- the total wait -------------------------------------------------------------------------


async def hang(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(3600)
    raise AssertionError("never answered")


async def test_a_hung_registry_leaves_every_doi_unverified_once_the_wait_is_spent() -> None:
    settings = CrossrefSettings(base_url=BASE, wait=0.3, timeout=20.0)
    started = time.monotonic()
    async with CrossrefClient(settings, transport=httpx.MockTransport(hang)) as client:
        outcomes = await client.works([CORRECTED, "10.5555/other", "not a doi"])
        with pytest.raises(RegistryUnavailable, match="0.3s allowed"):
            await client.work(CORRECTED)
        with pytest.raises(RegistryUnavailable, match="0.3s allowed"):
            await client.search("Exercise therapy for chronic low back pain")
    assert [o.status for o in outcomes] == ["unverified", "unverified", "invalid"]
    assert all("within the 0.3s allowed" in (o.reason or "") for o in outcomes[:2])
    assert time.monotonic() - started < 10  # three waits of 0.3 s, not 20 s timeouts


def test_the_wait_must_be_positive() -> None:
    with pytest.raises(ValueError, match="wait must be positive"):
        CrossrefSettings(wait=0)


# --- on_retry -------------------------------------------------------------------------------


async def test_on_retry_hears_the_url_the_delay_and_the_reason(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    answers = [httpx.Response(503, text="busy"), work_response(CORRECTED)]
    recorder = Recorder(lambda request: answers.pop(0))
    heard: list[tuple[str, float, str]] = []
    async with CrossrefClient(settings, transport=recorder.transport(), sleep=sleep,
                              on_retry=lambda url, delay, reason: heard.append(
                                  (url, delay, reason))) as client:
        work = await client.work(CORRECTED)
    assert work.doi == CORRECTED
    assert len(heard) == 1
    url, delay, reason = heard[0]
    assert url == work_url(BASE, CORRECTED)
    assert delay == sleep.delays[0] and delay > 0
    assert "503" in reason


async def test_calls_inside_a_registry_deadline_share_one_wait() -> None:
    settings = CrossrefSettings(base_url=BASE, wait=60.0)
    started = time.monotonic()
    async with CrossrefClient(settings, transport=httpx.MockTransport(hang)) as client:
        with registry_deadline(0.4):
            (outcome,) = await client.works([CORRECTED])
            with pytest.raises(RegistryUnavailable, match="within the 0s allowed"):
                await client.search("Exercise therapy for chronic low back pain")
    assert outcome.status == "unverified"
    assert time.monotonic() - started < 10  # one shared 0.4 s, not two 60 s waits
