"""Requests at the edges of HTTP: bodies nested too deeply, OPTIONS and the Allow header,
and page notices that only the service may word."""

from __future__ import annotations

import httpx

from tests.evidence.web.articles import RELATED
from tests.evidence.web.helpers import link_of, signed_in, submit
from tests.evidence.web.site import Site


def test_deeply_nested_json_is_told_so(site: Site) -> None:
    body = "[" * 100_000 + "]" * 100_000
    with site.client() as client:
        answer = client.post("/api/articles", content=body,
                             headers={"Content-Type": "application/json"})
        latin1 = client.post("/api/articles", content='{"name": "caf\xe9"}'.encode("latin-1"),
                             headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "the JSON is nested too deeply to read: flatten it"
    assert latin1.status_code in (400, 422) and latin1.status_code != 500


def test_options_answers_with_every_method_of_the_path(site: Site) -> None:
    with site.client() as client:
        articles = client.options("/api/articles")
        link = client.options("/api/links/1")
        wrong = client.patch("/api/articles")
    assert articles.status_code == 204
    assert articles.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert link.headers["allow"] == "DELETE, OPTIONS"
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert "GET, HEAD, OPTIONS, POST" in wrong.json()["error"]


def test_a_page_shows_only_notices_of_its_own(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    link = link_of(article, RELATED)
    with signed_in(site) as browser:
        done = browser.post(f"/articles/{article['id']}/links/{link['link']}/verdict",
                            data={"verdict": "rejected", "version": str(link["version"])})
        landed = browser.get(done.headers["location"])
        forged = browser.get(f"/articles/{article['id']}",
                             params={"notice": "Your account is locked: call +1 555 0100"})
    assert done.headers["location"].startswith(f"/articles/{article['id']}?notice=link-rejected")
    assert '<p class="notice" role="status">link rejected</p>' in landed.text
    assert forged.status_code == 200
    assert "account is locked" not in forged.text and 'class="notice"' not in forged.text


def test_a_page_notice_key_from_another_page_shows_nothing_odd(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        page = client.get("/signin", params={"notice": "version-stored"})
    assert page.status_code == 200 and 'class="notice"' not in page.text


def test_the_match_route_asked_with_get_is_a_405_not_a_doi_lookup(site: Site) -> None:
    with site.client(role="reviewer") as client:
        answer = client.get("/api/works/match")
        options = client.options("/api/works/match")
    assert answer.status_code == 405 and answer.headers["allow"] == "OPTIONS, POST"
    assert options.headers["allow"] == "OPTIONS, POST"


def test_a_token_name_with_control_characters_is_a_422(site: Site) -> None:
    with site.client(role="admin") as admin:
        answer = admin.post("/api/tokens", json={"name": "ada\x07", "role": "editor"})
    assert answer.status_code == 422 and "printable" in answer.json()["error"]
