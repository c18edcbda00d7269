"""The stand-in Crossref: an ASGI app serving recorded and generated works like the real API.

Routes (under ``config.prefix``): ``/works/{doi}``, ``/works/{doi}/agency``,
``/works?filter=doi:A,doi:B&rows=N``, ``/works?query.bibliographic=...&rows=N``, the update
notices (``/works?filter=is-update:true,from-index-date:D&cursor=*&rows=N``, also with
``until-index-date``, ``update-type:T`` and ``updates:DOI``; cursor-paged), and
``/doi/{doi}`` (content negotiation for ``config.foreign`` DOIs). It sends Crossref's rate-limit
headers, answers 429 past the rate or the concurrency of each kind (single / list), and counts
and records every request.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from tests.standin.config import StandinConfig
from tests.standin.records import (
    csl_for_generated,
    generated_doi,
    generated_message,
    recorded_messages,
    recorded_notices,
)

__all__ = ["Refusal", "RequestRecord", "Standin"]

Scope = dict[str, Any]
_NOT_FOUND = b"Resource not found."
_HTML_429 = (
    b"<html><body><h1>429 Too Many Requests</h1>\n"
    b"You have sent too many requests in a given amount of time.\n</body></html>\n"
)  # the body Crossref sent, as recorded in tests/fixtures/crossref/errors/429__*


class _Drop(Exception):
    """Raised mid-response so that the server closes the connection without finishing."""


@dataclass(frozen=True, slots=True)
class RequestRecord:
    kind: str  # single, agency, list, search, resolver, other
    path: str
    query: str
    status: int
    at: float = 0.0
    """When the stand-in took the request up (``time.monotonic``), which is when it counts."""
    refused: Refusal | None = None
    """Which of its limits the stand-in answered 429 for (not an injected ``429`` fault)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the stand-in saw when it refused a request past its limits: the ``limit``
    (``rate``: its token bucket was empty; ``concurrency``: as many requests of the kind in
    flight as it allows), the bucket's ``tokens`` (under 1 for a refusal on the rate), the
    requests ``in_flight`` and the seconds since the request of the kind before (``gap``)."""

    limit: str
    tokens: float
    in_flight: int
    gap: float


class _Bucket:
    """Token bucket: ``rate`` requests per ``interval``, bursts up to ``rate``."""

    def __init__(self, rate: int, interval: float) -> None:
        self.capacity = float(rate)
        self.per_second = rate / interval
        self.tokens = float(rate)
        self.stamp = time.monotonic()

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Standin:
    """The ASGI app. Read ``counts`` and ``log`` after a run; ``reset()`` between runs."""

    def __init__(self, config: StandinConfig | None = None) -> None:
        self.config = config or StandinConfig()
        self.works: dict[str, dict[str, Any]] = dict(recorded_messages())
        self.notices: set[str] = {doi for doi, m in self.works.items() if m.get("update-to")}
        for message in recorded_notices().values():
            self.add_notice(message)
        for index in range(1, self.config.generated + 1):
            doi = generated_doi(index)
            self.works[doi] = generated_message(doi)
        self.counts: Counter[str] = Counter()
        self.log: list[RequestRecord] = []
        self._random = random.Random(self.config.faults.seed)
        self._buckets = {
            "single": _Bucket(self.config.single_rate, self.config.interval),
            "list": _Bucket(self.config.list_rate, self.config.interval),
        }
        self._in_flight: Counter[str] = Counter()
        self._last: dict[str, float] = {}  # when the last request of each budget came
        self._scripted = 0

    def add_notice(self, message: dict[str, Any]) -> None:
        """Serve ``message`` (a work with ``update-to``) as a work and in the notice lists."""
        doi = message["DOI"].lower()
        self.works[doi] = message
        self.notices.add(doi)

    def reset(self) -> None:
        self.counts.clear()
        self.log.clear()

    def asked_dois(self) -> list[str]:
        """Every DOI asked about, once per request that named it (in a list or on its own)."""
        asked: list[str] = []
        for record in self.log:
            if record.kind == "list":
                for value in parse_qs(record.query)["filter"]:
                    asked += [part.removeprefix("doi:") for part in value.split(",")]
            elif record.kind == "single":
                asked.append(record.path.removeprefix("/works/"))
        return asked

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        query = scope["query_string"].decode("latin-1")
        kind, target = self._route(path, parse_qs(query))
        self.counts[kind] += 1
        budget = "list" if kind in ("list", "search") else "single"
        at = time.monotonic()
        refused = self._refusal(kind, budget, at)
        if refused is not None:
            status, headers, body = 429, _html(), _HTML_429
        else:
            status, headers, body = await self._answer(kind, budget, target, parse_qs(query))
        self.log.append(RequestRecord(kind, path, query, status, at, refused))
        headers = [*self._limit_headers(budget, query, scope), *headers]
        await self._send(send, status, headers, body)

    # --- routing and answers -----------------------------------------------------------

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[str, str]:
        prefix = self.config.prefix
        if not path.startswith(prefix):
            return "other", path
        rest = path[len(prefix) :]
        if rest.startswith("/doi/"):
            return "resolver", rest[len("/doi/") :].lower()
        if rest == "/works":
            return ("search" if "query.bibliographic" in query else "list"), ""
        if rest.startswith("/works/"):
            doi = rest[len("/works/") :].lower()
            if doi.endswith("/agency"):
                return "agency", doi[: -len("/agency")]
            return "single", doi
        return "other", path

    def _refusal(self, kind: str, budget: str, at: float) -> Refusal | None:
        """Why a request arriving ``at`` is past the limits of its budget, or ``None``."""
        if not self.config.enforce_limits or kind == "resolver" or self.config.faults.status:
            return None
        gap = at - self._last.get(budget, float("-inf"))
        self._last[budget] = at
        in_flight = self._in_flight[budget]
        bucket = self._buckets[budget]
        if in_flight >= self.config.concurrency:
            return Refusal("concurrency", bucket.tokens, in_flight, gap)
        if not bucket.take(at):
            return Refusal("rate", bucket.tokens, in_flight, gap)
        return None

    async def _answer(
        self, kind: str, budget: str, target: str, query: dict[str, list[str]]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes | None]:
        faults = self.config.faults
        if faults.status is not None:
            return faults.status, _html(), b"<html><body><h1>Service Unavailable</h1></body></html>"
        self._in_flight[budget] += 1
        try:
            if self.config.latency:
                await asyncio.sleep(self.config.latency)
            injected = await self._fault()
            if injected is not None:
                return injected
            return self._content(kind, target, query)
        finally:
            self._in_flight[budget] -= 1

    async def _fault(self) -> tuple[int, list[tuple[bytes, bytes]], bytes | None] | None:
        faults = self.config.faults
        if self._scripted < len(faults.first):
            name = faults.first[self._scripted]
            self._scripted += 1
        else:
            name = self._draw()
        if name == "stall":
            await asyncio.sleep(faults.stall_seconds)
            return None
        return _FAULTS.get(name)

    def _draw(self) -> str:
        faults = self.config.faults
        roll = self._random.random()
        for name, share in (
            ("500", faults.error_500),
            ("429", faults.html_429),
            ("garbage", faults.garbage),
            ("drop", faults.drop),
            ("stall", faults.stall),
        ):
            if roll < share:
                return name
            roll -= share
        return "ok"

    def _content(
        self, kind: str, target: str, query: dict[str, list[str]]
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if kind == "single":
            if target in self.works:
                return 200, _json(), _envelope("work", self.works[target])
            return 404, _text(), _NOT_FOUND
        if kind == "agency":
            agency = "crossref" if target in self.works else self.config.foreign.get(target)
            if agency is None:
                return 404, _text(), _NOT_FOUND
            message = {"DOI": target, "agency": {"id": agency, "label": agency.title()}}
            return 200, _json(), _envelope("work-agency", message)
        if kind == "list":
            return 200, _json(), self._list(query)
        if kind == "search":
            return 200, _json(), self._search(query)
        if kind == "resolver" and target in self.config.foreign:
            return (
                200,
                [(b"content-type", b"application/vnd.citationstyles.csl+json")],
                (json.dumps(csl_for_generated(target)).encode()),
            )
        return 404, _text(), _NOT_FOUND

    def _list(self, query: dict[str, list[str]]) -> bytes:
        rows = int((query.get("rows") or ["20"])[0])
        filters = [part.split(":", 1) for value in query.get("filter", [])
                   for part in value.split(",") if ":" in part]
        if any(name in _NOTICE_FILTERS for name, _ in filters):
            return self._notices(filters, rows, (query.get("cursor") or [None])[0])
        asked: list[str] = []
        for value in query.get("filter", []):
            asked += [part[4:].lower() for part in value.split(",") if part.startswith("doi:")]
        found = [self.works[doi] for doi in dict.fromkeys(asked) if doi in self.works]
        message = {"total-results": len(found), "items": found[:rows], "items-per-page": rows}
        return _envelope("work-list", message)

    def _notices(self, filters: list[list[str]], rows: int, cursor: str | None) -> bytes:
        """Notices matching every filter (values of one filter name are alternatives, as
        Crossref's), in DOI order, a page from the cursor's position."""
        wanted: dict[str, set[str]] = {}
        for name, value in filters:
            wanted.setdefault(name, set()).add(value.lower())
        found = [self.works[d] for d in sorted(self.notices) if _notice_matches(self.works[d],
                                                                                wanted)]
        start = 0 if cursor in (None, "*") else int(str(cursor).removeprefix("standin-"))
        items = found[start:start + rows]
        message = {"total-results": len(found), "items": items, "items-per-page": rows,
                   "next-cursor": f"standin-{start + len(items)}"}
        return _envelope("work-list", message)

    def _search(self, query: dict[str, list[str]]) -> bytes:
        rows = int((query.get("rows") or ["20"])[0])
        words = set(query["query.bibliographic"][0].lower().split())
        scored = []
        for work in self.works.values():
            title = " ".join(work.get("title") or []).lower()
            score = float(len(words & set(title.split())))
            if score:
                scored.append({**work, "score": score})
        scored.sort(key=lambda item: -item["score"])
        message = {"total-results": len(scored), "items": scored[:rows], "items-per-page": rows}
        return _envelope("work-list", message)

    # --- HTTP details ------------------------------------------------------------------

    def _limit_headers(self, budget: str, query: str, scope: Scope) -> list[tuple[bytes, bytes]]:
        rate = self.config.list_rate if budget == "list" else self.config.single_rate
        agent = dict(scope["headers"]).get(b"user-agent", b"")
        polite = "mailto=" in query or b"mailto:" in agent
        return [
            (b"x-rate-limit-limit", str(rate).encode()),
            (b"x-rate-limit-interval", f"{self.config.interval:g}s".encode()),
            (b"x-concurrency-limit", str(self.config.concurrency).encode()),
            (b"x-api-pool", b"polite" if polite else b"public"),
        ]

    async def _send(self, send: Any, status: int, headers: list[Any], body: bytes | None) -> None:
        if body is None:  # a dropped connection: promise a body, send a piece, give up
            headers.append((b"content-length", b"1000"))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b'{"status":', "more_body": True})
            raise _Drop("connection dropped on purpose")
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


_FAULTS: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes | None]] = {
    "500": (500, [(b"content-type", b"text/html")], b"<html><body>500 Server Error</body></html>"),
    "429": (429, [(b"content-type", b"text/html")], _HTML_429),
    "garbage": (200, [(b"content-type", b"application/json")], b'{"status":"ok","message-ty'),
    "drop": (200, [(b"content-type", b"application/json")], None),
}


_NOTICE_FILTERS = frozenset({"is-update", "from-index-date", "until-index-date", "update-type",
                             "updates"})


def _notice_matches(message: dict[str, Any], wanted: dict[str, set[str]]) -> bool:
    updates = message.get("update-to") or []
    indexed = str((message.get("indexed") or {}).get("date-time", ""))[:10]
    checks = {
        "is-update": lambda values: bool(updates) == ("true" in values),
        "from-index-date": lambda values: indexed >= max(values),
        "until-index-date": lambda values: indexed <= min(values),
        "update-type": lambda values: any(str(u.get("type", "")).lower() in values
                                          for u in updates),
        "updates": lambda values: any(str(u.get("DOI", "")).lower() in values for u in updates),
    }
    return all(checks[name](values) for name, values in wanted.items() if name in checks)


def _envelope(message_type: str, message: Any) -> bytes:
    body = {"status": "ok", "message-type": message_type, "message-version": "1.0.0"}
    return json.dumps({**body, "message": message}).encode()


def _json() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"application/json")]


def _text() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"text/plain")]


def _html() -> list[tuple[bytes, bytes]]:
    return [(b"content-type", b"text/html")]
