"""Warm reads answered before the framework's routing: a kept article answer (the API's
``GET /api/articles/{id}`` and the article page ``/articles/{id}``) sent with one thread-pool
hop and one pooled connection for the caller's token and the read stamp.

Through the routes, a warm read cost two hops to the thread pool (the token's dependency,
then the handler, each taking a connection of its own), FastAPI's dependency solving and its
route matching: more of the server's CPU than the read's own work, and on two cores the hops'
hand-offs of the interpreter's lock between the event loop and the pool threads made each
read wait longer still.

This answers only what it is sure of, with the routes' own code: the caller is found by
:func:`evidence.web.auth.caller` (in the database, every request: a revoked token is refused
on the very next one), the stamp by :func:`evidence.store.stamps.read_stamp`, the body taken
from ``Service.reads`` under the routes' own keys and answered by the routes' own response
functions. Anything else (no or a bad token, a role too low, a query it does not take, a
version not kept at its stamp, SQLite, which has no stamps) goes on to the routes, which
answer it as they always did; so every error, and a first read, is the routes'.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from evidence.store.engine import reading_connection
from evidence.store.stamps import read_stamp
from evidence.web.auth import Principal, caller
from evidence.web.errors import STORE_UNREACHABLE, store_unavailable
from evidence.web.readcache import Encoded
from evidence.web.routes.articles import (
    CLAIMS_PAGE,
    MAX_CLAIMS_PAGE,
    article_key,
    article_response,
)
from evidence.web.routes.pages import page_key, page_response
from evidence.web.schemas import MAX_ID
from evidence.web.service import Service

__all__ = ["WarmReads"]

MAX_OFFSET = 2**31 - 1
"""The routes' bound on ``offset``."""
MAX_DIGITS = 10
"""Digits of a number read here; longer ones (past the bounds anyway) go to the routes."""


@dataclass(frozen=True, slots=True)
class _Route:
    """A route whose kept answers are sent from here, and what it takes to send one."""

    path: re.Pattern[str]
    role: str | None
    """The least role the route asks for (None: anyone signed in)."""
    history: bool
    """The stamp with the claims' histories (the page shows them)."""
    key: Callable[[Principal, int, int, int], Hashable]
    respond: Callable[[Request, Encoded], Response]


_ROUTES = (
    _Route(re.compile(r"/api/articles/([0-9]+)"), "reviewer", False,
           lambda _who, article_id, limit, offset: article_key(article_id, limit, offset),
           article_response),
    _Route(re.compile(r"/articles/([0-9]+)"), None, True, page_key, page_response),
)


@dataclass(frozen=True, slots=True)
class _Asked:
    route: _Route
    article_id: int
    limit: int
    offset: int


class WarmReads:
    """ASGI middleware: a kept article answer sent without the routes; all else to them."""

    def __init__(self, app: ASGIApp, svc: Service) -> None:
        self.app = app
        self.svc = svc
        # SQLite has no read stamps: nothing is kept, so nothing could be sent from here.
        self.active = svc.engine.dialect.name == "postgresql"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = _asked(scope) if self.active else None
        if asked is not None:
            request = Request(scope, receive)
            try:
                kept = await run_in_threadpool(self._kept, request, asked)
            except STORE_UNREACHABLE as exc:
                await (await store_unavailable(request, exc))(scope, receive, send)
                return
            if kept is not None:
                await asked.route.respond(request, kept)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _kept(self, request: Request, asked: _Asked) -> Encoded | None:
        """The body kept for what was asked at the version's stamp now, if the caller may
        read it; None for the routes to answer."""
        with reading_connection(self.svc.engine) as connection:
            who, _ = caller(request, self.svc, connection)
            if who is None or (asked.route.role is not None and not who.can(asked.route.role)):
                return None
            stamp = read_stamp(connection, asked.article_id, history=asked.route.history)
        if stamp is None:
            return None
        key = asked.route.key(who, asked.article_id, asked.limit, asked.offset)
        return self.svc.reads.get(key, stamp)


def _asked(scope: Scope) -> _Asked | None:
    """What a GET asks of a route above, read as the route reads it; None when it is not
    such a GET, or asks anything this does not take (then the route decides)."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("root_path"):
        return None
    for route in _ROUTES:
        found = route.path.fullmatch(scope["path"])
        if found is not None:
            break
    else:
        return None
    digits = found.group(1)
    query = _query(scope["query_string"])
    if len(digits) > MAX_DIGITS or not 1 <= int(digits) <= MAX_ID or query is None:
        return None
    return _Asked(route, int(digits), *query)


def _query(raw: bytes) -> tuple[int, int] | None:
    """``limit`` and ``offset`` (the routes' defaults where not given), when the query holds
    nothing else, each at most once, in plain digits within the routes' bounds."""
    if not raw:
        return CLAIMS_PAGE, 0
    given = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    values = dict(given)
    if len(values) != len(given) or not values.keys() <= {"limit", "offset"} \
            or not all(v.isascii() and v.isdigit() and len(v) <= MAX_DIGITS
                       for v in values.values()):
        return None
    limit, offset = int(values.get("limit", CLAIMS_PAGE)), int(values.get("offset", 0))
    if not 1 <= limit <= MAX_CLAIMS_PAGE or offset > MAX_OFFSET:
        return None
    return limit, offset
