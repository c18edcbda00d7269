"""Failed sign-ins, counted per client address: past a few, the address waits.

Tokens have 256 random bits, so guessing one is hopeless anyway; the throttle keeps a
script from filling the logs and the CPU with tries. Counted in memory, per process:
with several workers each counts its own, which still bounds the rate.
"""

from __future__ import annotations

import threading
import time
from collections import deque

__all__ = ["SignInThrottle"]


class SignInThrottle:
    """At most ``limit`` failed sign-ins per address within ``window`` seconds."""

    def __init__(self, *, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # page handlers run in a thread pool

    def wait(self, address: str) -> float:
        """Seconds ``address`` must wait before trying again (0: it may try now)."""
        with self._lock:
            failures = self._recent(address, time.monotonic())
            if len(failures) < self.limit:
                return 0.0
            return max(0.0, failures[0] + self.window - time.monotonic())

    def failed(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(address, now).append(now)

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures and len(self._failures) > 10_000:
            self._failures.clear()  # many addresses, each idle: forget them all, keep memory flat
            failures = self._failures.setdefault(address, deque())
        return failures
