"""A worker's DOIs, asked together: those of its running jobs, and ahead, those of queued jobs.

Alone, each job would look its two or three DOIs up in the store, claim them, ask for them,
store the answer and release the claims: five transactions a job, and list requests only as
full as the jobs that happened to ask together. Here one loop per worker does each of those
steps once for up to a list's worth of DOIs (``batch_size``, 50), for all its jobs at once.
When its jobs have asked for fewer, it fills the list with the DOIs of jobs still queued
(``check_job.dois``, read at submit time), oldest job first: the registry's 3 list requests a
second are full and sent as early as they may be, whatever the workers' CPU is doing, and a
job usually finds its DOIs in the store when it starts.

What holds as before: a DOI in the store is not asked again; a DOI another process has
claimed is not asked here (its answer is read from the store once stored, or it stays
``unverified``); silence is ``unverified``, never ``not-found``. DOIs asked ahead whose
answer was silence are left to their jobs (which retry on outages), not asked again ahead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.jobs.claims import DoiClaims
from evidence.resolver import (
    CLAIM_ROUNDS,
    Resolution,
    resolution_of,
    store_outcomes,
    stored_answers,
)
from evidence.store import queries
from evidence.store.engine import reading
from evidence.store.models import CheckJob
from evidence.vocabulary import JobState, ReferenceStatus
from refs.crossref.deadline import registry_deadline

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = ["AHEAD_JOBS", "BatchResolver"]

AHEAD_JOBS = 200
"""Queued jobs read at a time for the DOIs to ask ahead."""

AHEAD_IDLE = 1.0
"""Seconds between looks for newly queued jobs once every queued one has been read."""

LISTS_IN_FLIGHT = 4
"""Lists being settled at once: the polite pool's 3 in flight, and one being prepared."""

ANSWERED_KEPT = 20_000
"""Answers stored lately kept in memory (a few tens of MB at most)."""

ANSWER_KEPT_FOR = 120.0
"""Seconds an answer kept in memory stands for the store's (a recheck may change it later)."""

OTHERS_REASON = "another process was asking the registry for it, and no answer was stored"

logger = logging.getLogger(__name__)


class BatchResolver:
    """The store and the registry asked once for up to a list of DOIs, for all jobs at once.

    Usage (a worker)::

        resolver = BatchResolver(settings, sessions, client, claims)
        async with resolver.running():
            answers = await resolver.resolve(["10.5555/a", "10.5555/b"])
    """

    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 client: CrossrefClient, claims: DoiClaims, *, linger: float = 1.0,
                 ahead: bool = True) -> None:
        self.settings = settings
        self.sessions = sessions
        self.client = client
        self.claims = claims
        self.linger = linger
        self.ahead = ahead
        self.size = client.settings.batch_size
        self._waiting: dict[str, asyncio.Future[Resolution]] = {}  # asked by a job, not sent
        self._sent: dict[str, asyncio.Future[Resolution]] = {}  # in a list being settled
        self._rounds: dict[str, int] = {}  # rounds a DOI waited for another process
        self._ahead: deque[str] = deque()  # DOIs of queued jobs, oldest job first
        # What this process stored lately: a job's DOIs asked ahead are answered from here,
        # with no read of the store, and a DOI read ahead that a job asked first takes no
        # place in a list. Bounded: past it, the store is read (the same answer, stored).
        self._answered: dict[str, tuple[float, Resolution]] = {}
        self._ahead_only: set[str] = set()  # in flight, asked ahead, no job waiting for it
        self._lookups: list[tuple[list[str], asyncio.Future[dict[str, Resolution]]]] = []
        self._reader: asyncio.Task[None] | None = None
        self._after = 0  # the last check_job id read for DOIs ahead
        self._ahead_idle_until = 0.0
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(LISTS_IN_FLIGHT)
        self._tasks: set[asyncio.Task[None]] = set()

    async def resolve(self, dois: Sequence[str]) -> dict[str, Resolution]:
        """An answer for each of ``dois`` (valid, normalised): from the store at once (one
        read for the jobs asking together), else once the list it joins is settled."""
        loop = asyncio.get_running_loop()
        wanted = list(dict.fromkeys(dois))
        fresh_since = loop.time() - ANSWER_KEPT_FOR
        answers = {d: self._answered[d][1] for d in wanted
                   if d in self._answered and self._answered[d][0] >= fresh_since}
        fresh = [d for d in wanted
                 if d not in answers and d not in self._waiting and d not in self._sent]
        answers |= await self._stored(fresh) if fresh else {}
        futures: dict[str, asyncio.Future[Resolution]] = {}
        for doi in wanted:
            if doi in answers:
                continue
            self._ahead_only.discard(doi)  # a job waits for it now
            future = self._waiting.get(doi) or self._sent.get(doi)
            if future is None:
                future = self._waiting[doi] = loop.create_future()
            futures[doi] = future
        if futures:
            self._wake.set()
        return answers | {doi: await future for doi, future in futures.items()}

    async def _stored(self, dois: list[str]) -> dict[str, Resolution]:
        """What the store holds of ``dois``, read together with the other jobs' lookups
        that arrive while one read runs (no waiting to gather them)."""
        answer: asyncio.Future[dict[str, Resolution]] = \
            asyncio.get_running_loop().create_future()
        self._lookups.append((dois, answer))
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_stored())
        return await answer

    async def _read_stored(self) -> None:
        while self._lookups:
            lookups, self._lookups = self._lookups, []
            union = list(dict.fromkeys(d for dois, _ in lookups for d in dois))
            try:
                found = await asyncio.to_thread(stored_answers, self.sessions, union)
            except Exception as exc:  # noqa: BLE001 - each job hears of it, as from its own read
                for _, answer in lookups:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for doi, resolution in found.items():
                self._remember(doi, resolution)
            for dois, answer in lookups:
                if not answer.done():
                    answer.set_result({d: found[d] for d in dois if d in found})

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The loop, for as long as the block runs (the jobs using it end inside it)."""
        loop_task = asyncio.create_task(self._loop())
        try:
            yield
        finally:
            loop_task.cancel()
            for task in (loop_task, *self._tasks):
                task.cancel()
            await asyncio.gather(loop_task, *self._tasks, return_exceptions=True)
            if self._ahead:  # claimed when read ahead, never asked: free for the others
                await self.claims.release(list(self._ahead))

    # --- the loop ------------------------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            await self._slots.acquire()
            try:
                batch = await self._next_batch()
            except BaseException:
                self._slots.release()
                raise
            task = asyncio.create_task(self._settle_then_release(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _next_batch(self) -> list[str]:
        """Up to a list of DOIs: the jobs' first, filled with DOIs ahead. The jobs' DOIs wait
        up to ``linger`` for more when there is nothing ahead to fill the list with."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while True:
            if self.ahead and len(self._waiting) + len(self._ahead) < self.size:
                await self._read_ahead()  # nothing while every queued job has been read
            if len(self._waiting) + len(self._ahead) >= self.size:
                break
            read_all = not self.ahead or loop.time() < self._ahead_idle_until
            timeout: float | None = None
            if self._waiting:
                deadline = deadline or loop.time() + self.linger
                if loop.time() >= deadline:
                    break
                timeout = deadline - loop.time()
            elif self._ahead:
                if read_all:
                    break  # the last DOIs ahead: the registry would wait for nothing
                continue  # more queued jobs to read
            elif self.ahead:
                timeout = max(0.05, self._ahead_idle_until - loop.time())
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
        batch = list(self._waiting)[:self.size]
        for doi in batch:
            self._sent[doi] = self._waiting.pop(doi)
        while len(batch) < self.size and self._ahead:
            doi = self._ahead.popleft()
            if doi not in self._sent and doi not in self._waiting and doi not in self._answered:
                # In flight like the jobs' DOIs: a job asking for it now waits for this list.
                self._sent[doi] = loop.create_future()
                self._ahead_only.add(doi)
                batch.append(doi)
        return batch

    async def _read_ahead(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._ahead_idle_until:
            return
        try:
            dois, last = await asyncio.to_thread(self._queued_dois)
        except Exception:  # noqa: BLE001 - the jobs still ask for their own DOIs
            logger.warning("reading the DOIs of queued jobs failed", exc_info=True)
            self._ahead_idle_until = loop.time() + self.settings.job_retry_wait
            return
        if last is None:  # every queued job read: look again later
            self._ahead_idle_until = loop.time() + AHEAD_IDLE
            return
        self._after = last
        fresh = [d for d in dois if d not in self._waiting and d not in self._sent]
        try:
            # Claimed now, so that several workers reading the same queued jobs ahead share
            # them out instead of filling their lists with DOIs another one asks for.
            mine = set(await self.claims.claim(fresh)) if fresh else set()
        except Exception:  # noqa: BLE001 - the jobs still ask for their own DOIs
            logger.warning("claiming the DOIs of queued jobs failed", exc_info=True)
            return
        self._ahead.extend(d for d in fresh if d in mine)

    def _queued_dois(self) -> tuple[list[str], int | None]:
        """The unanswered DOIs of the next queued jobs, oldest first, and the last job's id."""
        query = (select(CheckJob.id, CheckJob.dois)
                 .where(CheckJob.id > self._after, CheckJob.state == JobState.QUEUED,
                        CheckJob.dois.is_not(None))
                 .order_by(CheckJob.id).limit(AHEAD_JOBS))
        with reading(self.sessions) as session:  # COMMIT keeps the prepared statements
            rows = session.execute(query).all()
            if not rows:
                return [], None
            dois = list(dict.fromkeys(d for _, found in rows for d in found or ()))
            answered = queries.registry_answered(session, dois)
        return [d for d in dois if d not in answered], rows[-1][0]

    async def _settle_then_release(self, batch: list[str]) -> None:
        try:
            await self._settle(batch)
        except Exception as exc:  # noqa: BLE001 - each job hears of it as unverified
            logger.warning("asking for %d DOIs failed: %s", len(batch), exc, exc_info=True)
            self._answer({d: Resolution(d, ReferenceStatus.UNVERIFIED, reason=str(exc))
                          for d in batch})
        finally:
            self._slots.release()

    async def _settle(self, batch: list[str]) -> None:
        """Claim, read what is stored, ask for the rest, store, release: once for the list."""
        if not batch:
            return
        mine = set(await self.claims.claim(batch, renew=True))
        try:
            # After the claim: what another process stored before it is read, not asked.
            stored = await asyncio.to_thread(stored_answers, self.sessions, batch)
            self._answer(stored)
            asking = [d for d in batch if d in mine and d not in stored]
            if asking:
                with registry_deadline(self.settings.registry_wait):
                    outcomes = await self.client.works(asking)
                await asyncio.to_thread(store_outcomes, self.sessions, outcomes,
                                        doi_url=self.settings.doi_url)
                self._answer({o.doi: resolution_of(o) for o in outcomes})
                if any(o.status == "unverified" for o in outcomes):
                    self._hold_ahead()
        finally:
            await self.claims.release(sorted(mine))
        others = [d for d in batch if d not in mine and d not in stored]
        if others:
            await self._wait_for_others(others)

    async def _wait_for_others(self, dois: list[str]) -> None:
        """DOIs another process claimed: its answer read from the store once it is there;
        a job's DOI still unanswered goes round again (the claim may have been dropped)."""
        await self.claims.wait(dois, timeout=self.settings.registry_wait)
        stored = await asyncio.to_thread(stored_answers, self.sessions, dois)
        self._answer(stored)
        for doi in dois:
            future = self._sent.get(doi)
            if doi in stored or future is None:
                continue  # answered
            if doi in self._ahead_only:  # no job waits for it: left to the other process
                self._ahead_only.discard(doi)
                del self._sent[doi]
                future.cancel()
                continue
            self._rounds[doi] = self._rounds.get(doi, 0) + 1
            if self._rounds[doi] >= CLAIM_ROUNDS:
                self._answer({doi: Resolution(doi, ReferenceStatus.UNVERIFIED,
                                              reason=OTHERS_REASON)})
            else:
                self._waiting[doi] = self._sent.pop(doi)
        self._wake.set()

    def _hold_ahead(self) -> None:
        """The registry fell silent: ask nothing ahead for a while (the jobs retry on their
        own, with backoff); what was read ahead is left to its jobs, its claims released."""
        dropped = list(self._ahead)
        self._ahead.clear()
        if dropped:
            task = asyncio.get_running_loop().create_task(self.claims.release(dropped))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        loop = asyncio.get_running_loop()
        self._ahead_idle_until = loop.time() + self.settings.job_retry_wait

    def _remember(self, doi: str, resolution: Resolution) -> None:
        if resolution.status == ReferenceStatus.UNVERIFIED:
            return  # silence is asked about again
        self._answered.pop(doi, None)  # re-inserted last: the oldest go first
        self._answered[doi] = (asyncio.get_running_loop().time(), resolution)
        if len(self._answered) > ANSWERED_KEPT:
            del self._answered[next(iter(self._answered))]

    def _answer(self, answers: dict[str, Resolution]) -> None:
        for doi, resolution in answers.items():
            self._rounds.pop(doi, None)
            self._ahead_only.discard(doi)
            self._remember(doi, resolution)
            future = self._sent.pop(doi, None)
            if future is not None and not future.done():
                future.set_result(resolution)
