"""CrossrefClient.notices: the walk of update notices, a cursor-paged list.

Pages are cut from a real list answer (PLOS ONE, recorded 2021-08-17) holding five notices.
"""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from refs.crossref import CrossrefClient, CrossrefSettings
from refs.crossref.notices import NoticePage, notice_params
from refs.errors import RegistryUnavailable
from tests.refs.crossref.conftest import FakeSleep
from tests.refs.crossref.recorded import CROSSREF

pytestmark = pytest.mark.anyio

LIST = CROSSREF / "lists" / "rcrossref__journals-1932-6203-works-rows-30-cursor-2A.json"
NOTICES = [item for item in json.loads(LIST.read_text(encoding="utf-8"))["message"]["items"]
           if item.get("update-to")]


def paged(fail_at: int | None = None) -> tuple[httpx.MockTransport, list[httpx.URL]]:
    """Serves NOTICES in pages of the asked rows; page ``fail_at`` (0-based) answers 503."""
    asked: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        rows = int(request.url.params["rows"])
        cursor = request.url.params["cursor"]
        start = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        if fail_at is not None and start // rows == fail_at:
            return httpx.Response(503, headers={"content-type": "text/html"}, text="<html>")
        items = NOTICES[start:start + rows]
        message = {"total-results": len(NOTICES), "items": items, "items-per-page": rows,
                   "next-cursor": f"c{start + len(items)}"}
        return httpx.Response(200, json={"status": "ok", "message-type": "work-list",
                                         "message": message})

    return httpx.MockTransport(answer), asked


async def walk(client: CrossrefClient, since: date, rows: int) -> list[NoticePage]:
    return [page async for page in client.notices(since, rows=rows)]


async def test_the_walk_follows_the_cursor_to_the_last_page(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    transport, asked = paged()
    async with CrossrefClient(settings, transport=transport, sleep=sleep) as client:
        pages = await walk(client, date(2026, 12, 1), rows=2)
    assert [len(p.notices) for p in pages] == [2, 2, 1]
    assert client.stats.notice_requests == 3 and client.stats.requests == 3
    assert [u.params["cursor"] for u in asked] == ["*", "c2", "c4"]
    assert asked[0].params["filter"] == "is-update:true,from-index-date:2026-12-01"
    retraction = next(n for n in pages[0].notices + pages[1].notices
                      if n.doi == "10.1371/journal.pone.0210896")
    (target,) = retraction.notice_of
    assert (target.kind, target.doi) == ("retraction", "10.1371/journal.pone.0090062")


async def test_a_page_the_registry_will_not_give_ends_the_walk_with_an_error(
    settings: CrossrefSettings, sleep: FakeSleep
) -> None:
    transport, _ = paged(fail_at=1)
    got: list[NoticePage] = []
    async with CrossrefClient(settings, transport=transport, sleep=sleep) as client:
        with pytest.raises(RegistryUnavailable):
            async for page in client.notices(date(2026, 12, 1), rows=2):
                got.append(page)
    assert len(got) == 1  # the walk is incomplete, and says so: never a short "nothing"
    assert client.stats.retries == settings.max_retries


def test_rows_are_within_the_registrys_limit() -> None:
    with pytest.raises(ValueError):
        notice_params(date(2026, 1, 1), rows=1001)
    assert notice_params(date(2026, 1, 1), rows=1000)["rows"] == "1000"
