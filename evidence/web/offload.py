"""The service's blocking work, kept off its event loop (issue 16).

Checking a large article costs seconds to minutes of CPU, and decoding a posted form of 5 MB
most of a second. Run on the event loop, either froze every request, ``/health`` included. So:

* ``check_limiter(svc)``: at most ``Settings.check_workers`` checks at once
  (``EVIDENCE_CHECK_WORKERS``, an anyio ``CapacityLimiter``); the others wait for a turn
  without holding the loop. Their CPU-bound steps run in worker processes
  (``evidence.checksteps``).
* ``in_worker_thread(svc, work)`` runs a check's registry step in a worker thread, in an event
  loop of its own, where the store's blocking calls cannot stall the service's loop. Its
  registry requests are sent back to the service's loop (:class:`MainLoopClient`), where the
  one shared Crossref client lives, so that its rate limits stay shared.
* ``parse_form(svc, body)`` decodes a large ``application/x-www-form-urlencoded`` body in a
  worker thread, one at a time (``FORMS_AT_ONCE``).

A worker thread still takes turns with the loop for the GIL, so every thread decoding at once
slows the loop's answers a little: hence the limit, rather than as many threads as requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qs

import anyio
import anyio.to_thread

from evidence.web.service import Service

if TYPE_CHECKING:
    from refs.crossref import CrossrefClient, Outcome
    from refs.work import SearchHit, Work

__all__ = ["MainLoopClient", "check_limiter", "in_worker_thread", "parse_form"]

T = TypeVar("T")

SMALL_FORM = 64 * 1024
"""Bytes of form decoded on the loop: below this, a thread costs more than the decoding."""
FORMS_AT_ONCE = 1
"""Large forms decoded at once (about a second of CPU for 5 MB); the others wait their turn."""


def check_limiter(svc: Service) -> anyio.CapacityLimiter:
    """The service's limit on checks running at once, made on first use (on the loop)."""
    if svc.check_limiter is None:
        svc.check_limiter = anyio.CapacityLimiter(svc.settings.check_workers)
    return svc.check_limiter


async def in_worker_thread(
    svc: Service, work: Callable[[CrossrefClient | None], Coroutine[Any, Any, T]]
) -> T:
    """``await work(client)`` in a worker thread's own event loop.

    ``client`` is the service's Crossref client as seen from that loop (None when offline).
    Errors raised by ``work`` reach the caller as they are.
    """
    loop = asyncio.get_running_loop()
    client = None if svc.client is None else cast("CrossrefClient",
                                                  MainLoopClient(svc.client, loop))

    def in_thread() -> T:
        return asyncio.run(work(client))

    return await anyio.to_thread.run_sync(in_thread)


class MainLoopClient:
    """The calls of the check pipeline (``works``, ``work``, ``search``) on a Crossref client
    that lives on another event loop: each runs there, and is awaited here.

    The caller's context goes along (``asyncio.run_coroutine_threadsafe`` copies it), so a
    ``refs.crossref.deadline.registry_deadline`` set by the check still bounds its requests.
    """

    def __init__(self, client: CrossrefClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    async def works(
        self, dois: Iterable[str], *, progress: Callable[[int], None] | None = None
    ) -> list[Outcome]:
        heard = None if progress is None else self._here(progress)
        return await self._there(self._client.works(list(dois), progress=heard))

    async def work(self, doi: str) -> Work:
        return await self._there(self._client.work(doi))

    async def search(self, bibliographic: str, *, rows: int = 5) -> list[SearchHit]:
        return await self._there(self._client.search(bibliographic, rows=rows))

    async def _there(self, call: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call, self._loop))

    @staticmethod
    def _here(progress: Callable[[int], None]) -> Callable[[int], None]:
        """``progress`` called back on the caller's loop, not on the client's."""
        here = asyncio.get_running_loop()

        def heard(done: int) -> None:
            try:
                here.call_soon_threadsafe(progress, done)
            except RuntimeError:  # the caller's loop has closed: nobody is listening
                pass

        return heard


async def parse_form(svc: Service, body: bytes) -> dict[str, str]:
    """An urlencoded form's fields (the last value of each), decoded off the loop when large."""
    if len(body) <= SMALL_FORM:
        return _fields(body)
    if svc.form_limiter is None:
        svc.form_limiter = anyio.CapacityLimiter(FORMS_AT_ONCE)
    return await anyio.to_thread.run_sync(_fields, body, limiter=svc.form_limiter)


def _fields(body: bytes) -> dict[str, str]:
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[-1] for key, values in fields.items()}
