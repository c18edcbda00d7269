"""The registry budget and DOI claims shared through PostgreSQL, by two "processes" (two
connections, two owners) in one test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.jobs.budget import SharedBudget, SharedLimiter
from evidence.jobs.claims import DoiClaims
from evidence.jobs.engine import conninfo
from refs.crossref.limits import RateLimit
from refs.crossref.outcome import ClientStats

pytestmark = pytest.mark.postgresql


async def _two_limiters(url: str, start: RateLimit
                        ) -> tuple[SharedBudget, SharedBudget, SharedLimiter, SharedLimiter]:
    info = conninfo(Settings(database_url=url))
    first = await SharedBudget.open(info, "test@example.org")
    second = await SharedBudget.open(info, "test@example.org")
    return first, second, first.limiter("list", start), second.limiter("list", start)


def test_two_processes_keep_one_rate_and_one_concurrency_together(pg_url: str) -> None:
    async def run() -> tuple[list[float], int]:
        first, second, a, b = await _two_limiters(pg_url, RateLimit(10, 1.0, 1))
        starts: list[float] = []
        busy = peak = 0

        async def request(limiter: SharedLimiter) -> None:
            nonlocal busy, peak
            async with limiter.slot():
                busy += 1
                peak = max(peak, busy)
                starts.append(time.monotonic())
                await asyncio.sleep(0.01)
                busy -= 1

        try:
            await asyncio.gather(*(request(x) for x in (a, b) * 5))
        finally:
            await first.aclose()
            await second.aclose()
        return sorted(starts), peak

    starts, peak = asyncio.run(run())
    assert peak == 1
    assert starts[-1] - starts[0] >= 0.85  # ten sends at 10/s between both: 9 gaps of 0.1 s


def test_what_one_process_learns_from_the_registry_binds_the_other(pg_url: str) -> None:
    async def run() -> tuple[float, int]:
        first, second, a, b = await _two_limiters(pg_url, RateLimit(50, 1.0, 1))
        try:
            async with a.slot():
                pass
            await a.adapt(RateLimit(limit=50, interval=1.0, concurrency=3))
            a.hold(0.5)  # a 429 seen by the first
            await asyncio.sleep(0.05)  # the hold is written in the background
            began = time.monotonic()
            async with b.slot():
                waited = time.monotonic() - began
            cursor = await second.connection.execute(
                "SELECT concurrency FROM registry_budget WHERE kind = 'list'")
            row = await cursor.fetchone()
        finally:
            await first.aclose()
            await second.aclose()
        assert row is not None
        return waited, int(row[0])

    waited, concurrency = asyncio.run(run())
    assert waited >= 0.35 and concurrency == 3


def test_a_doi_claimed_by_one_process_is_not_claimed_by_another_until_released_or_stale(
    pg_sessions: sessionmaker[Session],
) -> None:
    async def run() -> tuple[list[str], list[str], list[str], list[str]]:
        one, other = DoiClaims(pg_sessions), DoiClaims(pg_sessions, stale_after=0.3)
        mine = await one.claim(["10.1/x", "10.1/y"])
        theirs = await other.claim(["10.1/y", "10.1/z"])
        await one.release(["10.1/x"])
        after_release = await other.claim(["10.1/x"])
        await asyncio.sleep(0.4)  # one's claim on y is now stale for other: its process died
        after_stale = await other.claim(["10.1/y"])
        return mine, theirs, after_release, after_stale

    mine, theirs, after_release, after_stale = asyncio.run(run())
    assert mine == ["10.1/x", "10.1/y"] and theirs == ["10.1/z"]
    assert after_release == ["10.1/x"] and after_stale == ["10.1/y"]


def test_renewing_takes_back_only_ones_own_claims(pg_sessions: sessionmaker[Session]) -> None:
    # renew: a DOI read ahead (claimed then) is asked later by the same process; another
    # process's fresh claim on a DOI of the same list stays with it.
    async def run() -> tuple[list[str], list[str], list[str]]:
        one, other = DoiClaims(pg_sessions), DoiClaims(pg_sessions)
        ahead = await one.claim(["10.1/a", "10.1/b"])
        await other.claim(["10.1/c"])
        plain = await one.claim(["10.1/a", "10.1/c"])
        renewed = await one.claim(["10.1/a", "10.1/b", "10.1/c", "10.1/d"], renew=True)
        return ahead, plain, renewed

    ahead, plain, renewed = asyncio.run(run())
    assert ahead == ["10.1/a", "10.1/b"]
    assert plain == []  # its own fresh claim is not claimed again without renew
    assert renewed == ["10.1/a", "10.1/b", "10.1/d"]


def test_a_process_that_falls_behind_after_taking_its_slots_sends_on_new_ones(
        pg_url: str) -> None:
    """Issue 14: a process holds all three slots of the list budget and their send times,
    then falls behind (on a busy machine: descheduled, or opening a connection) and reaches
    the wire a second late. Sent then, its three lists arrive together with the next one
    another process sends on time, four within a few milliseconds: more than a bucket of
    three lets through, and the stand-in answers 429. Kept back, they take new send times."""
    import httpx

    from refs.crossref import CrossrefClient, CrossrefSettings
    from refs.crossref.limits import RequestKind
    from tests.standin import Standin, StandinConfig, run_standin
    from tests.standin.records import generated_doi

    app = Standin(StandinConfig(generated=30))
    polite = RateLimit(3, 1.0, 3, "polite")
    contact = "late@example.org"

    async def run(base: str) -> tuple[ClientStats, ClientStats]:
        resumed = asyncio.Event()

        class FallsBehind(httpx.AsyncHTTPTransport):
            """Holds each request after its slot was given until the process resumes."""

            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                await resumed.wait()
                return await super().handle_async_request(request)

        info = conninfo(Settings(database_url=pg_url))
        first = await SharedBudget.open(info, contact)
        second = await SharedBudget.open(info, contact)

        def shared(budget: SharedBudget) -> Callable[[RequestKind, RateLimit], SharedLimiter]:
            return lambda kind, _start: budget.limiter(kind, polite)

        settings = CrossrefSettings(base_url=base, mailto=contact, batch_size=5)
        try:
            async with CrossrefClient(settings, transport=FallsBehind(),
                                      limiters=shared(first)) as behind, \
                    CrossrefClient(settings, limiters=shared(second)) as on_time:
                lagging = asyncio.create_task(
                    behind.works([generated_doi(n) for n in range(1, 16)]))
                pid = first.connection.info.backend_pid
                while await _advisory_locks(second, pid) < 3:  # it holds all three slots
                    await asyncio.sleep(0.02)
                asking = asyncio.create_task(
                    on_time.works([generated_doi(n) for n in range(16, 31)]))
                await asyncio.sleep(1.0)  # a second behind: each send time is 1/3 s or more past
                resumed.set()
                late, answered = await lagging, await asking
        finally:
            await first.aclose()
            await second.aclose()
        assert [o.status for o in late + answered] == ["found"] * 30
        return behind.stats, on_time.stats

    with run_standin(app) as base:
        behind, on_time = asyncio.run(run(base))
    assert [r.refused for r in app.log if r.status == 429] == []
    assert behind.rate_limited == on_time.rate_limited == 0
    assert behind.late >= 3  # each of the three held lists took a new send time
    assert sum(r.kind == "list" for r in app.log) == 6


async def _advisory_locks(budget: SharedBudget, pid: int) -> int:
    cursor = await budget.connection.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = %s", (pid,))
    row = await cursor.fetchone()
    return int(row[0]) if row else 0
