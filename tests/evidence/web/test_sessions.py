"""Signing in to the pages: a server-side session per sign-in, never the token in a cookie;
ended at sign-out, on expiry and when the token is revoked; forms only from this site."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from starlette.requests import Request

from evidence.config import Settings
from evidence.errors import InputError
from evidence.store.models import Token, WebSession, utcnow
from evidence.web.auth import COOKIE
from evidence.web.options import WebOptions, scheme_of
from tests.evidence.web.articles import UNSUPPORTED, article_body
from tests.evidence.web.helpers import claim
from tests.evidence.web.site import Site, running_site


def _sign_in(client: httpx.Client, token: str, **headers: str) -> httpx.Response:
    return client.post("/signin", data={"token": token, "next": "/articles"}, headers=headers)


def _browser(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, follow_redirects=False, timeout=30.0)


def test_the_cookie_names_a_session_not_the_token(site: Site) -> None:
    with _browser(site) as browser:
        answer = _sign_in(browser, site.tokens["editor"])
        cookie = browser.cookies[COOKIE]
        page = browser.get("/articles")
    header = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert cookie not in site.tokens.values() and len(cookie) >= 40
    assert "HttpOnly" in header and "SameSite=strict" in header
    assert "Max-Age=43200" in header  # 12 hours, the default
    assert "Secure" not in header  # plain http, no proxy trusted
    assert page.status_code == 200 and "editor-1" in page.text
    with httpx.Client(base_url=site.url,
                      headers={"Authorization": f"Bearer {cookie}"}) as api:
        assert api.get("/api/me").status_code == 401  # a session is not an API token


def test_signing_out_ends_the_session_for_a_copied_cookie_too(site: Site) -> None:
    with _browser(site) as browser:
        _sign_in(browser, site.tokens["editor"])
        copied = browser.cookies[COOKIE]
        out = browser.post("/signout")
    with _browser(site) as thief:
        thief.cookies.set(COOKIE, copied)
        page = thief.get("/articles")
        api = thief.get("/api/me")
    assert out.status_code == 303
    assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    assert api.status_code == 401


def test_signing_in_again_starts_a_new_session_and_ends_the_old(site: Site) -> None:
    with _browser(site) as browser:
        _sign_in(browser, site.tokens["editor"])
        first = browser.cookies[COOKIE]
        _sign_in(browser, site.tokens["reviewer"])
        second = browser.cookies[COOKIE]
        me = browser.get("/api/me").json()
    with _browser(site) as old:
        old.cookies.set(COOKIE, first)
        stale = old.get("/api/me")
    assert first != second
    assert me == {"name": "reviewer-1", "role": "reviewer"}
    assert stale.status_code == 401


def test_a_session_expires_and_goes_with_its_token(site: Site) -> None:
    with _browser(site) as expiring, _browser(site) as revoked:
        _sign_in(expiring, site.tokens["editor"])
        leaving = site.token("leaving", "editor")
        _sign_in(revoked, leaving)
        assert expiring.get("/api/me").status_code == 200
        assert revoked.get("/api/me").status_code == 200
        with site.service.sessions.begin() as session:
            editor = select(Token.id).where(Token.name == "editor-1").scalar_subquery()
            session.execute(update(WebSession).where(WebSession.token_id == editor)
                            .values(expires_at=utcnow() - timedelta(seconds=1)))
        with site.client(role="admin") as admin:
            assert admin.delete("/api/tokens/leaving").status_code == 200
        assert expiring.get("/api/me").status_code == 401
        assert revoked.get("/api/me").status_code == 401


@pytest.fixture
def proxied_site(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("EVIDENCE_TRUST_PROXY", "1")
    monkeypatch.setenv("EVIDENCE_SESSION_HOURS", "2")
    with running_site(db_url) as site:
        yield site


def test_behind_a_trusted_https_proxy_the_cookie_is_secure(proxied_site: Site) -> None:
    site = proxied_site
    host = site.url.removeprefix("http://")
    with _browser(site) as browser:
        https = _sign_in(browser, site.tokens["editor"], **{"X-Forwarded-Proto": "https",
                                                            "Origin": f"https://{host}"})
        plain = _sign_in(browser, site.tokens["editor"], Origin=f"https://{host}")
    assert https.status_code == 303
    assert "Secure" in https.headers["set-cookie"]
    assert "Max-Age=7200" in https.headers["set-cookie"]
    assert plain.status_code == 403  # the proxy says http, the form came from https


@pytest.mark.parametrize(("trust", "expected"), [(False, "http"), (True, "https")])
def test_x_forwarded_proto_counts_only_when_the_proxy_is_trusted(trust: bool,
                                                                  expected: str) -> None:
    # A unit test: under a real server, uvicorn itself believes the header from 127.0.0.1
    # (its FORWARDED_ALLOW_IPS), so only a remote client could show the untrusted case.
    scope = {"type": "http", "scheme": "http", "method": "POST", "path": "/signin",
             "headers": [(b"host", b"example.org"), (b"x-forwarded-proto", b"https")]}
    assert scheme_of(Request(scope), WebOptions(trust_proxy=trust)) == expected


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Origin": "null"}, False),
        ({"Referer": "https://evil.example/page"}, False),
        ({"Origin": "https://{host}"}, False),  # same host, another scheme
        ({"Origin": "http://{host}.evil.example"}, False),
        ({"Origin": "http://{host}"}, True),
        ({"Referer": "http://{host}/articles/1"}, True),
        ({}, True),
    ],
    ids=["null", "foreign-referer", "other-scheme", "other-host", "same", "own-referer",
         "neither"],
)
def test_forms_are_taken_only_from_this_site(site: Site, headers: dict[str, str],
                                             allowed: bool) -> None:
    host = site.url.removeprefix("http://")
    sent = {name: value.format(host=host) for name, value in headers.items()}
    with _browser(site) as browser:
        answer = _sign_in(browser, site.tokens["editor"], **sent)
    assert answer.status_code == (303 if allowed else 403), answer.text
    if not allowed:
        assert "another site" in answer.text and COOKIE not in browser.cookies


def test_failed_sign_ins_are_throttled(site: Site) -> None:
    with _browser(site) as browser:
        failures = [_sign_in(browser, "wrong").status_code for _ in range(10)]
        blocked = _sign_in(browser, site.tokens["editor"])
    assert failures == [401] * 10
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in blocked.text


@pytest.mark.parametrize("env", [{"EVIDENCE_SESSION_HOURS": "soon"},
                                 {"EVIDENCE_SESSION_HOURS": "0"},
                                 {"EVIDENCE_TRUST_PROXY": "maybe"}])
def test_senseless_web_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(InputError, match=next(iter(env))):
        Settings.from_env(env)


def test_web_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env({"EVIDENCE_SESSION_HOURS": "1.5", "EVIDENCE_TRUST_PROXY": "yes"})
    assert WebOptions.from_settings(settings) == WebOptions(session_hours=1.5, trust_proxy=True)
    assert WebOptions.from_settings(Settings.from_env({})) == WebOptions(session_hours=12.0,
                                                                         trust_proxy=False)




def test_a_form_sent_without_a_session_is_sent_on_after_sign_in(site: Site) -> None:
    """The typed text is kept: the sign-in page carries it, and signing in repeats the POST
    (307) to the form's action with the new session."""
    with site.client() as client:
        article = client.post("/api/articles", json=article_body())
        stored = client.get(f"/api/articles/{article.json()['id']}").json()
    target = claim(stored, UNSUPPORTED)["id"]
    action = f"/articles/{stored['id']}/claims/{target}/comments"
    # A right-to-left override too: the page shows no text reordered, but what was typed
    # is carried as it was (evidence.report.reordering).
    typed = "Line one <b>of</b> a \"long\" \u202ecomment\u202c.\nLine two."
    with _browser(site) as browser:
        asked = browser.post(action, data={"text": typed})
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                 asked.text))
        fields = {k: html.unescape(v) for k, v in hidden.items()}
        signed = browser.post("/signin", data={**fields, "token": site.tokens["reviewer"]})
        again = browser.post(signed.headers["location"],
                             data={**fields, "token": site.tokens["reviewer"]})
    with site.client() as client:
        comments = claim(client.get(f"/api/articles/{stored['id']}").json(),
                         UNSUPPORTED)["comments"]
    assert asked.status_code == 401 and "what you sent is sent again" in asked.text
    assert fields == {"next": f"/articles/{stored['id']}", "resume": action, "text": typed}
    assert signed.status_code == 307 and signed.headers["location"] == action
    assert COOKIE in signed.headers["set-cookie"]
    assert again.status_code == 303 and again.headers["location"].startswith(
        f"/articles/{stored['id']}?notice=comment-added")
    assert [(c["actor"], c["text"]) for c in comments] == [("reviewer-1", typed.strip())]


def test_a_page_asked_for_without_a_session_comes_back_after_sign_in(site: Site) -> None:
    with _browser(site) as browser:
        page = browser.get("/articles/7")
        out = browser.post("/signout")
    assert page.headers["location"] == "/signin?next=/articles/7"
    assert out.status_code == 303 and out.headers["location"] == "/signin"
