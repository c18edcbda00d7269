"""A client whose concurrent ``works`` calls share list requests.

A worker checking many articles at once asks for a few DOIs per article; alone, each call
would spend a list request (3 a second in the polite pool) on two or three DOIs. Here the
calls made within ``linger`` seconds of each other (or until ``batch_size`` DOIs wait) are
asked together, so that list requests carry up to 50 DOIs and the registry's bound (about
150 DOIs a second) is what limits a run, not the number of articles.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from refs.crossref.client import CrossrefClient
from refs.crossref.outcome import Outcome
from refs.crossref.settings import CrossrefSettings

__all__ = ["CoalescingClient"]

_Waiting = tuple[list[str], "asyncio.Future[list[Outcome]]"]


class CoalescingClient(CrossrefClient):
    """A :class:`CrossrefClient` whose ``works`` calls made together are asked together.

    >>> client = CoalescingClient(CrossrefSettings(mailto="editor@example.org"), linger=0.3)
    """

    def __init__(self, settings: CrossrefSettings | None = None, *, linger: float = 0.3,
                 **options: Any) -> None:
        super().__init__(settings, **options)
        self.linger = linger
        self._waiting: list[_Waiting] = []
        self._timer: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def works(
        self, dois: Iterable[str], *, progress: Callable[[int], None] | None = None
    ) -> list[Outcome]:
        asked = list(dois)
        if not asked:
            return []
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[list[Outcome]] = loop.create_future()
        self._waiting.append((asked, answer))
        if sum(len(a) for a, _ in self._waiting) >= self.settings.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.linger, self._flush)
        outcomes = await answer
        if progress is not None:
            progress(len(set(asked)))
        return outcomes

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        task = asyncio.get_running_loop().create_task(self._ask(waiting))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _ask(self, waiting: list[_Waiting]) -> None:
        union = list(dict.fromkeys(doi for asked, _ in waiting for doi in asked))
        try:
            outcomes = await CrossrefClient.works(self, union)
        except Exception as exc:  # each caller hears of it, as from its own call
            for _, answer in waiting:
                if not answer.done():
                    answer.set_exception(exc)
            return
        by_doi = dict(zip(union, outcomes, strict=True))
        for asked, answer in waiting:
            if not answer.done():  # a caller that gave up (its wait ran out) is skipped
                answer.set_result([by_doi[doi] for doi in asked])
