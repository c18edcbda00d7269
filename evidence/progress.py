"""A progress bar on stderr for long runs, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts work done out of ``total`` and redraws one line at most ten times a second.

    Usage::

        with Progress(len(dois), "resolving") as progress:
            progress.advance(10)
    """

    def __init__(self, total: int, label: str, *, stream: TextIO | None = None,
                 min_total: int = 20) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._live = total >= min_total and self._stream.isatty()
        self._drawn_at = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        now = time.monotonic()
        if self._live and (now - self._drawn_at > 0.1 or self.done == self.total):
            self._drawn_at = now
            self._draw()

    def close(self) -> None:
        if self._live:
            self._draw()
            self._stream.write("\n")
            self._stream.flush()
            self._live = False

    def _draw(self) -> None:
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self._stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
        self._stream.flush()
