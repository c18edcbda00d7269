"""Small helpers of the web tests: submit the test article, find its claims and links."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.evidence.web.articles import CITED, RELATED, UNSUPPORTED, article_body
from tests.evidence.web.site import Site

__all__ = ["claim", "link_of", "signed_in", "submit"]


def submit(client: httpx.Client, **body: str) -> dict[str, Any]:
    """Submit (the test article by default) and read it back."""
    response = client.post("/api/articles", json={**article_body(), **body})
    assert response.status_code in (200, 201), response.text
    article = client.get(f"/api/articles/{response.json()['id']}")
    assert article.status_code == 200, article.text
    result: dict[str, Any] = article.json()
    return result


def claim(article: dict[str, Any], text: str) -> dict[str, Any]:
    found = [c for c in article["claims"] if c["text"] == text]
    assert len(found) == 1, f"claim {text!r} not in {[c['text'] for c in article['claims']]}"
    return found[0]


def link_of(article: dict[str, Any], text: str) -> dict[str, Any]:
    """The one link of the claim ``text``."""
    sources = claim(article, text)["sources"]
    assert len(sources) == 1, sources
    result: dict[str, Any] = sources[0]
    return result


KNOWN = {"cited": CITED, "related": RELATED, "unsupported": UNSUPPORTED}


@contextmanager
def signed_in(site: Site, role: str = "editor") -> Iterator[httpx.Client]:
    """A browser-like client signed in through the sign-in form (it keeps the cookie)."""
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30.0) as client:
        response = client.post("/signin", data={"token": site.tokens[role], "next": "/articles"})
        assert response.status_code == 303 and response.headers["location"] == "/articles"
        yield client
