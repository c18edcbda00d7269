"""Run an ASGI app (the stand-in) under uvicorn in a background thread on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["free_port_url", "run_standin", "serve_in_thread"]


@contextmanager
def run_standin(
    app: Any, *, host: str = "127.0.0.1", startup_timeout: float = 10.0
) -> Iterator[str]:
    """Serve ``app`` on a free port of ``host`` while the block runs; yield its base URL.

    The URL includes the app's ``config.prefix`` when it has one.
    """
    prefix = getattr(getattr(app, "config", None), "prefix", "")
    # log_level critical: dropped connections on purpose would log tracebacks.
    with serve_in_thread(app, host=host, startup_timeout=startup_timeout, lifespan="off",
                         log_level="critical", name="the stand-in server") as base_url:
        yield f"{base_url}{prefix}"


@contextmanager
def serve_in_thread(
    app: Any,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 10.0,
    lifespan: str = "off",
    log_level: str = "warning",
    name: str = "the server",
) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free port of ``host`` in a thread; yield its base URL."""
    # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY on accepted connections only
    # when the socket's proto says TCP; with proto 0, Nagle holds the body that uvicorn
    # writes after the headers until the client's delayed ACK (~40 ms on every request).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan=lifespan,
        http="h11",
        ws="none",
        loop="asyncio",
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def free_port_url(host: str = "127.0.0.1") -> str:
    """A URL on ``host`` where nothing listens (the port was free a moment ago): a dead registry."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return f"http://{host}:{sock.getsockname()[1]}"
