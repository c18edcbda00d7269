"""New versions of one article: numbered in order, optimistic when the client names the
version it replaces, and never two with the same number when submitted at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import httpx
from sqlalchemy import select

from evidence.store.models import Article
from tests.evidence.web.articles import ARTICLE, EDITED, UNSUPPORTED, article_body
from tests.evidence.web.site import Site

SIMULTANEOUS = 6


def _post(client: httpx.Client, text: str, **extra: Any) -> httpx.Response:
    return client.post("/api/articles", json={**article_body(text=text), **extra})


def _variant(n: int) -> str:
    """A text of the test article whose last claim differs for each ``n``."""
    return ARTICLE.replace(UNSUPPORTED, f"Most readers finish this article in {n + 2} minutes.")


def _versions(site: Site) -> list[tuple[int, int, int | None]]:
    """(number, id, previous_id) of every stored version of the test article, by number."""
    with site.service.sessions() as session:
        rows = session.execute(select(Article.number, Article.id, Article.previous_id)
                               .where(Article.document_key == "creativity.md")
                               .order_by(Article.number)).all()
    return [(number, id_, previous) for number, id_, previous in rows]


def _simultaneously(site: Site, texts: list[str], **extra: Any) -> list[httpx.Response]:
    """POST each text from its own thread, all released at once."""
    start = Barrier(len(texts))

    def send(text: str) -> httpx.Response:
        with site.client() as client:
            start.wait()
            return _post(client, text, **extra)

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        return list(pool.map(send, texts))


def test_versions_are_numbered_and_name_what_they_replace(site: Site) -> None:
    with site.client() as client:
        first = _post(client, ARTICLE)
        second = _post(client, EDITED, replaces=first.json()["id"])
    assert first.status_code == 201 and first.json()["number"] == 1
    assert second.status_code == 201
    assert second.json()["number"] == 2 and second.json()["previous_id"] == first.json()["id"]


def test_replacing_a_version_that_is_no_longer_the_newest_is_a_conflict(site: Site) -> None:
    with site.client() as client:
        first = _post(client, ARTICLE).json()
        second = _post(client, EDITED, replaces=first["id"]).json()
        stale = _post(client, _variant(1), replaces=first["id"])
        replayed = _post(client, EDITED, replaces=first["id"])  # the same request sent again
    assert stale.status_code == 409
    assert "not the newest version" in stale.json()["error"]
    current = stale.json()["current"]
    assert (current["id"], current["number"], current["previous_id"]) == (
        second["id"], 2, first["id"])
    assert replayed.status_code == 200 and replayed.json()["id"] == second["id"]
    assert [v[1] for v in _versions(site)] == [first["id"], second["id"]]  # nothing stored


def test_replacing_no_article_or_another_documents_is_refused(site: Site) -> None:
    with site.client() as client:
        other = client.post("/api/articles", json=article_body(name="other.md")).json()
        _post(client, ARTICLE)
        missing = _post(client, EDITED, replaces=999_999)
        elsewhere = _post(client, EDITED, replaces=other["id"])
    assert missing.status_code == 404 and "no article 999999" in missing.json()["error"]
    assert elsewhere.status_code == 409 and "'other.md'" in elsewhere.json()["error"]
    assert len(_versions(site)) == 1


def test_simultaneous_new_versions_follow_one_another(site: Site) -> None:
    with site.client() as client:
        first = _post(client, ARTICLE).json()
    answers = _simultaneously(site, [_variant(n) for n in range(SIMULTANEOUS)])
    assert [a.status_code for a in answers] == [201] * SIMULTANEOUS, [a.text for a in answers]
    versions = _versions(site)
    assert [number for number, _, _ in versions] == list(range(1, SIMULTANEOUS + 2))
    # One line of versions, no fork: each follows the one numbered before it.
    assert [previous for _, _, previous in versions] == [None] + [i for _, i, _ in versions[:-1]]
    assert versions[0][1] == first["id"]
    assert sorted(a.json()["number"] for a in answers) == list(range(2, SIMULTANEOUS + 2))


def test_of_simultaneous_replacements_of_one_version_exactly_one_wins(site: Site) -> None:
    with site.client() as client:
        first = _post(client, ARTICLE).json()
    answers = _simultaneously(site, [_variant(n) for n in range(SIMULTANEOUS)],
                              replaces=first["id"])
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * (SIMULTANEOUS - 1), [a.text for a in answers]
    won = next(a.json() for a in answers if a.status_code == 201)
    assert won["number"] == 2 and won["previous_id"] == first["id"]
    assert {a.json()["current"]["id"] for a in answers if a.status_code == 409} == {won["id"]}
    assert [v[1] for v in _versions(site)] == [first["id"], won["id"]]


def test_simultaneous_first_versions_are_numbered_one_after_the_other(site: Site) -> None:
    answers = _simultaneously(site, [_variant(n) for n in range(SIMULTANEOUS)])
    assert [a.status_code for a in answers] == [201] * SIMULTANEOUS, [a.text for a in answers]
    versions = _versions(site)
    assert [number for number, _, _ in versions] == list(range(1, SIMULTANEOUS + 1))
    assert [previous for _, _, previous in versions] == [None] + [i for _, i, _ in versions[:-1]]
