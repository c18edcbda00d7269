"""Crossref's rate limits: reading them from response headers, and keeping to them.

Crossref advertises its limits on every answer (``x-rate-limit-limit: 10``,
``x-rate-limit-interval: 1s``, ``x-concurrency-limit: 3``, ``x-api-pool: polite``); older
answers spell them ``x-ratelimit-*``, and a proxy may repeat a header (``50, 50``). Single-record
and list requests have separate budgets (since 2025-12 the polite pool allows 10/s single, 3/s
list, 3 at once), so each kind of request gets its own :class:`Limiter`, which starts from
conservative defaults and adapts to what the registry says.
See https://www.crossref.org/documentation/retrieve-metadata/rest-api/access-and-authentication/.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol

__all__ = [
    "DEFAULT_LIMITS",
    "LATE_SPACINGS",
    "LATE_TRIES",
    "LateForSlot",
    "Limiter",
    "LimiterFactory",
    "Pacer",
    "RateLimit",
    "RequestKind",
    "RequestLimiter",
    "SendBy",
    "Slots",
    "backoff_delay",
    "parse_interval",
    "parse_rate_limit",
    "parse_retry_after",
]

RequestKind = Literal["single", "list", "resolver"]
"""``single``: /works/{doi} and its agency; ``list``: filters, searches; ``resolver``: doi.org."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``limit`` requests per ``interval`` seconds, ``concurrency`` at once, in ``pool``."""

    limit: int | None = None
    interval: float | None = None
    concurrency: int | None = None
    pool: str | None = None

    @property
    def per_second(self) -> float | None:
        if not self.limit or not self.interval:
            return None
        return self.limit / self.interval


DEFAULT_LIMITS: Mapping[RequestKind, RateLimit] = {
    "single": RateLimit(limit=5, interval=1.0, concurrency=1),
    "list": RateLimit(limit=1, interval=1.0, concurrency=1),
    "resolver": RateLimit(limit=5, interval=1.0, concurrency=2),
}
"""Where each kind starts before any header is read: the public pool's limits as of 2025-12,
the strictest Crossref has published, so that a first burst is never impolite."""

_HEADER_NAMES = {
    "limit": ("x-rate-limit-limit", "x-ratelimit-limit"),
    "interval": ("x-rate-limit-interval", "x-ratelimit-interval"),
    "concurrency": ("x-concurrency-limit", "x-concurrencylimit"),
    "pool": ("x-api-pool",),
}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """The limits a response advertises, or ``None`` when it names none.

    >>> parse_rate_limit({"X-Rate-Limit-Limit": "50, 50", "X-Rate-Limit-Interval": "1s"})
    RateLimit(limit=50, interval=1.0, concurrency=None, pool=None)
    """
    lowered = {key.lower(): value for key, value in headers.items()}

    def first(field: str) -> str | None:
        for name in _HEADER_NAMES[field]:
            if name in lowered:
                return _first_value(lowered[name])
        return None

    limit = _positive_int(first("limit"))
    interval = parse_interval(first("interval"))
    concurrency = _positive_int(first("concurrency"))
    pool = first("pool")
    if limit is None and concurrency is None and pool is None:
        return None
    return RateLimit(
        limit, interval if limit else None, concurrency, pool.lower() if pool else None
    )


def parse_interval(text: str | None) -> float | None:
    """Seconds in ``1s``, ``60s``, ``500ms``, ``1m`` or a bare ``1``; ``None`` if unreadable."""
    match = _INTERVAL.match(_first_value(text) or "")
    if match is None:
        return None
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    return seconds if seconds > 0 else None


def parse_retry_after(text: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    value = (text or "").strip()
    if not value:
        return None
    # A repeated header arrives joined ("120, 120"); an HTTP date has commas of its own.
    seconds = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:,.*)?", value)
    if seconds:
        return float(seconds.group(1))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    attempt: int, *, base: float = 0.5, cap: float = 30.0, jitter: float = 0.5
) -> float:
    """Exponential backoff with "equal jitter": half the step fixed, half random.

    ``attempt`` counts from 0. ``jitter`` is a number in [0, 1) from the caller's random
    source, so that this stays a pure function; the fixed half keeps the client from
    retrying at once when the random draw is near 0.
    """
    step = min(cap, base * 2.0**attempt)
    return step / 2 + step / 2 * jitter


LATE_SPACINGS = 0.5
"""How late a request may leave after its send time, in spacings (``1 / rate``).

The registry counts arrivals. A request that leaves later than this (its process fell behind:
descheduled on a busy machine, paused, its event loop busy) arrives together with the
requests sent on time after it; a few of those at once, with the next one on time, are more
than a bucket of ``limit`` lets through, and a run that keeps the registry busy never gives
the bucket back what such a bunch took. So a late request takes a new send time instead.
Half a spacing leaves the rest of a bucket's slack (``(limit - 1)`` spacings for Crossref's
``limit`` a second) for the network (issue 14; benchmarks/RESULTS.md, Scale)."""


LATE_TRIES = 4
"""Send times a request may take before it leaves however late (a process this starved
would otherwise spend the registry's slots and send nothing)."""


class LateForSlot(Exception):
    """A request would have left too long after its send time (:class:`SendBy`); nothing was
    sent, and the request takes a new slot."""


@dataclass(slots=True)
class SendBy:
    """The latest moment, on ``clock``, that a request may leave on the slot it holds."""

    latest: float
    clock: Callable[[], float]
    passed: bool = field(default=False, init=False)
    """The request was found in time when it started out: what follows is part of it."""

    def late(self) -> float:
        """Seconds past ``latest`` (0 or less: in time)."""
        return self.clock() - self.latest

    def check(self) -> None:
        """:raises LateForSlot: the moment has passed."""
        late = self.late()
        if late > 0:
            raise LateForSlot(f"the request would leave {late:.3f}s after its latest send time")

    async def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's ``trace`` hook: checks just before the request's first bytes are written
        on a connection kept open, the last moment a client can still keep a request back;
        on a new one, before it is opened. Once only: what follows is the request sent in
        time, not a new one.

        Not after connecting: opening a connection (TCP, TLS: tens to hundreds of ms to the
        real registry) takes longer than half a spacing, so every request on a new connection
        would be late, and a request kept back there closes the connection just opened
        (httpcore closes one whose request failed before being written): each new send time
        would open, and drop, another. Not on a redirect (httpx gives the redirect the first
        request's extensions, this hook among them): it leaves a round trip after the send
        time, and kept back, the request sent in time would be sent again from the start.
        """
        if self.passed:
            return
        if event.startswith("connection.connect_") and event.endswith(".started") \
                or event.endswith(".send_request_headers.started"):
            self.check()
            self.passed = True


class Pacer:
    """Interval pacing: send times at least ``1 / rate`` seconds apart. Pure: no clock.

    A new ``rate`` applies to the very next reservation, so a higher limit read from the first
    answer's headers speeds up the requests already waiting.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._last = float("-inf")
        self._held = float("-inf")

    def reserve(self, now: float) -> float:
        """Take the next send time; return how long to wait for it from ``now``."""
        start = max(now, self._last + 1.0 / self.rate, self._held)
        self._last = start
        return start - now

    def hold(self, until: float) -> None:
        """Send nothing before ``until`` (after a 429, everyone of this kind waits)."""
        self._held = max(self._held, until)


class Slots:
    """A semaphore whose size can change while it is in use (``x-concurrency-limit``)."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.busy = 0
        self._changed = asyncio.Condition()

    @asynccontextmanager
    async def taken(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self.busy < self.size)
            self.busy += 1
        try:
            yield
        finally:
            async with self._changed:
                self.busy -= 1
                self._changed.notify_all()

    async def resize(self, size: int) -> None:
        async with self._changed:
            self.size = max(1, size)
            self._changed.notify_all()


class RequestLimiter(Protocol):
    """What the client needs of a limiter: :class:`Limiter` in one process, or one whose
    budget is shared by every process of the same contact (``evidence.jobs.budget``)."""

    def slot(self) -> AbstractAsyncContextManager[SendBy | None]:
        """Wait for a concurrency slot and a send time; send inside the block, by the
        :class:`SendBy` it gives (``None``: any time)."""
        ...

    async def adapt(self, advertised: RateLimit | None) -> None:
        """Follow the limits a response advertises."""
        ...

    def hold(self, seconds: float) -> None:
        """Send nothing of this kind for ``seconds`` (the registry said 429)."""
        ...


LimiterFactory = Callable[[RequestKind, RateLimit], RequestLimiter]
"""Makes the limiter of one kind of request from where it starts (``DEFAULT_LIMITS``)."""


class Limiter:
    """Keeps one kind of request to a rate and a concurrency, adapting to headers.

    ``clock`` and ``sleep`` are injected so that tests neither wait nor depend on time.
    """

    def __init__(
        self,
        start: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.current = start
        self._pacer = Pacer(start.per_second or 1.0)
        self._slots = Slots(start.concurrency or 1)
        self._clock = clock
        self._sleep = sleep

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[SendBy]:
        """Hold a concurrency slot, then wait for a send time; send inside the block, by the
        :class:`SendBy` it gives (a send time missed by more than ``LATE_SPACINGS`` is
        given up for the next one free)."""
        async with self._slots.taken():
            for _ in range(LATE_TRIES):
                asked = self._clock()
                wait = self._pacer.reserve(asked)
                send_by = SendBy(asked + wait + LATE_SPACINGS / self._pacer.rate, self._clock)
                if wait > 0:
                    await self._sleep(wait)
                if send_by.late() <= 0:
                    break
            else:
                send_by = SendBy(math.inf, self._clock)  # starved: late rather than never
            yield send_by

    async def adapt(self, advertised: RateLimit | None) -> None:
        """Follow what the registry advertises; keep what it leaves out."""
        if advertised is None:
            return
        merged = replace(
            self.current,
            limit=advertised.limit or self.current.limit,
            interval=(advertised.interval or self.current.interval)
            if advertised.limit
            else self.current.interval,
            concurrency=advertised.concurrency or self.current.concurrency,
            pool=advertised.pool or self.current.pool,
        )
        if merged == self.current:
            return
        self.current = merged
        self._pacer.rate = merged.per_second or self._pacer.rate
        await self._slots.resize(merged.concurrency or 1)

    def hold(self, seconds: float) -> None:
        """Send nothing of this kind for ``seconds`` (the registry said 429)."""
        self._pacer.hold(self._clock() + seconds)


def _first_value(text: str | None) -> str | None:
    # Duplicated headers arrive joined ("50, 50"); they repeat one value, so take the first.
    if text is None:
        return None
    head = text.split(",")[0].strip()
    return head or None


def _positive_int(text: str | None) -> int | None:
    try:
        value = int(float(text)) if text is not None else None
    except ValueError:
        return None
    return value if value and value > 0 else None
