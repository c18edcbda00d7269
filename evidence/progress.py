"""Progress on stderr for long runs, silent when stderr is not a terminal.

``Progress`` is one bar; ``TerminalProgress`` shows a run stage by stage (reading, resolving,
matching, finding claims, storing) so that a long check is never silent on a terminal, and
says what is retried of the registry, when and why (``on_retry``, whose signature is
the client's retry callback: ``(url, delay, reason)``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, TextIO

__all__ = ["Progress", "Stages", "TerminalProgress"]


class Stages(Protocol):
    """What a long job reports to: each stage's name and size; returns how to advance it."""

    def stage(self, label: str, total: int) -> Callable[[int], None]: ...


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

    def start(self) -> None:
        """Draw the bar at once, before any work is done (a slow first step is not silence)."""
        if self._live:
            self._drawn_at = time.monotonic()
            self._draw()

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


class TerminalProgress:
    """A run's stages, one bar each, on a terminal; nothing elsewhere but retry notes.

    Usage::

        with TerminalProgress() as progress:
            advance = progress.stage("resolving 12 DOIs", 12)
            advance(1)
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._current: Progress | None = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def stage(self, label: str, total: int) -> Callable[[int], None]:
        self.close()
        self._current = Progress(total, label, stream=self._stream, min_total=0)
        self._current.start()
        return self._current.advance

    def on_retry(self, url: str, delay: float, reason: str) -> None:
        """The registry is slow, refusing or out of reach: say what is retried when, and why
        (a line of its own, kept in logs too; the bar is redrawn below it). The reason leads
        nothing with "slow": offline, it is a failed connection."""
        live = self._current is not None and self._current._live
        if live:
            self._stream.write("\r\x1b[K")
        self._stream.write(f"retrying {url} in {delay:.1f} s: {reason}\n")
        self._stream.flush()
        if live and self._current is not None:
            self._current._draw()

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
