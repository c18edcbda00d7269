"""Rate-limit headers, Retry-After, backoff, pacing and the limiter."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from refs.crossref.limits import (
    DEFAULT_LIMITS,
    LateForSlot,
    Limiter,
    Pacer,
    RateLimit,
    RequestKind,
    SendBy,
    Slots,
    backoff_delay,
    parse_interval,
    parse_rate_limit,
    parse_retry_after,
)
from tests.refs.crossref.recorded import CROSSREF, recorded_headers


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {
                "x-rate-limit-limit": "10",
                "x-rate-limit-interval": "1s",
                "x-concurrency-limit": "3",
                "x-api-pool": "polite",
            },
            RateLimit(10, 1.0, 3, "polite"),
        ),
        ({"X-Rate-Limit-Limit": "50, 50", "X-Rate-Limit-Interval": "1s, 1s"}, RateLimit(50, 1.0)),
        ({"x-ratelimit-limit": "50", "x-ratelimit-interval": "1s"}, RateLimit(50, 1.0)),
        ({"x-rate-limit-limit": "3000", "x-rate-limit-interval": "60s"}, RateLimit(3000, 60.0)),
        ({"x-concurrency-limit": "1", "x-api-pool": "Public"}, RateLimit(None, None, 1, "public")),
        ({"x-rate-limit-limit": "many", "x-api-pool": "polite"}, RateLimit(pool="polite")),
        ({"content-type": "text/html"}, None),
    ],
    ids=[
        "polite",
        "duplicated",
        "ratelimit-spelling",
        "per-minute",
        "no-rate",
        "unreadable",
        "none",
    ],
)
def test_parse_rate_limit(headers: dict[str, str], expected: RateLimit | None) -> None:
    assert parse_rate_limit(headers) == expected


def test_parse_rate_limit_reads_recorded_404_headers() -> None:
    meta = json.loads(
        (
            CROSSREF / "errors" / "404__works_10.1371_notarealdoi__25d84f.response-headers.json"
        ).read_text(encoding="utf-8")
    )
    limits = parse_rate_limit(dict(recorded_headers(meta["headers"])))
    assert limits == RateLimit(5, 1.0, 1, "public")
    assert limits is not None and limits.per_second == 5.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1s", 1.0),
        ("60s", 60.0),
        ("500ms", 0.5),
        ("1m", 60.0),
        ("2", 2.0),
        ("0s", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_interval(text: str | None, seconds: float | None) -> None:
    assert parse_interval(text) == seconds


def test_parse_retry_after_seconds_and_dates() -> None:
    now = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("120, 120") == 120.0
    assert parse_retry_after("Mon, 05 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 05 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("whenever") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_exponentially_within_jitter_and_cap() -> None:
    assert backoff_delay(0, jitter=0.0) == 0.25
    assert backoff_delay(0, jitter=0.999) < 0.5
    assert backoff_delay(3, jitter=0.0) == 2.0
    assert backoff_delay(20, cap=30.0, jitter=0.999) <= 30.0
    assert backoff_delay(20, cap=30.0, jitter=0.0) == 15.0


def test_pacer_spaces_sends_and_honours_a_hold() -> None:
    pacer = Pacer(rate=4.0)
    assert [pacer.reserve(now=10.0) for _ in range(3)] == [0.0, 0.25, 0.5]
    pacer.rate = 10.0  # a faster limit read from headers applies to the next send at once
    assert pacer.reserve(now=10.0) == pytest.approx(0.6)
    pacer.hold(until=20.0)
    assert pacer.reserve(now=11.0) == 9.0


def test_limiter_starts_conservative_and_adapts_to_headers() -> None:
    async def scenario() -> tuple[list[float], RateLimit]:
        delays: list[float] = []

        async def sleep(seconds: float) -> None:
            delays.append(seconds)

        limiter = Limiter(DEFAULT_LIMITS["list"], clock=lambda: 0.0, sleep=sleep)
        for _ in range(2):
            async with limiter.slot():
                pass
        await limiter.adapt(RateLimit(3, 1.0, 3, "polite"))
        async with limiter.slot():
            pass
        limiter.hold(5.0)
        async with limiter.slot():
            pass
        return delays, limiter.current

    delays, current = asyncio.run(scenario())
    # 1/s at first: the second send waits 1 s; at 3/s the third waits only 1/3 s more.
    assert delays[:2] == [1.0, pytest.approx(1 + 1 / 3)]
    assert delays[2] == 5.0
    assert current == RateLimit(3, 1.0, 3, "polite")


def test_limiter_keeps_what_headers_leave_out() -> None:
    async def scenario() -> RateLimit:
        limiter = Limiter(RateLimit(5, 1.0, 1))
        await limiter.adapt(RateLimit(concurrency=3))
        await limiter.adapt(None)
        return limiter.current

    assert asyncio.run(scenario()) == RateLimit(5, 1.0, 3)


def test_slots_bound_concurrency_and_can_grow() -> None:
    async def scenario() -> list[int]:
        slots = Slots(1)
        seen: list[int] = []

        async def job() -> None:
            async with slots.taken():
                seen.append(slots.busy)
                await asyncio.sleep(0)

        first = [asyncio.create_task(job()) for _ in range(3)]
        await asyncio.gather(*first)
        await slots.resize(3)
        await asyncio.gather(*(job() for _ in range(3)))
        return seen

    seen = asyncio.run(scenario())
    assert seen[:3] == [1, 1, 1]
    assert max(seen[3:]) == 3


def test_the_client_paces_through_the_limiters_it_is_given() -> None:
    import asyncio
    from contextlib import asynccontextmanager

    import httpx

    from refs.crossref import CrossrefClient, CrossrefSettings

    used: list[str] = []
    made: list[RequestKind] = []

    class Recording:
        def __init__(self, kind: RequestKind) -> None:
            self.kind = kind

        @asynccontextmanager
        async def slot(self) -> AsyncIterator[None]:
            used.append(self.kind)
            yield

        async def adapt(self, advertised: RateLimit | None) -> None:
            used.append(f"adapt {self.kind}")

        def hold(self, seconds: float) -> None:
            used.append(f"hold {self.kind}")

    def make(kind: RequestKind, start: RateLimit) -> Recording:
        made.append(kind)
        return Recording(kind)

    transport = httpx.MockTransport(lambda request: httpx.Response(404, text="Resource not found."))

    async def run() -> None:
        async with CrossrefClient(CrossrefSettings(), transport=transport, limiters=make) as client:
            await client.works(["10.1000/x"])

    asyncio.run(run())
    assert sorted(made) == ["list", "resolver", "single"]
    assert used[:2] == ["single", "adapt single"]  # a lone DOI: /works/{doi}, then its agency


def test_a_send_time_reached_late_is_given_up_for_a_new_one() -> None:
    """Issue 14: a request that would leave well after its send time (its process fell
    behind) arrives in a bunch with those sent on time after it; it takes a new one."""
    now = [100.0]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds + (1.0 if len(sleeps) == 1 else 0.0)  # the first wakes 1 s late

    async def scenario() -> list[float]:
        limiter = Limiter(RateLimit(4, 1.0, 2), clock=lambda: now[0], sleep=sleep)
        sent = []
        for _ in range(2):
            async with limiter.slot() as send_by:
                assert send_by.late() <= 0
                sent.append(now[0])
        return sent

    sent = asyncio.run(scenario())
    # 4/s: the second waits 0.25 s but wakes at +1.25; it gives that time up and takes the
    # next free one (0.5 after the first), reached at +1.25: no wait, in time.
    assert sleeps == [0.25]
    assert sent == [100.0, 101.25]


def test_a_limiter_starved_past_its_tries_sends_late_rather_than_never() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def clock() -> float:  # a second passes between any two looks: always late
        now[0] += 1.0
        return now[0]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def scenario() -> float:
        limiter = Limiter(RateLimit(2, 1.0, 1), clock=clock, sleep=sleep)
        async with limiter.slot() as send_by:
            return send_by.latest

    assert asyncio.run(scenario()) == float("inf")
    assert sleeps == []  # each new send time was already past when it was given


def test_send_by_checks_just_before_the_request_is_written() -> None:
    now = [10.0]
    send_by = SendBy(10.5, lambda: now[0])

    async def trace(event: str) -> None:
        await send_by.trace(event, {})

    now[0] = 10.6
    asyncio.run(trace("connection.connect_tcp.started"))  # connecting: not yet on the wire
    with pytest.raises(LateForSlot):
        asyncio.run(trace("http11.send_request_headers.started"))
    in_time = SendBy(10.5, lambda: now[0] - 1.0)
    asyncio.run(in_time.trace("http11.send_request_headers.started", {}))
    now[0] = 20.0  # a redirect's hop (httpx hands it the same extensions): not held back
    asyncio.run(in_time.trace("http11.send_request_headers.started", {}))
    assert in_time.written


def test_the_client_keeps_a_late_request_back_and_sends_it_on_a_new_slot() -> None:
    import httpx

    from refs.crossref import CrossrefClient, CrossrefSettings
    from refs.errors import DOINotFound

    now = [0.0]
    limiter = _Giving(lambda: SendBy(now[0] + 0.1, lambda: now[0]))
    given = limiter.given

    class Transport(httpx.AsyncBaseTransport):
        """Like httpcore: traces the headers' writing; the first request finds the process
        a second behind by then."""

        def __init__(self) -> None:
            self.sent = 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not given[:-1]:
                now[0] += 1.0
            await request.extensions["trace"]("http11.send_request_headers.started", {})
            self.sent += 1
            return httpx.Response(404, text="Resource not found.")

    transport = Transport()

    async def run() -> CrossrefClient:
        async with CrossrefClient(CrossrefSettings(max_retries=0), transport=transport,
                                  limiters=limiter.make) as client:
            with pytest.raises(DOINotFound):
                await client.work("10.1000/x")
        return client

    client = asyncio.run(run())
    assert len(given) == 3  # the single request kept back once, then sent; then its agency
    assert transport.sent == 2
    assert (client.stats.late, client.stats.requests) == (1, 2)


def test_a_request_on_a_slow_new_connection_is_sent_on_it_not_dropped_with_it() -> None:
    """Opening a connection to the registry (TCP and TLS) takes longer than half a spacing.
    Given up when late after it, each request on a new connection closed the connection just
    opened, and each new send time opened (and dropped) another: it waits on the connection
    for a new send time instead (the limiters renew it)."""
    import httpcore
    import httpx

    from refs.crossref import CrossrefClient, CrossrefSettings
    from refs.errors import DOINotFound

    now = [0.0]
    not_found = (b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\n"
                 b"content-length: 19\r\n\r\nResource not found.")

    class SlowToConnect(httpcore.AsyncMockBackend):
        def __init__(self) -> None:
            super().__init__([not_found, not_found])
            self.connects = 0

        async def connect_tcp(self, *args: object, **kwargs: object) -> httpcore.AsyncNetworkStream:
            self.connects += 1
            now[0] += 0.5  # a handshake far away: five times the slack given below
            return await super().connect_tcp(*args, **kwargs)  # type: ignore[arg-type]

    async def renew() -> float:
        return now[0] + 0.1  # the next send time is free at once

    limiter = _Giving(lambda: SendBy(now[0] + 0.1, lambda: now[0], renew))

    backend = SlowToConnect()
    transport = httpx.AsyncHTTPTransport()
    transport._pool = httpcore.AsyncConnectionPool(network_backend=backend)

    async def run() -> CrossrefClient:
        async with CrossrefClient(CrossrefSettings(max_retries=0), transport=transport,
                                  limiters=limiter.make) as client:
            with pytest.raises(DOINotFound):
                await client.work("10.1000/x")
        return client

    client = asyncio.run(run())
    assert backend.connects == 1  # one connection, kept open for the agency's question
    assert (client.stats.late, client.stats.requests) == (1, 2)  # the first waited on it


def test_a_redirect_is_followed_on_the_slot_its_request_was_sent_on() -> None:
    """A redirect is part of the request sent in time: httpx carries the first request's
    extensions (the ``trace`` hook among them) to it, and it leaves a round trip after the
    send time. Checked as a new request, it was always late: the request was sent again from
    the start (each time reaching the registry) until the tries ran out."""
    import httpx

    from refs.crossref import CrossrefClient, CrossrefSettings
    from refs.crossref.batching import work_url
    from tests.refs.crossref.recorded import CORRECTED, work_response

    base = "https://crossref.test"
    alias = "10.1371/alias.0033693"
    now = [0.0]

    limiter = _Giving(lambda: SendBy(now[0] + 0.1, lambda: now[0]))

    class Transport(httpx.AsyncBaseTransport):
        """Like httpcore on a connection kept open: traces the headers' writing; each
        answer comes a round trip (a fifth of a second) later."""

        def __init__(self) -> None:
            self.sent: list[str] = []

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if "trace" in request.extensions:
                await request.extensions["trace"]("http11.send_request_headers.started", {})
            self.sent.append(str(request.url.copy_with(query=None)))
            now[0] += 0.2
            if self.sent[-1] == work_url(base, alias):
                return httpx.Response(301, headers={"Location": work_url(base, CORRECTED)})
            return work_response(CORRECTED)

    transport = Transport()

    async def run() -> CrossrefClient:
        async with CrossrefClient(CrossrefSettings(base_url=base, max_retries=0),
                                  transport=transport, limiters=limiter.make) as client:
            assert (await client.work(alias)).doi == CORRECTED
        return client

    client = asyncio.run(run())
    assert transport.sent == [work_url(base, alias), work_url(base, CORRECTED)]
    assert (client.stats.late, client.stats.requests) == (0, 1)


class _Giving:
    """A limiter that gives each request the :class:`SendBy` ``make_send_by`` makes (kept in
    ``given``) and ignores what the registry advertises."""

    def __init__(self, make_send_by: Callable[[], SendBy]) -> None:
        self.make_send_by = make_send_by
        self.given: list[SendBy] = []

    def make(self, kind: RequestKind, start: RateLimit) -> _Giving:
        return self

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[SendBy]:
        self.given.append(self.make_send_by())
        yield self.given[-1]

    async def adapt(self, advertised: RateLimit | None) -> None:
        pass

    def hold(self, seconds: float) -> None:
        pass
