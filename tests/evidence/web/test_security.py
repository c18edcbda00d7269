"""Who may do what, and that nothing from an article or the registry runs in a page."""

from __future__ import annotations

import re

import httpx
import pytest

from evidence.web.middleware import CSP
from tests.evidence.web.articles import CITED, RELATED, UNSUPPORTED, article_body
from tests.evidence.web.helpers import claim, link_of, signed_in, submit
from tests.evidence.web.site import Site, running_site

SCRIPT = "<script>alert('owned')</script>"


def _routes(site: Site) -> list[tuple[str, str]]:
    with site.client(role="admin") as client:
        schema = client.get("/openapi.json").json()
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, item in schema["paths"].items()
        for method in item
        if path != "/health"
    ]


def test_every_route_but_health_needs_a_token(site: Site) -> None:
    routes = _routes(site)
    assert len(routes) >= 14
    with site.client(role=None) as client:
        answers = {(m, p): client.request(m, p, json={}) for m, p in routes}
        schema = client.get("/openapi.json")
    assert {key: r.status_code for key, r in answers.items()} == dict.fromkeys(answers, 401)
    assert all(r.headers["www-authenticate"] == "Bearer" for r in answers.values())
    assert schema.status_code == 401


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer"],
                         ids=["unknown", "wrong-scheme", "empty"])
def test_a_wrong_token_is_401(site: Site, header: str) -> None:
    with httpx.Client(base_url=site.url, headers={"Authorization": header}) as client:
        response = client.get("/api/articles")
    assert response.status_code == 401
    assert "token" in response.json()["error"]


def test_a_revoked_token_stops_working_at_once(site: Site) -> None:
    secret = site.token("leaving", "editor")
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {secret}"}) as own:
        before = own.get("/api/me")
        with site.client(role="admin") as admin:
            revoked = admin.delete("/api/tokens/leaving")
        after = own.get("/api/me")
    assert before.status_code == 200 and before.json() == {"name": "leaving", "role": "editor"}
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert after.status_code == 401


def test_a_reviewer_reads_and_comments_but_changes_nothing(site: Site) -> None:
    with site.client() as editor:
        article = submit(editor)
    link = link_of(article, CITED)
    target = claim(article, UNSUPPORTED)
    with site.client(role="reviewer") as reviewer:
        attempts = [
            reviewer.put(f"/api/links/{link['link']}/verdict",
                         json={"verdict": "confirmed", "version": link["version"]}),
            reviewer.post(f"/api/claims/{target['id']}/links",
                          json={"reference_id": link["reference"], "version": 1}),
            reviewer.put(f"/api/claims/{target['id']}/no-source",
                         json={"reason": "obvious", "version": target["version"]}),
            reviewer.post("/api/articles", json=article_body(name="mine.md")),
            reviewer.get("/api/tokens"),
        ]
        read = reviewer.get(f"/api/articles/{article['id']}")
        commented = reviewer.post(f"/api/claims/{target['id']}/comments", json={"text": "Hm."})
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert all("reviewer" in r.json()["error"] for r in attempts)
    assert read.status_code == 200 and read.json() == article  # nothing changed
    assert commented.status_code == 201


def test_an_editor_cannot_manage_tokens_but_an_admin_can(site: Site) -> None:
    with site.client() as editor:
        refused = editor.post("/api/tokens", json={"name": "x", "role": "admin"})
    with site.client(role="admin") as admin:
        made = admin.post("/api/tokens", json={"name": "newcomer", "role": "reviewer"})
        twice = admin.post("/api/tokens", json={"name": "newcomer", "role": "reviewer"})
        listed = admin.get("/api/tokens").json()
    with httpx.Client(base_url=site.url,
                      headers={"Authorization": f"Bearer {made.json()['token']}"}) as new:
        me = new.get("/api/me").json()
    assert refused.status_code == 403
    assert made.status_code == 201 and twice.status_code == 409
    assert me == {"name": "newcomer", "role": "reviewer"}
    assert "newcomer" in {t["name"] for t in listed}
    assert all("token" not in t and "hash" not in t for t in listed)


def test_tokens_are_stored_hashed(site: Site) -> None:
    from sqlalchemy import select

    from evidence.store.models import Token

    with site.service.sessions() as session:
        hashes = set(session.scalars(select(Token.hash)))
    assert not hashes & set(site.tokens.values())
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


def _page(site: Site, path: str) -> httpx.Response:
    with site.client() as client:
        return client.get(path)


def test_an_article_carrying_script_is_shown_as_text(site: Site) -> None:
    text = (f"# Title {SCRIPT}\n\nThe treatment helped 70% of patients {SCRIPT} in the "
            f"trial.\n\n<img src=x onerror=alert(1)> is a tag.\n")
    with site.client() as client:
        article = submit(client, name=f"evil {SCRIPT}.md", text=text)
    page = _page(site, f"/articles/{article['id']}")
    listing = _page(site, "/articles")
    for html in (page.text, listing.text):
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in page.text
    assert "&lt;script&gt;alert(" in listing.text


def test_stored_titles_and_names_are_shown_as_text(site: Site) -> None:
    # Whatever reaches the store is escaped on the page: here a generated work (10.5555)
    # whose title, journal and author carry markup, as no reader of ours would store it
    # (stored as the registry's record: a file's entry would not count as resolved).
    from evidence.store.queries import upsert_work
    from refs import Person, Work

    work = Work(doi="10.5555/web-tests.script", title=f"Exercise {SCRIPT} therapy",
                authors=(Person(family=SCRIPT, given="Jane"),),
                container_title="<iframe src=//evil.example></iframe>Journal")
    with site.service.sessions.begin() as session:
        upsert_work(session, work, origin="crossref")
    text = ("# Therapy\n\nExercise therapy helped 70% of patients [1].\n\n## References\n\n"
            "1. Doe J. Exercise therapy. Journal of Tests. 2020. doi:10.5555/web-tests.script\n")
    with site.client() as client:
        article = submit(client, name="therapy.md", text=text)
    assert article["references"][0]["title"] == f"Exercise {SCRIPT} therapy"
    assert article["references"][0]["status"] == "resolved"
    page = _page(site, f"/articles/{article['id']}").text
    assert "<script>alert" not in page and "<iframe" not in page
    assert "Exercise &lt;script&gt;alert(" in page and "&lt;iframe" in page


def test_markup_in_a_registry_title_never_reaches_the_page(db_url: str) -> None:
    from tests.standin import generated_doi, generated_message

    doi = generated_doi(900001)
    record = generated_message(doi)
    record["title"] = [f"Generated work with markup {SCRIPT}<i>in vivo</i>"]
    with running_site(db_url, extra_works={doi: record}) as markup, markup.client() as client:
        text = ("# Markup\n\nThe drug helped 70% of mice [1].\n\n## References\n\n"
                f"1. Generated work with markup. 2020. doi:{doi}\n")
        article = submit(client, name="markup.md", text=text)
        page = client.get(f"/articles/{article['id']}").text
    assert article["references"][0]["status"] == "resolved"
    assert "<script>alert" not in page and "<i>in vivo" not in page
    assert "Generated work with markup" in page


def test_pages_forbid_inline_scripts(site: Site) -> None:
    for path in ("/articles", "/signin", "/health", "/api/articles"):
        response = _page(site, path)
        policy = response.headers["content-security-policy"]
        assert policy == CSP
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in _page(site, "/articles").text


def test_signing_in_sets_a_strict_http_only_cookie(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        response = client.post("/signin", data={"token": site.tokens["editor"]})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert response.status_code == 303


def test_a_page_without_a_cookie_sends_you_to_sign_in(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        response = client.get("/articles/1")
        failed = client.post("/signin", data={"token": "wrong"})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/articles/1"
    assert failed.status_code == 401 and "unknown or has been revoked" in failed.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"],
                         ids=["absolute", "scheme-relative", "backslash"])
def test_signing_in_never_redirects_off_site(site: Site, target: str) -> None:
    with httpx.Client(base_url=site.url) as client:
        response = client.post("/signin", data={"token": site.tokens["editor"], "next": target})
    assert response.headers["location"] == "/articles"


def test_a_form_posted_from_another_site_is_refused(site: Site) -> None:
    with site.client() as editor:
        article = submit(editor)
    link = link_of(article, RELATED)
    with signed_in(site) as client:
        response = client.post(
            f"/articles/{article['id']}/links/{link['link']}/verdict",
            data={"verdict": "confirmed", "version": str(link["version"])},
            headers={"Origin": "https://evil.example"},
        )
    assert response.status_code == 403
    with site.client() as editor:
        assert link_of(submit(editor), RELATED)["verdict"] == "unreviewed"


def test_a_reviewer_sees_no_editing_forms(site: Site) -> None:
    with site.client() as editor:
        article = submit(editor)
    with signed_in(site, "reviewer") as client:
        page = client.get(f"/articles/{article['id']}").text
        link = link_of(article, RELATED)
        refused = client.post(f"/articles/{article['id']}/links/{link['link']}/verdict",
                              data={"verdict": "confirmed", "version": "1"})
    assert 'value="confirmed"' not in page and "Add comment" in page
    assert refused.status_code == 403 and "reviewer" in refused.text


