"""The editors' pages without a browser: what they show, and their forms."""

from __future__ import annotations

import re

import httpx

from tests.evidence.web.articles import ARTICLE, CITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import claim, link_of, signed_in, submit
from tests.evidence.web.site import Site


def _status_of(page: str, claim_id: int) -> str:
    block = page.split(f'id="claim-{claim_id}"', 1)[1]
    found = re.search(r'data-status="([a-z-]+)"', block)
    assert found is not None
    return found.group(1)


def _verdict_of(page: str, link_id: int) -> str:
    block = page.split(f'data-link="{link_id}"', 1)[1]
    found = re.search(r'data-verdict="([a-z]+)"', block)
    assert found is not None
    return found.group(1)


def test_the_list_shows_each_article_with_its_counts(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    with signed_in(site) as browser:
        page = browser.get("/articles")
    assert page.status_code == 200
    row = page.text.split(f'href="/articles/{article["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="num[^"]*">(\d+)</td>', row) == ["1", "3", "1", "1"]


def test_the_article_page_marks_each_claim_and_shows_its_sources(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    with signed_in(site) as browser:
        page = browser.get(f"/articles/{article['id']}").text
    assert _status_of(page, claim(article, CITED)["id"]) == "supported"
    assert _status_of(page, claim(article, RELATED)["id"]) == "related"
    assert _status_of(page, claim(article, UNSUPPORTED)["id"]) == "unsupported"
    related = page.split(f'data-link="{link_of(article, RELATED)["link"]}"', 1)[1]
    assert re.search(r'<p class="why">Inferred, not confirmed: the claim.{1,5}s wording is '
                     r"close to it: shares the words methylphenidate, [^<]*</p>", related)
    cited = page.split(f'data-link="{link_of(article, CITED)["link"]}"', 1)[1]
    assert '<p class="why">Inferred' not in cited.split('class="source ', 1)[0]
    assert "Retracted: Evil Genius?" in page
    assert '<span class="badge retracted">retracted</span>' in page
    assert '<span class="badge corrected">corrected</span>' in page
    assert "retracted-source" in page  # the findings
    assert ARTICLE.splitlines()[0] in page  # the text as submitted


def test_confirming_by_form_changes_the_badge(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    link = link_of(article, RELATED)
    with signed_in(site) as browser:
        done = browser.post(f"/articles/{article['id']}/links/{link['link']}/verdict",
                            data={"verdict": "confirmed", "version": str(link["version"])})
        page = browser.get(done.headers["location"]).text
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"#claim-{claim(article, RELATED)['id']}")
    assert _verdict_of(page, link["link"]) == "confirmed"
    assert _status_of(page, claim(article, RELATED)["id"]) == "supported"
    assert "link confirmed" in page  # the notice


def test_claims_new_in_a_version_are_marked(site: Site) -> None:
    from tests.evidence.web.articles import EDITED

    with site.client() as client:
        first = submit(client)
        second = submit(client, text=EDITED)
    with signed_in(site) as browser:
        old = browser.get(f"/articles/{first['id']}").text
        page = browser.get(f"/articles/{second['id']}").text
    changed = [c for c in second["claims"] if c["new"]]
    assert len(changed) == 1 and page.count('data-new="1"') == 1
    assert page.split(f'id="claim-{changed[0]["id"]}"', 1)[1].split("</p>", 1)[0].count(
        "new in this version") == 1
    assert 'data-new="1"' not in old


def test_a_stale_form_says_what_happened(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    link = link_of(article, RELATED)
    with signed_in(site) as browser:
        url = f"/articles/{article['id']}/links/{link['link']}/verdict"
        browser.post(url, data={"verdict": "confirmed", "version": str(link["version"])})
        stale = browser.post(url, data={"verdict": "rejected", "version": str(link["version"])})
    assert stale.status_code == 409
    assert "text/html" in stale.headers["content-type"]
    assert "changed since you read it" in stale.text


def test_marking_commenting_linking_and_unlinking_by_form(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    target = claim(article, UNSUPPORTED)
    base = f"/articles/{article['id']}/claims/{target['id']}"
    with signed_in(site) as browser:
        linked = browser.post(f"{base}/links", data={
            "reference": str(link_of(article, CITED)["reference"]),
            "version": str(target["version"])})
        page = browser.get(f"/articles/{article['id']}").text
        with site.client() as api:
            now = claim(api.get(f"/api/articles/{article['id']}").json(), UNSUPPORTED)
        added = now["sources"][0]
        removed = browser.post(f"/articles/{article['id']}/links/{added['link']}/remove",
                               data={"version": str(added["version"])})
        marked = browser.post(f"{base}/no-source", data={"reason": "an estimate",
                                                         "version": str(now["version"])})
        commented = browser.post(f"{base}/comments", data={"text": "<b>bold</b> claim"})
        final = browser.get(f"/articles/{article['id']}").text
    assert linked.status_code == removed.status_code == marked.status_code == 303
    assert commented.status_code == 303
    assert _status_of(page, target["id"]) == "supported"  # a hand-made link supports
    assert _status_of(final, target["id"]) == "no-source-needed"
    assert "No source needed: an estimate" in final
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in final


def test_an_article_can_be_submitted_by_form(site: Site) -> None:
    with signed_in(site) as browser:
        done = browser.post("/articles", data={"name": "form.md", "format": "markdown",
                                               "text": ARTICLE.replace("\n", "\r\n")})
        page = browser.get(done.headers["location"])
    assert done.status_code == 303 and re.fullmatch(r"/articles/\d+", done.headers["location"])
    assert "Creativity, honesty and mice" in page.text


def test_bad_form_input_is_a_page_with_the_message(site: Site) -> None:
    with signed_in(site) as browser:
        empty = browser.post("/articles", data={"name": "", "text": ""})
        bad_version = browser.post("/articles/1/links/1/verdict",
                                   data={"verdict": "confirmed", "version": "x"})
        missing = browser.get("/articles/424242")
    # The form is read by the API's model: the same 422 and message as the API gives.
    assert empty.status_code == 422 and "bad input at name" in empty.text
    assert bad_version.status_code == 422 and "bad input at version" in bad_version.text
    assert missing.status_code == 404 and "no article 424242" in missing.text


def test_a_page_that_does_not_exist_keeps_the_navigation_of_whoever_is_signed_in(
    site: Site,
) -> None:
    with signed_in(site, "reviewer") as browser:
        missing = browser.get("/no-such-page")
        known = browser.get("/articles/424242")  # a route that ran, for comparison
    with httpx.Client(base_url=site.url) as anonymous:
        stranger = anonymous.get("/no-such-page")
    assert missing.status_code == known.status_code == stranger.status_code == 404
    assert "no such page or route: /no-such-page" in missing.text
    for page in (missing.text, known.text):
        assert 'action="/signout"' in page and 'href="/alerts"' in page
        assert '<span class="role">reviewer</span>' in page
    assert "no such page or route" in stranger.text and 'action="/signout"' not in stranger.text


def test_the_style_sheet_needs_no_token(site: Site) -> None:
    with httpx.Client(base_url=site.url) as client:
        css = client.get("/static/style.css")
        signin = client.get("/signin")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    assert signin.status_code == 200 and 'name="token"' in signin.text


def test_signing_out_forgets_the_cookie(site: Site) -> None:
    with signed_in(site) as browser:
        before = browser.get("/articles")
        out = browser.post("/signout")
        after = browser.get("/articles")
    assert before.status_code == 200
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    assert after.status_code == 303 and after.headers["location"].startswith("/signin")
