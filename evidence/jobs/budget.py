"""One registry budget for every process of a contact, kept in PostgreSQL.

Each process that asks the registry (workers, server processes) paces its requests through
the same ``registry_budget`` row per kind of request (``refs.crossref.limits.RequestKind``):

* the **rate**: one statement moves the row's next send time on by ``1 / rate`` and hands the
  caller the time it had, on the database's clock (one clock for every machine), so that
  requests of all processes together keep the spacing one process keeps alone;
* the **concurrency**: a request holds one of ``concurrency`` session advisory locks while it
  is in flight; a process that dies loses its connection and with it its locks, so a crashed
  worker never keeps a slot;
* the **send time kept**: a request that would reach the wire more than half a spacing after
  its send time (its process fell behind) takes a new one (``refs.crossref.limits.SendBy``):
  the registry counts arrivals, and late requests arrive in a bunch with those sent on time;
* the **registry's word**: the limits a response advertises (``x-rate-limit-*``,
  ``x-concurrency-limit``) are written to the row for everyone, and a 429 holds every
  process's requests of that kind (``held_until``).

The client takes these through its ``limiters`` seam (``CrossrefClient(limiters=...)``).
"""

from __future__ import annotations

import asyncio
import math
import random
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, LiteralString, Self

import psycopg

from refs.crossref.limits import LATE_SPACINGS, RateLimit, RequestKind, SendBy

__all__ = ["SharedBudget", "SharedLimiter", "contact_of"]

SLOT_POLL = 0.02
"""Seconds between tries for a concurrency slot while all are taken (with jitter)."""

_ENSURE = """
INSERT INTO registry_budget (contact, kind, rate, concurrency, next_at, held_until)
VALUES (%s, %s, %s, %s, 0, 0) ON CONFLICT (contact, kind) DO NOTHING
"""
_RESERVE = """
WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS t)
UPDATE registry_budget AS b
   SET next_at = GREATEST(now.t, b.next_at, b.held_until) + 1.0 / b.rate
  FROM now
 WHERE b.contact = %s AND b.kind = %s
RETURNING b.next_at - 1.0 / b.rate - now.t, 1.0 / b.rate
"""
_ADAPT = "UPDATE registry_budget SET rate = %s, concurrency = %s WHERE contact = %s AND kind = %s"
_HOLD = """
UPDATE registry_budget
   SET held_until = GREATEST(held_until, extract(epoch FROM clock_timestamp()) + %s)
 WHERE contact = %s AND kind = %s
"""


def contact_of(mailto: str | None, crossref_url: str) -> str:
    """Whose budget: the polite pool's contact (or the public pool) at one registry."""
    return f"{mailto or 'public'} {crossref_url.rstrip('/')}"


class SharedBudget:
    """One connection of this process to the budget; makes the limiter of each kind.

    Usage::

        async with await SharedBudget.open(conninfo, contact_of(mailto, url)) as budget:
            client = CrossrefClient(settings, limiters=budget.limiter)
    """

    def __init__(self, connection: psycopg.AsyncConnection[Any], contact: str) -> None:
        self.connection = connection
        self.contact = contact

    @classmethod
    async def open(cls, conninfo: str, contact: str) -> SharedBudget:
        connection = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
        return cls(connection, contact)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.connection.close()

    def limiter(self, kind: RequestKind, start: RateLimit) -> SharedLimiter:
        return SharedLimiter(self, kind, start)


class SharedLimiter:
    """Keeps one kind of request of every process of a contact to one rate and concurrency."""

    def __init__(self, budget: SharedBudget, kind: RequestKind, start: RateLimit) -> None:
        self.budget = budget
        self.kind = kind
        self.current = start
        self._ready = False
        self._held: set[int] = set()  # slot numbers this process holds (locks are re-entrant)
        self._key = _lock_key(f"{budget.contact}\0{kind}")
        self._writes: set[asyncio.Task[None]] = set()
        self._random = random.Random()
        self._looking = asyncio.Lock()  # one task of this process polls for a slot
        self.late = 0  # send times this process missed and gave up

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[SendBy]:
        """Hold one of the shared slots, then wait for the shared send time; send inside the
        block, by the :class:`SendBy` it gives.

        A send time this process reaches more than ``LATE_SPACINGS`` late (descheduled,
        paused, its loop busy) is given up for a new one: sent late, the request would arrive
        in a bunch with those other processes send on time after it (issue 14). Lateness is
        measured on this process's clock from before the reservation was asked for, so a
        slow answer from the database counts against it too.
        """
        await self._ensure()
        number = await self._take()
        try:
            clock = asyncio.get_running_loop().time

            async def renew() -> float:
                asked = clock()
                wait, spacing = await self._reserve()
                if wait > 0:
                    await asyncio.sleep(wait)
                return asked + max(wait, 0.0) + LATE_SPACINGS * spacing

            send_by = SendBy(-math.inf, clock, renew)
            await send_by.keep()
            self.late += send_by.missed
            yield send_by
        finally:
            await self._give_back(number)

    async def adapt(self, advertised: RateLimit | None) -> None:
        """Write what the registry advertises to the row, for every process."""
        if advertised is None:
            return
        limit = advertised.limit or self.current.limit
        interval = (advertised.interval or self.current.interval) if advertised.limit \
            else self.current.interval
        merged = RateLimit(limit, interval, advertised.concurrency or self.current.concurrency,
                           advertised.pool or self.current.pool)
        if merged == self.current:
            return
        self.current = merged
        await self._execute(_ADAPT, (merged.per_second or 1.0, merged.concurrency or 1,
                                     self.budget.contact, self.kind))

    def hold(self, seconds: float) -> None:
        """Hold every process's requests of this kind (a 429); written in the background
        because the client's retry hook is not a coroutine, and before its own wait ends."""
        task = asyncio.get_running_loop().create_task(
            self._execute(_HOLD, (seconds, self.budget.contact, self.kind)))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    # --- the row and the locks ---------------------------------------------------------

    async def _ensure(self) -> None:
        if self._ready:
            return
        start = self.current
        await self._execute(_ENSURE, (self.budget.contact, self.kind, start.per_second or 1.0,
                                      start.concurrency or 1))
        self._ready = True

    async def _reserve(self) -> tuple[float, float]:
        """Seconds to wait for the next send time, and the spacing between send times."""
        cursor = await self.budget.connection.execute(_RESERVE, (self.budget.contact, self.kind))
        row = await cursor.fetchone()
        assert row is not None  # the row was made by _ensure and rows are never deleted
        return float(row[0]), float(row[1])

    async def _take(self) -> int:
        """A free slot number, waiting while every slot is held by some process.

        One task of this process looks at a time; the others queue behind it (in order).
        Each waiting request used to poll on its own: four workers with up to four lists in
        flight each kept a dozen pollers, each trying every 20 ms, for slots that free up
        a few times a second (issue 14; benchmarks/RESULTS.md, Scale).
        """
        async with self._looking:
            while True:
                cursor = await self.budget.connection.execute(
                    "SELECT concurrency FROM registry_budget WHERE contact = %s AND kind = %s",
                    (self.budget.contact, self.kind))
                row = await cursor.fetchone()
                size = int(row[0]) if row else 1
                for number in range(size):
                    if number in self._held:
                        continue
                    self._held.add(number)  # before the await: no other task here tries it
                    try:
                        got = await self._fetch_bool("SELECT pg_try_advisory_lock(%s, %s)",
                                                     (self._key, number))
                    except BaseException:
                        self._held.discard(number)
                        raise
                    if got:
                        return number
                    self._held.discard(number)
                await asyncio.sleep(SLOT_POLL * (0.5 + self._random.random()))

    async def _give_back(self, number: int) -> None:
        try:
            await self._execute("SELECT pg_advisory_unlock(%s, %s)", (self._key, number))
        finally:
            self._held.discard(number)

    async def _fetch_bool(self, query: LiteralString, params: tuple[Any, ...]) -> bool:
        cursor = await self.budget.connection.execute(query, params)
        row = await cursor.fetchone()
        return bool(row and row[0])

    async def _execute(self, query: LiteralString, params: tuple[Any, ...]) -> None:
        await self.budget.connection.execute(query, params)


def _lock_key(text: str) -> int:
    """A signed 32-bit advisory lock key for ``text`` (the slot number is the second key)."""
    value = zlib.crc32(text.encode("utf-8"))
    return value - 2**32 if value >= 2**31 else value
