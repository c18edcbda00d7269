"""The article page shows claims in pages, as the API gives them (issue 16).

The largest accepted article has about 54,000 claims; its page, with all of them, ran for
minutes. A real server on each test database; which claims a page shows is compared with
the API's claims in text order.
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from tests.evidence.web.articles import ARTICLE, EDITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import claim, link_of, signed_in, submit
from tests.evidence.web.site import Site

SENTENCES = 1_030
"""More sentences than one page's 1,000 claims (the default, as in the API)."""


def _long_article() -> dict[str, str]:
    body = " ".join(f"Meadow {i} shows {i % 7 + 2} times more growth after treatment in "
                    f"trial {i}." for i in range(SENTENCES))
    text = f"{body} See [1].\n\nReferences\n\n[1] Generated A. (2001). Meadows. Journal.\n"
    return {"name": "meadows.txt", "text": text, "format": "text"}


def _shown(page: str) -> list[int]:
    """The ids of the claims a page shows, in order."""
    return [int(i) for i in re.findall(r'<[a-z]+ class="[^"]*" id="claim-\d+" data-claim="(\d+)"',
                                       page)]


def _pager_links(page: str) -> dict[str, str]:
    """The pager's links above the claims: class -> href."""
    nav = page.split('<nav class="pager pager-above"', 1)[1].split("</nav>", 1)[0]
    return {kind: html.unescape(href)
            for kind, href in re.findall(r'<a class="pager-([a-z]+)" href="([^"]+)"', nav)}


def _every_claim(client: httpx.Client, article_id: int) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/articles/{article_id}",
                                       params={"limit": 10_000}).json()
    return found


def test_the_article_page_shows_claims_a_page_at_a_time(site: Site) -> None:
    with site.client() as client:
        created = client.post("/api/articles", json=_long_article())
        assert created.status_code == 201, created.text
        article_id = created.json()["id"]
        whole = _every_claim(client, article_id)
    ids = [c["id"] for c in whole["claims"]]
    total = whole["claims_total"]
    # Every sentence is a claim row (plus the closing "See [1]."), so there is a second page.
    assert total == len(ids) >= SENTENCES
    with signed_in(site) as browser:
        first = browser.get(f"/articles/{article_id}")
        second = browser.get(f"/articles/{article_id}", params={"offset": 1000})
        small = browser.get(f"/articles/{article_id}", params={"limit": 10, "offset": 20})
        too_big = browser.get(f"/articles/{article_id}", params={"limit": 10_001})
        nothing = browser.get(f"/articles/{article_id}", params={"limit": 0})
    assert first.status_code == second.status_code == small.status_code == 200
    assert _shown(first.text) == ids[:1000]
    assert f"claims 1&ndash;1000 of {total}" in first.text
    assert _pager_links(first.text) == {"next": f"/articles/{article_id}?offset=1000"}
    assert _shown(second.text) == ids[1000:]
    assert f"claims 1001&ndash;{total} of {total}" in second.text
    assert _pager_links(second.text) == {"previous": f"/articles/{article_id}?offset=0"}
    assert _shown(small.text) == ids[20:30]
    assert _pager_links(small.text) == {
        "previous": f"/articles/{article_id}?limit=10&offset=10",
        "next": f"/articles/{article_id}?limit=10&offset=30",
    }
    assert too_big.status_code == nothing.status_code == 422


def test_after_a_comment_the_editor_is_back_on_the_page_holding_the_claim(site: Site) -> None:
    with site.client() as client:
        article_id = client.post("/api/articles", json=_long_article()).json()["id"]
        late = _every_claim(client, article_id)["claims"][1005]
    with signed_in(site) as browser:
        posted = browser.post(f"/articles/{article_id}/claims/{late['id']}/comments",
                              data={"text": "Trial 1005 was stopped early."},
                              headers={"Origin": site.url})
        assert posted.status_code == 303, posted.text
        target = posted.headers["location"]
        assert target == (f"/articles/{article_id}?notice=comment-added&offset=1000"
                          f"#claim-{late['id']}")
        landed = browser.get(target.split("#", 1)[0])
    assert late["id"] in _shown(landed.text)
    assert "Trial 1005 was stopped early." in landed.text


def test_a_short_article_has_no_pager(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    with signed_in(site) as browser:
        page = browser.get(f"/articles/{article['id']}").text
    assert _shown(page) == [c["id"] for c in article["claims"]]
    assert 'class="pager' not in page


def _trail_on_page(page: str, claim_id: int) -> list[str]:
    """The actions in a claim's history on the article page, oldest first."""
    block = page.split(f'id="claim-{claim_id}"', 1)[1].split("</article>", 1)[0]
    trail = block.split('<ol class="trail">', 1)[1].split("</ol>", 1)[0] if (
        '<ol class="trail">' in block) else ""
    return [item.split(" · ")[2].split(" → ")[0].strip()
            for item in re.findall(r"<li>(.*?)</li>", trail)]


def test_the_page_shows_each_claims_history_back_through_the_versions(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
        related = link_of(first, RELATED)
        client.put(f"/api/links/{related['link']}/verdict",
                   json={"verdict": "confirmed", "version": related["version"]})
        second = submit(client, text=EDITED)
        changed = claim(second, EDITED.split("\n\n")[3].strip())
        client.put(f"/api/claims/{changed['id']}/no-source",
                   json={"reason": "an estimate", "version": changed["version"]})
        # The third version puts the first one's claim back (and retitles the article, or
        # it would be the first version's text, which is stored already).
        third = submit(client, text=ARTICLE.replace("# Creativity, honesty and mice",
                                                    "# Creativity, honesty and mice again"))
    assert len({first["id"], second["id"], third["id"]}) == 3
    with signed_in(site) as browser:
        page = html.unescape(browser.get(f"/articles/{third['id']}").text)
    # Confirmed in version 1, carried to 2, carried to 3.
    assert _trail_on_page(page, claim(third, RELATED)["id"]) == [
        "link.verdict", "claim.carry-over", "claim.carry-over"]
    # Version 2's changed claim was marked; version 3's claim has version 1's text again,
    # not version 2's, so its history stops at version 3: nothing happened to it there.
    assert _trail_on_page(page, claim(third, UNSUPPORTED)["id"]) == []
