"""`evidence serve` on an address it cannot listen on says so, before it says it serves."""

from __future__ import annotations

import socket
from typing import Any


def test_a_port_in_use_is_said_and_exits_2(evidence: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = evidence("serve", "--port", str(port))
    assert run.code == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in run.err
    assert "pick another with --port" in run.err and "serving on" not in run.err


def test_a_host_that_is_no_address_here_is_said(evidence: Any) -> None:
    run = evidence("serve", "--host", "192.0.2.1", "--port", "8000")  # TEST-NET-1: not ours
    assert run.code == 2 and "cannot listen on 192.0.2.1:8000" in run.err
