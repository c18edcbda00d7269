"""Concurrent ``works`` calls share list requests (refs.crossref.coalescing)."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlsplit

import httpx

from refs.crossref import CrossrefSettings
from refs.crossref.coalescing import CoalescingClient
from tests.standin.records import generated_doi, generated_message

A, B, C, D, E = (generated_doi(n) for n in range(1, 6))


def _registry(lists: list[list[str]]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        query = parse_qs(urlsplit(str(request.url)).query)
        asked = [p.removeprefix("doi:") for p in query["filter"][0].split(",")]
        lists.append(asked)
        items = [generated_message(doi) for doi in asked]
        body = {"status": "ok", "message-type": "work-list",
                "message": {"items": items, "total-results": len(items)}}
        return httpx.Response(200, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})

    return httpx.MockTransport(answer)


def test_calls_made_together_are_asked_in_one_list_request() -> None:
    lists: list[list[str]] = []

    async def run() -> list[list[str]]:
        async with CoalescingClient(CrossrefSettings(), transport=_registry(lists),
                                    linger=0.05) as client:
            answers = await asyncio.gather(
                client.works([A, B]), client.works([B, C]), client.works([D, E]))
        return [[o.doi for o in outcomes if o.status == "found"] for outcomes in answers]

    found = asyncio.run(run())
    assert found == [[A, B], [B, C], [D, E]]
    assert [sorted(asked) for asked in lists] == [[A, B, C, D, E]]
