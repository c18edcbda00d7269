"""Loading a command's modules without the cyclic garbage collector walking them.

Imports make some 10^5 objects that live as long as the process: classes, functions,
SQLAlchemy's tables and mappers, compiled patterns. While they are made, the collector's
full collections walk the growing heap again and again; after, every full collection walks
them once more, though none of them is ever garbage. ``gc.freeze()`` moves what exists into a
generation the collector never looks at (the pattern Python's documentation gives for
long-lived processes). On the example article that is about a fifth of an ``evidence check``'s
CPU, and of a worker's start-up (benchmarks/startup.py; RESULTS.md "Start-up").
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeze_loaded", "importing"]

_frozen = False


@contextmanager
def importing() -> Iterator[None]:
    """Around a command's imports: no collection inside, and what they made frozen after.

    Once per process: a process that runs many commands (the tests call ``main`` in one)
    freezes at the first only, so that nothing made later is kept past its time.
    """
    if _frozen:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        freeze_loaded()
        if enabled:
            gc.enable()


def freeze_loaded(*, collect: bool = False) -> None:
    """Freeze what exists now: for a long-running process once it has started (a worker
    warmed up, its readers and claim model loaded; the service's app and routes).

    Garbage in a cycle at this moment would be kept for good: ``collect`` first where work
    has run (a warm-up check). Cheap after :func:`importing`: what it froze is not walked.
    """
    global _frozen
    if collect:
        gc.collect()
    gc.freeze()
    _frozen = True
