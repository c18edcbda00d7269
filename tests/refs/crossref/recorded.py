"""Recorded Crossref responses (tests/fixtures/crossref/) as httpx responses for MockTransport.

List answers are built by wrapping recorded work messages in Crossref's work-list envelope:
a transformation of recorded data, not invented metadata.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

CROSSREF = Path(__file__).resolve().parents[2] / "fixtures" / "crossref"
RETRACTED = "10.1177/0956797614520714"
CORRECTED = "10.1371/journal.pone.0033693"
SICI = "10.1002/1096-9861(20010212)430:3<283::aid-cne1031>3.0.co;2-v"
SICI_BRACKETS = "10.1890/0012-9658(2006)87[2832:tiopma]2.0.co;2"
NOT_A_DOI_THERE = "10.1371/notarealdoi"
# Headers that describe the recorded bytes on the wire, not the decoded body we serve.
_WIRE_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection", "status"}

Handler = Callable[[httpx.Request], httpx.Response]


def work_message(doi: str) -> dict[str, Any]:
    path = CROSSREF / "works" / (doi.replace("/", "__") + ".json")
    message: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["message"]
    return message


def all_recorded_dois() -> list[str]:
    paths = sorted((CROSSREF / "works").glob("*.json"))
    return [json.loads(p.read_text(encoding="utf-8"))["message"]["DOI"].lower() for p in paths]


def work_response(doi: str, headers: Iterable[tuple[str, str]] = ()) -> httpx.Response:
    path = CROSSREF / "works" / (doi.replace("/", "__") + ".json")
    return httpx.Response(
        200, content=path.read_bytes(), headers=[("content-type", "application/json"), *headers]
    )


def list_response(dois: Iterable[str], headers: Iterable[tuple[str, str]] = ()) -> httpx.Response:
    items = [work_message(doi) for doi in dois]
    body = {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {"items": items, "total-results": len(items), "items-per-page": len(items)},
    }
    return httpx.Response(200, json=body, headers=list(headers))


def recorded_error(name_start: str) -> httpx.Response:
    """The first recorded error whose file name starts with ``name_start`` (``429__works``)."""
    body_path = sorted((CROSSREF / "errors").glob(f"{name_start}*.body.txt"))[0]
    meta_path = body_path.with_name(body_path.name.replace(".body.txt", ".response-headers.json"))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return httpx.Response(
        int(meta["status"]),
        headers=recorded_headers(meta["headers"]),
        content=body_path.read_bytes(),
    )


def recorded_headers(headers: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for name, value in headers.items():
        if name.lower() in _WIRE_HEADERS:
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one)))
    return pairs


def query_response(name: str) -> tuple[httpx.Response, dict[str, Any]]:
    """A recorded search answer and its ``.meta.json``."""
    path = CROSSREF / "queries" / f"{name}.json"
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    return httpx.Response(200, content=path.read_bytes()), meta


class Recorder:
    """A MockTransport handler that records requests and answers from a function."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]
