"""Where the processes of ``evidence serve --workers N`` listen: each on a socket of its own,
all on one port (``SO_REUSEPORT``), so that the kernel spreads the connections over them.

uvicorn's own way binds one socket in the parent and has every process accept from it. When
connections come together (twenty clients starting at once), the first process to wake
accepts every one waiting, and a client that keeps its connection open (a browser, a proxy,
a load generator) stays on that process while the others idle: 18 of 20 connections on one
of two processes, and two processes no faster than one (benchmarks/RESULTS.md, Scale, Reads).
With a socket per process bound with ``SO_REUSEPORT``, Linux hashes each new connection to
one of the listening sockets.

uvicorn hands each process the parent's sockets by pickling them. :func:`spread_listener`
gives it a socket that pickles as the instruction to bind one's own, so uvicorn's supervisor
(restarting a process that died, ``SIGHUP``, ``SIGTTIN``) works as it is. The parent's
socket is bound but never listens: it holds the port, and takes no connections.

This module sits outside ``evidence.web`` on purpose: a new process imports it while
unpickling, before uvicorn's health check thread runs, and ``evidence.web`` imports the whole
app (1.7 s; under load past the 5 s uvicorn waits before it kills the process as hung).
"""

from __future__ import annotations

import errno
import socket
import sys
from typing import Any

__all__ = ["bind_own", "spread_listener"]


def spread_listener(host: str, port: int) -> socket.socket | None:
    """A socket bound to ``host:port`` that each server process it is given to replaces by
    a listening socket of its own on the same port; None where connections would not be
    spread (not Linux: elsewhere ``SO_REUSEPORT`` does not balance, or does not exist; nor
    a Linux that refuses the option, as some sandboxes and emulated kernels do).

    :raises OSError: the address cannot be bound.
    """
    if sys.platform != "linux" or not hasattr(socket, "SO_REUSEPORT"):
        return None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    held = _PerProcess(family, socket.SOCK_STREAM)
    try:
        _share_port(held)
    except OSError as exc:
        held.close()
        if exc.errno in _NOT_OFFERED:  # an emulated kernel, a sandbox: uvicorn's socket
            return None
        raise
    try:
        held.bind((host, port))
    except OSError:
        held.close()
        raise
    return held


_NOT_OFFERED = {errno.ENOPROTOOPT, errno.EINVAL, errno.EOPNOTSUPP}
"""What a system that has no ``SO_REUSEPORT`` to give answers when asked for it."""


def bind_own(family: int, address: tuple[Any, ...]) -> socket.socket:
    """A socket of this process bound to ``address`` beside the others (uvicorn listens)."""
    own = socket.socket(family, socket.SOCK_STREAM)
    _share_port(own)
    own.bind(address)
    return own


def _share_port(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


class _PerProcess(socket.socket):
    """A socket that arrives in another process as a new one of its own on the same address.

    multiprocessing pickles a plain socket as a duplicate of its descriptor (one socket
    shared by all); this class is not registered with it, so pickle uses ``__reduce__``.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return bind_own, (self.family, self.getsockname())
