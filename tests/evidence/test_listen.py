"""Where ``serve --workers N``'s processes listen: a socket each on one port where the system
spreads connections (Linux), else None and uvicorn's one shared socket."""

from __future__ import annotations

import errno
import pickle
import socket
import sys

import pytest

from evidence import listen


def test_elsewhere_than_linux_the_processes_share_uvicorns_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for platform in ("darwin", "win32"):  # macOS does not balance; Windows has none
        monkeypatch.setattr(sys, "platform", platform)
        assert listen.spread_listener("127.0.0.1", 0) is None


def test_a_system_that_refuses_so_reuseport_falls_back_to_the_shared_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Linux as the platform says, but a kernel that refuses the option (an emulated one, a
    sandbox): serving goes on with uvicorn's socket rather than failing with a traceback."""
    def refuse(sock: socket.socket) -> None:
        raise OSError(errno.ENOPROTOOPT, "Protocol not available")

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(listen, "_share_port", refuse)
    assert listen.spread_listener("127.0.0.1", 0) is None


def test_the_held_socket_arrives_as_a_socket_of_its_own_on_the_same_port() -> None:
    # on Linux, where the tests run
    held = listen.spread_listener("127.0.0.1", 0)
    assert held is not None
    try:
        own = pickle.loads(pickle.dumps(held))
        try:
            assert own.fileno() != held.fileno()
            assert own.getsockname() == held.getsockname()
        finally:
            own.close()
    finally:
        held.close()
