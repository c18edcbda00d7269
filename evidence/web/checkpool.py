"""The worker processes that run the CPU-bound steps of the service's checks (issue 16).

Why processes, not threads: a check of the largest accepted article is about a million Python
objects. In a thread of the service's process, each full garbage collection of them stopped
every thread, the event loop's included, and the check took turns with the loop for the GIL:
``/health`` once answered in 1.12 s. In a process of its own, neither touches the service.

:class:`CheckPool` holds a ``ProcessPoolExecutor`` of ``Settings.check_workers`` processes
(``EVIDENCE_CHECK_WORKERS``), started by a ``forkserver``: a clean process that imported the
check's code once (``evidence.checksteps``) and forks each worker from itself. Nothing of the
service's threads, locks or open connections is inherited, as it would be by ``fork``; unlike
``spawn``, a worker does not import the check's code again (about a second under load). As
with any start method but ``fork``, a worker imports the main module of the service's process
again: a script that builds and serves the app must do so under ``if __name__ ==
"__main__":`` (``evidence serve``, ``uvicorn`` and the like are such scripts). The pool is made
on the first check, not at start-up, so that a service nobody submits to starts no processes;
it is shut down with the app. A worker that dies (killed, out of memory) breaks the
executor for every call in flight: each of them raises :class:`CheckCrashed`, and the next check
gets a new executor.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread

__all__ = ["CheckCrashed", "CheckPool"]

T = TypeVar("T")

PRELOAD = ("evidence.checksteps",)
"""What the fork server imports before forking workers: the steps and what they use."""


class CheckCrashed(Exception):
    """The worker process running a step of a check ended before answering."""


class CheckPool:
    """At most ``workers`` processes running check steps; made on first use, again after a
    crash. Used from the service's event loop only, so it needs no lock."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    async def run(self, step: Callable[..., T], *args: Any) -> T:
        """``step(*args)`` in a worker process; its result or its exception, as raised there.

        ``step`` must be a module-level function, its arguments and result picklable.

        :raises CheckCrashed: the worker ended before answering (killed, out of memory).
        """
        executor = self._executor
        if executor is None:
            context = multiprocessing.get_context("forkserver")
            # A hint, read when the process's fork server starts (once, on first use).
            context.set_forkserver_preload(list(PRELOAD))
            executor = self._executor = ProcessPoolExecutor(max_workers=self.workers,
                                                            mp_context=context)
        try:
            # Submitting starts a worker when one is missing, and waits for the fork server to
            # say its pid (a second or more while the server starts): not on the event loop.
            future = await anyio.to_thread.run_sync(partial(executor.submit, step, *args))
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as exc:
            if self._executor is executor:  # not yet replaced by another caller
                self._executor = None
                executor.shutdown(wait=False, cancel_futures=True)
            raise CheckCrashed(str(exc)) from exc

    def shutdown(self) -> None:
        """Stop the processes (waiting for the steps they are running); made again on use."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
