"""Kept article answers sent before the routes (``evidence.web.warm``): the same bytes and
headers as the routes send, the same callers refused, and everything else left to the routes.

Each test makes the route's own stamp look-up fail after the first read: a second answer
that still comes back was sent by the warm path, not by the route.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from evidence.web import warm
from evidence.web.auth import COOKIE
from evidence.web.routes import articles, pages
from tests.evidence.web.helpers import signed_in, submit
from tests.evidence.web.site import Site, running_site


@pytest.fixture
def pg_site(pg_url: str) -> Iterator[Site]:
    with running_site(pg_url) as running:
        yield running


def _no_route_stamps(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("the route was asked for a read stamp")

    monkeypatch.setattr(articles, "read_stamp", refuse)
    monkeypatch.setattr(pages, "read_stamp", refuse)


def _headers(answer: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in answer.headers.multi_items() if k != "date")


@pytest.mark.postgresql
@pytest.mark.parametrize("path", ["/api/articles/{id}", "/articles/{id}"])
def test_a_kept_answer_is_sent_as_the_route_sends_it(
        pg_site: Site, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    with pg_site.client() as client:
        target = path.format(id=submit(client)["id"])
        by_route = client.get(target)
        _no_route_stamps(monkeypatch)
        warm_answer = client.get(target)
        unchanged = client.get(target, headers={"If-None-Match": by_route.headers["etag"]})
    assert by_route.status_code == warm_answer.status_code == 200
    assert warm_answer.content == by_route.content
    assert _headers(warm_answer) == _headers(by_route)  # ETag, Cache-Control, CSP, ...
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == by_route.headers["etag"]


@pytest.mark.postgresql
def test_a_session_ended_is_refused_on_the_next_page(
        pg_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    with pg_site.client() as api:
        article = submit(api)
    with signed_in(pg_site) as browser:
        path = f"/articles/{article['id']}"
        assert browser.get(path).status_code == 200  # kept by the route
        with monkeypatch.context() as patched:
            _no_route_stamps(patched)
            kept = browser.get(path)
        cookie = browser.cookies[COOKIE]
        assert browser.post("/signout").status_code == 303
    with httpx.Client(base_url=pg_site.url, cookies={COOKIE: cookie}) as thief:
        ended = thief.get(path)
    assert kept.status_code == 200 and 'class="who">editor-1 ' in kept.text
    assert ended.status_code == 303 and ended.headers["location"].startswith("/signin")


@pytest.mark.postgresql
def test_no_token_or_an_unknown_one_is_left_to_the_route(pg_site: Site) -> None:
    reviewer_token = pg_site.token("a-guest", "reviewer")
    with pg_site.client() as client:
        article = submit(client)
        path = f"/api/articles/{article['id']}"
        client.get(path)  # kept
        anonymous = httpx.get(pg_site.url + path)
        wrong = httpx.get(pg_site.url + path, headers={"Authorization": "Bearer nonsense"})
        reviewer = httpx.get(pg_site.url + path,
                             headers={"Authorization": f"Bearer {reviewer_token}"})
    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert reviewer.status_code == 200


@pytest.mark.postgresql
@pytest.mark.parametrize(("query", "status"), [
    ("limit=0", 422), ("limit=10001", 422), ("offset=-1", 422), ("limit=abc", 422),
    ("limit=%EF%BC%91", 422),  # a full-width digit: not for the warm path to read
])
def test_a_query_the_routes_refuse_is_refused_though_the_answer_is_kept(
        pg_site: Site, query: str, status: int) -> None:
    with pg_site.client() as client:
        article = submit(client)
        for path in (f"/api/articles/{article['id']}", f"/articles/{article['id']}"):
            assert client.get(path).status_code == 200
            assert client.get(f"{path}?{query}").status_code == status, (path, query)


@pytest.mark.postgresql
def test_paged_reads_are_sent_warm_under_their_own_keys(
        pg_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    with pg_site.client() as client:
        article = submit(client)
        path = f"/api/articles/{article['id']}"
        first = client.get(path, params={"limit": 1}).json()
        rest = client.get(path, params={"limit": 1, "offset": 1}).json()
        _no_route_stamps(monkeypatch)
        again = client.get(path, params={"limit": 1}).json()
        rest_again = client.get(f"{path}?offset=1&limit=1").json()
    assert again == first and rest_again == rest
    assert [c["id"] for c in rest["claims"]] == [article["claims"][1]["id"]]


@pytest.mark.postgresql
def test_the_store_unreachable_on_a_warm_read_is_a_503(
        pg_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_: Any, **__: Any) -> None:
        raise OperationalError("SELECT", {}, Exception("connection refused on host:5432"))

    with pg_site.client() as client:
        article = submit(client)
        client.get(f"/api/articles/{article['id']}")
        monkeypatch.setattr(warm, "read_stamp", unreachable)
        answer = client.get(f"/api/articles/{article['id']}")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "5432" not in answer.text
    assert answer.json()["error"].startswith("the store cannot be reached")


@pytest.mark.parametrize(("raw", "read"), [
    (b"", (1000, 0)),
    (b"limit=5", (5, 0)),
    (b"offset=7&limit=5", (5, 7)),
    (b"limit=10000&offset=2147483647", (10000, 2147483647)),
    (b"limit=0", None),
    (b"limit=10001", None),
    (b"offset=2147483648", None),
    (b"limit=5&limit=6", None),
    (b"limit=+5", None),
    (b"limit=", None),
    (b"notice=comment-added", None),
    (b"other=1", None),
    (b"limit=99999999999999999999", None),
])
def test_the_query_is_read_only_when_plain(raw: bytes, read: tuple[int, int] | None) -> None:
    assert warm._query(raw) == read
