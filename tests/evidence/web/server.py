"""The editors' service under a real uvicorn server on 127.0.0.1, in a background thread.

The same runner as the stand-in Crossref, with the app's lifespan on (it opens the Crossref
client).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.standin.server import serve_in_thread as _serve

__all__ = ["serve_in_thread"]


@contextmanager
def serve_in_thread(app: Any, *, startup_timeout: float = 20.0) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 while the block runs; yield its base URL."""
    with _serve(app, startup_timeout=startup_timeout, lifespan="on",
                name="the evidence service") as base_url:
        yield base_url
