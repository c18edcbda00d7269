"""One wait for the registry shared by every call of a piece of work (a check, a submission).

Each client call is bounded by ``CrossrefSettings.wait`` on its own; a check makes several
(its DOIs, then a search per reference without one), so it also sets a deadline for all of
them. The deadline lives in a context variable: the tasks a call starts inherit it, and two
checks sharing one client (the service) each keep their own.

Usage::

    with registry_deadline(60):
        await client.works(dois)           # both calls end by the same moment
        await client.search(reference)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["registry_deadline", "wait_allowed"]

_DEADLINE: ContextVar[float | None] = ContextVar("registry_deadline", default=None)
"""The event loop's time by which the registry must have answered, if a block set one."""


@contextmanager
def registry_deadline(seconds: float) -> Iterator[None]:
    """Calls to the registry inside the block end at most ``seconds`` from now, in all.

    A deadline already set by an enclosing block stays when it is earlier. Needs a running
    event loop.
    """
    when = asyncio.get_running_loop().time() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(when if outer is None else min(outer, when))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def wait_allowed(seconds: float) -> float:
    """How long a call that may wait ``seconds`` may wait from now: less when the enclosing
    ``registry_deadline`` comes sooner (0 when it has passed)."""
    outer = _DEADLINE.get()
    if outer is None:
        return seconds
    return max(0.0, min(seconds, outer - asyncio.get_running_loop().time()))
