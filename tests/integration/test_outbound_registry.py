"""A check against a real registry on 127.0.0.1 that hangs, or redirects to an internal
address (issue 16): the wait is bounded, nothing internal is fetched, and every reference
the registry did not answer for is ``unverified``, never ``not-found``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles import parse_article
from evidence.check import check_parsed
from evidence.config import Settings
from evidence.results import CheckResult
from evidence.store.models import Lookup, WorkRecord
from tests.standin import csl_for_generated, generated_doi
from tests.standin.server import serve_in_thread

DOIS = [generated_doi(1), generated_doi(2)]
ARTICLE = (
    "Meadows turn green in spring [1]. Alpine meadows stay green longer [2].\n\n"
    "References\n\n"
    f"[1] Generated A. (2001). A generated reference. doi:{DOIS[0]}\n"
    f"[2] Generated B. (2002). Another generated reference. doi:{DOIS[1]}\n"
)


@contextmanager
def silent_registry() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


class Internal:
    """An internal service: records each request, and answers what a resolver would."""

    def __init__(self) -> None:
        self.hits: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.hits.append(scope["path"])
        body = json.dumps(csl_for_generated(DOIS[0])).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


class Redirecting:
    """A registry that answers every request with a redirect to ``target``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.hits = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.hits += 1
        await send({"type": "http.response.start", "status": 302,
                    "headers": [(b"location", self.target.encode())]})
        await send({"type": "http.response.body", "body": b""})


def check(sessions: sessionmaker[Session], base_url: str, **settings: Any) -> CheckResult:
    config = Settings(database_url="unused", crossref_url=base_url, doi_url=f"{base_url}/doi",
                      timeout=20.0, **settings)
    article = parse_article(ARTICLE, path="meadows.txt", format="text")
    return asyncio.run(check_parsed([(article, [])], settings=config, sessions=sessions))


def stored_works(sessions: sessionmaker[Session]) -> int:
    """Works stored, and not-found verdicts (a silent registry must leave neither)."""
    with sessions() as session:
        return sum(session.scalar(select(func.count()).select_from(table)) or 0
                   for table in (WorkRecord, Lookup))


def test_a_hung_registry_costs_the_wait_and_leaves_the_references_unverified(
    sessions: sessionmaker[Session],
) -> None:
    with silent_registry() as base_url:
        started = time.monotonic()
        result = check(sessions, base_url, registry_wait=1.5)
        elapsed = time.monotonic() - started
    statuses = [r.status for r in result.articles[0].references]
    assert statuses == ["unverified", "unverified"]
    assert all("allowed" in (r.reason or "") for r in result.articles[0].references)
    # 1.5 s of wait, not 7 tries of 20 s; generous for a loaded machine.
    assert 1.4 <= elapsed < 15
    assert stored_works(sessions) == 0


def test_a_redirect_to_an_internal_address_is_not_fetched(
    sessions: sessionmaker[Session],
) -> None:
    internal = Internal()
    # Another port of the registry's own machine: an internal service, not the registry.
    with serve_in_thread(internal, log_level="critical") as internal_url:
        registry = Redirecting(f"{internal_url}/latest/meta-data")
        with serve_in_thread(registry, log_level="critical") as base_url:
            result = check(sessions, base_url, registry_wait=30.0)
    references = result.articles[0].references
    assert registry.hits >= 2  # the registry was asked about both DOIs
    assert internal.hits == []  # ...and its redirect was never followed
    assert [r.status for r in references] == ["unverified", "unverified"]
    assert all("not followed" in (r.reason or "") for r in references)
    assert stored_works(sessions) == 0
