"""What the benchmarks that start `evidence serve` share: waiting for it to answer."""

from __future__ import annotations

import time

import httpx

__all__ = ["wait_until_up"]


def wait_until_up(url: str, seconds: float = 60) -> None:
    """Return once ``url``'s /health answers 200.

    :raises RuntimeError: it did not within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")
