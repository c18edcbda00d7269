"""Article answers reused while their version's read stamp holds (issue 14, warm reads).

A read kept by one server process must never outlive a write made through any process: each
test reads an article twice (the second answer comes from the kept body), writes, and reads
again; the write must show at once. Two apps on one database stand for ``serve --workers 2``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, update

from evidence.config import Settings
from evidence.store.models import Event, Reference, SourceEvent, WorkRecord, WorkUpdate
from evidence.vocabulary import SourceChange
from evidence.web import create_app
from evidence.web.service import Service
from tests.evidence.web.articles import CITED, EDITED, RELATED, RETRACTED, article_body
from tests.evidence.web.helpers import claim, link_of, submit
from tests.evidence.web.server import serve_in_thread
from tests.evidence.web.site import Site, running_site


@pytest.fixture
def sqlite_site(tmp_path: Path) -> Iterator[Site]:
    with running_site(f"sqlite:///{tmp_path / 'evidence.db'}") as running:
        yield running


@pytest.fixture
def pg_site(pg_url: str) -> Iterator[Site]:
    with running_site(pg_url) as running:
        yield running


@contextmanager
def second_process(site: Site) -> Iterator[httpx.Client]:
    """Another app on the same database (as ``serve --workers 2`` runs), with its own kept
    answers, and a client of it holding the editor's token."""
    settings = Settings.from_env(database_url=site.service.settings.database_url,
                                 offline=True)
    app = create_app(settings)
    with serve_in_thread(app) as url, httpx.Client(
            base_url=url, timeout=30.0,
            headers={"Authorization": f"Bearer {site.tokens['editor']}"}) as client:
        yield client


def _read_twice(client: httpx.Client, article_id: int) -> dict[str, Any]:
    first = client.get(f"/api/articles/{article_id}")
    second = client.get(f"/api/articles/{article_id}")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    body: dict[str, Any] = second.json()
    return body


def _kept(svc: Service) -> int:
    return len(svc.reads)


@pytest.mark.postgresql
def test_an_unchanged_version_is_answered_from_the_kept_body(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        kept = pg_site.service.reads.get((article["id"], 1000, 0), "no such stamp")
        before = _read_twice(client, article["id"])
    assert kept is None  # kept only under its real stamp
    assert _kept(pg_site.service) == 1
    assert before == article


@pytest.mark.postgresql
def test_a_verdict_given_after_a_kept_read_shows_at_once(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        link = link_of(_read_twice(client, article["id"]), RELATED)
        answer = client.put(f"/api/links/{link['link']}/verdict",
                            json={"verdict": "confirmed", "version": link["version"]})
        after = client.get(f"/api/articles/{article['id']}").json()
    assert answer.status_code == 200
    assert link["verdict"] == "unreviewed"
    assert link_of(after, RELATED)["verdict"] == "confirmed"
    assert claim(after, RELATED)["status"] == "supported"


@pytest.mark.postgresql
def test_a_write_through_another_process_shows_at_once_in_this_one(pg_site: Site) -> None:
    with pg_site.client() as here, second_process(pg_site) as there:
        article = submit(here)
        _read_twice(here, article["id"])
        _read_twice(there, article["id"])
        cited = claim(article, CITED)
        said = there.post(f"/api/claims/{cited['id']}/comments", json={"text": "checked"})
        link = link_of(article, CITED)
        rejected = there.put(f"/api/links/{link['link']}/verdict",
                             json={"verdict": "rejected", "version": link["version"]})
        after = here.get(f"/api/articles/{article['id']}").json()
    assert said.status_code == 201 and rejected.status_code == 200
    assert [c["text"] for c in claim(after, CITED)["comments"]] == ["checked"]
    assert claim(after, CITED)["status"] == "unsupported"


@pytest.mark.postgresql
def test_marks_links_added_and_removed_show_at_once(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        unsupported = [c for c in article["claims"] if not c["sources"] and c["needs_support"]]
        target = unsupported[0]
        _read_twice(client, article["id"])
        marked = client.put(f"/api/claims/{target['id']}/no-source",
                            json={"reason": "common knowledge", "version": target["version"]})
        after_mark = client.get(f"/api/articles/{article['id']}").json()
        added = client.post(f"/api/claims/{target['id']}/links",
                            json={"reference_id": article["references"][0]["id"],
                                  "version": marked.json()["version"]})
        after_link = client.get(f"/api/articles/{article['id']}").json()
        removed = client.delete(f"/api/links/{added.json()['id']}",
                                params={"version": added.json()["version"]})
        after_removal = client.get(f"/api/articles/{article['id']}").json()
    assert marked.status_code == 200 and added.status_code == 201
    assert removed.status_code == 204
    assert claim(after_mark, target["text"])["no_source_reason"] == "common knowledge"
    assert [s["how"] for s in claim(after_link, target["text"])["sources"]] == ["editor"]
    assert claim(after_removal, target["text"])["sources"] == []


@pytest.mark.postgresql
def test_a_new_version_shows_in_the_versions_of_the_kept_one(pg_site: Site) -> None:
    with pg_site.client() as client:
        first = submit(client)
        _read_twice(client, first["id"])
        second = submit(client, **article_body(text=EDITED), replaces=str(first["id"]))
        again = client.get(f"/api/articles/{first['id']}").json()
    assert [v["id"] for v in first["versions"]] == [first["id"]]
    assert [v["id"] for v in again["versions"]] == [first["id"], second["id"]]


@pytest.mark.postgresql
def test_a_change_to_a_cited_work_shows_at_once(pg_site: Site) -> None:
    """What ``evidence recheck`` and a re-fetch write: the work's record, its notices, and
    the registry's changes seen since the check."""
    with pg_site.client() as client:
        article = submit(client)
        _read_twice(client, article["id"])
        with pg_site.service.sessions.begin() as session:
            work_id = session.scalars(select(Reference.work_id).where(
                Reference.article_id == article["id"], Reference.work_id.is_not(None))).first()
            session.execute(update(WorkRecord).where(WorkRecord.id == work_id)
                            .values(title="A title the registry changed"))
        retitled = client.get(f"/api/articles/{article['id']}").json()
        with pg_site.service.sessions.begin() as session:
            session.add(SourceEvent(doi=RETRACTED.lower(), kind=SourceChange.RETRACTION,
                                    via="notices", notice_doi="10.5555/notice-1"))
        changed = client.get(f"/api/articles/{article['id']}").json()
    assert "A title the registry changed" in [r["title"] for r in retitled["references"]]
    assert [(c["doi"], c["notice_doi"]) for c in changed["source_changes"]] == [
        (RETRACTED.lower(), "10.5555/notice-1")]


@pytest.mark.postgresql
def test_a_notice_taken_from_a_cited_work_shows_at_once(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        before = _read_twice(client, article["id"])
        with pg_site.service.sessions.begin() as session:
            work = session.scalars(select(WorkRecord).where(
                WorkRecord.doi.ilike(RETRACTED))).one()
            session.execute(delete(WorkUpdate).where(WorkUpdate.work_id == work.id))
        after = client.get(f"/api/articles/{article['id']}").json()
    retracted = [r["retracted"] for r in before["references"] if r["doi"] == RETRACTED]
    assert retracted == [True]
    assert [r["retracted"] for r in after["references"] if r["doi"] == RETRACTED] == [False]


@pytest.mark.postgresql
def test_if_none_match_gets_304_until_the_version_changes(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        first = client.get(f"/api/articles/{article['id']}")
        tag = first.headers["etag"]
        unchanged = client.get(f"/api/articles/{article['id']}", headers={"If-None-Match": tag})
        weak = client.get(f"/api/articles/{article['id']}",
                          headers={"If-None-Match": f'"other", W/{tag}'})
        link = link_of(article, RELATED)
        client.put(f"/api/links/{link['link']}/verdict",
                   json={"verdict": "confirmed", "version": link["version"]})
        changed = client.get(f"/api/articles/{article['id']}", headers={"If-None-Match": tag})
        anonymous = httpx.get(f"{pg_site.url}/api/articles/{article['id']}",
                              headers={"If-None-Match": tag})
    assert unchanged.status_code == weak.status_code == 304
    assert unchanged.content == b"" and unchanged.headers["etag"] == tag
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    assert link_of(changed.json(), RELATED)["verdict"] == "confirmed"
    assert anonymous.status_code == 401  # a tag is no way round the token


@pytest.mark.postgresql
def test_pages_of_claims_are_kept_apart(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        first = client.get(f"/api/articles/{article['id']}", params={"limit": 1}).json()
        rest = client.get(f"/api/articles/{article['id']}",
                          params={"limit": 1, "offset": 1}).json()
        whole = client.get(f"/api/articles/{article['id']}").json()
    assert [c["id"] for c in first["claims"]] == [article["claims"][0]["id"]]
    assert [c["id"] for c in rest["claims"]] == [article["claims"][1]["id"]]
    assert whole["claims"] == article["claims"]


@pytest.mark.postgresql
def test_a_revoked_token_is_refused_though_the_answer_is_kept(pg_site: Site) -> None:
    token = pg_site.token("short-lived", "reviewer")
    headers = {"Authorization": f"Bearer {token}"}
    with pg_site.client() as client:
        article = submit(client)
        kept = client.get(f"/api/articles/{article['id']}", headers=headers)
        revoked = client.delete("/api/tokens/short-lived",
                                headers={"Authorization": f"Bearer {pg_site.tokens['admin']}"})
        refused = client.get(f"/api/articles/{article['id']}", headers=headers)
    assert kept.status_code == 200
    assert revoked.status_code == 200, revoked.text
    assert refused.status_code == 401


def test_on_sqlite_every_read_is_made_afresh_and_still_tagged(sqlite_site: Site) -> None:
    """SQLite has no read stamp: nothing is kept, and a write shows as it always did."""
    with sqlite_site.client() as client:
        article = submit(client)
        tag = client.get(f"/api/articles/{article['id']}").headers["etag"]
        unchanged = client.get(f"/api/articles/{article['id']}", headers={"If-None-Match": tag})
        link = link_of(article, RELATED)
        client.put(f"/api/links/{link['link']}/verdict",
                   json={"verdict": "confirmed", "version": link["version"]})
        after = client.get(f"/api/articles/{article['id']}", headers={"If-None-Match": tag})
    assert len(sqlite_site.service.reads) == 0
    assert unchanged.status_code == 304
    assert after.status_code == 200
    assert link_of(after.json(), RELATED)["verdict"] == "confirmed"


# --- the article page (/articles/{id}): the same stamp (with the claims' histories) -------


def _page_twice(client: httpx.Client, article_id: int) -> str:
    first = client.get(f"/articles/{article_id}")
    second = client.get(f"/articles/{article_id}")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    return second.text


def _pages_kept(svc: Service) -> int:
    return sum(1 for key in svc.reads._kept if key[0] == "page")


@pytest.mark.postgresql
def test_an_unchanged_page_is_sent_from_the_kept_body(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        html = _page_twice(client, article["id"])
    assert _pages_kept(pg_site.service) == 1
    assert CITED in html


@pytest.mark.postgresql
def test_a_write_through_another_process_shows_at_once_on_this_ones_page(
        pg_site: Site) -> None:
    with pg_site.client() as here, second_process(pg_site) as there:
        article = submit(here)
        before = _page_twice(here, article["id"])
        _page_twice(there, article["id"])
        cited = claim(article, CITED)
        said = there.post(f"/api/claims/{cited['id']}/comments",
                          json={"text": "a comment written through the other process"})
        after = here.get(f"/articles/{article['id']}").text
    assert said.status_code == 201
    assert "a comment written through the other process" not in before
    assert "a comment written through the other process" in after


@pytest.mark.postgresql
def test_a_claims_history_alone_changes_the_page(pg_site: Site) -> None:
    """An event on a claim, with no other row written: the page's stamp covers the claims'
    histories (the API's answer does not show them, and its stamp leaves them out)."""
    with pg_site.client() as client:
        article = submit(client)
        before = _page_twice(client, article["id"])
        with pg_site.service.sessions.begin() as session:
            session.add(Event(actor="an-auditor-by-hand", action="looked",
                              object_type="claim", object_id=claim(article, CITED)["id"]))
        after = client.get(f"/articles/{article['id']}").text
    assert "an-auditor-by-hand" not in before
    assert "an-auditor-by-hand" in after


@pytest.mark.postgresql
def test_each_person_gets_their_own_page(pg_site: Site) -> None:
    """The header names who is signed in, and only an editor gets the editing forms: a page
    kept for one person is never sent to another, whatever their role."""
    other_editor = pg_site.token("editor-2", "editor")
    with pg_site.client() as editor:
        article = submit(editor)
        path = f"/articles/{article['id']}"
        mine = _page_twice(editor, article["id"])
        theirs = editor.get(path, headers={"Authorization": f"Bearer {other_editor}"}).text
        reviewer = editor.get(path, headers={
            "Authorization": f"Bearer {pg_site.tokens['reviewer']}"}).text
    assert 'class="who">editor-1 ' in mine and "editor-2" not in mine
    assert 'class="who">editor-2 ' in theirs and "editor-1" not in theirs
    assert 'class="who">reviewer-1 ' in reviewer
    assert "/no-source" in mine and "/no-source" not in reviewer
    assert _pages_kept(pg_site.service) == 3


@pytest.mark.postgresql
def test_if_none_match_on_the_page_gets_304_until_the_version_changes(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        path = f"/articles/{article['id']}"
        first = client.get(path)
        tag = first.headers["etag"]
        unchanged = client.get(path, headers={"If-None-Match": tag})
        other = client.get(path, headers={"If-None-Match": tag, "Authorization":
                                          f"Bearer {pg_site.tokens['reviewer']}"})
        link = link_of(article, RELATED)
        client.put(f"/api/links/{link['link']}/verdict",
                   json={"verdict": "confirmed", "version": link["version"]})
        changed = client.get(path, headers={"If-None-Match": tag})
    assert first.headers["cache-control"] == "private, no-cache"
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert other.status_code == 200  # another person's page is another body, another tag
    assert changed.status_code == 200 and changed.headers["etag"] != tag


@pytest.mark.postgresql
def test_a_page_with_a_notice_is_made_afresh_and_not_kept(pg_site: Site) -> None:
    with pg_site.client() as client:
        article = submit(client)
        noticed = client.get(f"/articles/{article['id']}", params={"notice": "comment-added"})
    assert noticed.status_code == 200
    assert _pages_kept(pg_site.service) == 0
