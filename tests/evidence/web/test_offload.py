"""A check's registry calls from a worker thread's loop run on the service's loop (issue 16)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from evidence.web.offload import MainLoopClient
from refs.crossref import CrossrefClient, CrossrefSettings
from refs.crossref.deadline import registry_deadline
from tests.refs.crossref.recorded import CORRECTED, work_response


@pytest.fixture
def service_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop running in its own thread, as the service's does."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


def client_on(loop: asyncio.AbstractEventLoop, transport: httpx.AsyncBaseTransport,
              ) -> tuple[CrossrefClient, set[int]]:
    """A client made on ``loop``, and the threads its transport was called from."""
    threads: set[int] = set()

    class Recording(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            threads.add(threading.get_ident())
            return await transport.handle_async_request(request)

    async def make() -> CrossrefClient:
        return CrossrefClient(CrossrefSettings(base_url="https://crossref.test", wait=60.0),
                              transport=Recording())

    return asyncio.run_coroutine_threadsafe(make(), loop).result(5), threads


def test_calls_run_on_the_clients_loop_and_answer_on_the_callers(
    service_loop: asyncio.AbstractEventLoop,
) -> None:
    client, threads = client_on(service_loop, httpx.MockTransport(
        lambda request: work_response(CORRECTED)))

    async def check() -> str:
        work = await MainLoopClient(client, service_loop).work(CORRECTED)
        return work.doi

    try:
        assert asyncio.run(check()) == CORRECTED
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), service_loop).result(5)
    assert threads and threading.get_ident() not in threads


def test_the_checks_registry_deadline_reaches_the_clients_loop(
    service_loop: asyncio.AbstractEventLoop,
) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)
        raise AssertionError("never answered")

    client, _ = client_on(service_loop, httpx.MockTransport(hang))

    async def check() -> list[str]:
        with registry_deadline(0.3):
            outcomes = await MainLoopClient(client, service_loop).works([CORRECTED])
        return [o.status for o in outcomes]

    started = time.monotonic()
    try:
        assert asyncio.run(check()) == ["unverified"]
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), service_loop).result(5)
    assert time.monotonic() - started < 10  # the check's 0.3 s, not the client's 60 s


def test_progress_is_heard_on_the_callers_loop(
    service_loop: asyncio.AbstractEventLoop,
) -> None:
    client, _ = client_on(service_loop, httpx.MockTransport(
        lambda request: work_response(CORRECTED)))
    heard: list[tuple[int, int]] = []  # (DOIs done, thread)

    async def check() -> None:
        await MainLoopClient(client, service_loop).works(
            [CORRECTED], progress=lambda done: heard.append((done, threading.get_ident())))
        await asyncio.sleep(0.05)  # the callback was queued on this loop: let it run

    try:
        asyncio.run(check())
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), service_loop).result(5)
    assert heard == [(1, threading.get_ident())]
