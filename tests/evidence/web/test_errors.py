"""Errors a client can cause or meet: each is a 4xx or 503 with a clear message, never a 500.

The store going away or staying locked is a 503 (JSON for the API, a page for the pages);
input no database can store (NUL), or too long, or blank, is refused by the same rules on
the pages as on the API.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.store.engine import make_engine, session_factory
from tests.evidence.web.articles import CITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import claim, link_of, signed_in, submit
from tests.evidence.web.site import Site, running_site


def _unreachable_url(db_url: str, tmp_path: Path) -> str:
    """A store of the same kind that cannot be opened: a closed port, a missing folder."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///file:{tmp_path / 'gone' / 'x.db'}?mode=ro&uri=true"
    return "postgresql+psycopg://postgres@127.0.0.1:1/evidence?connect_timeout=2"


def test_an_unreachable_store_is_a_503_json_or_page(site: Site, db_url: str,
                                                    tmp_path: Path) -> None:
    with signed_in(site) as browser:
        svc = site.service
        kept = (svc.engine, svc.sessions)
        gone = make_engine(_unreachable_url(db_url, tmp_path))
        svc.engine, svc.sessions = gone, session_factory(gone)
        try:
            with site.client() as client:
                api = client.get("/api/articles")
                health = client.get("/health")
            page = browser.get("/articles")
        finally:
            svc.engine, svc.sessions = kept
            gone.dispose()
    assert api.status_code == 503 and api.headers["content-type"] == "application/json"
    assert api.json() == {"error": "the store cannot be reached: try again shortly",
                          "status": 503}
    assert api.headers["retry-after"] == "5"
    assert "127.0.0.1" not in api.text  # never the driver's words: they name hosts
    assert health.status_code == 503
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert "the store cannot be reached" in page.text


@pytest.fixture
def quick_sqlite_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A service on SQLite whose writers wait 0.3 s for a lock, not 30 s."""
    monkeypatch.setattr("evidence.store.engine.SQLITE_BUSY_TIMEOUT_MS", 300)
    with running_site(f"sqlite:///{tmp_path / 'busy.db'}") as site:
        yield site


def test_a_sqlite_write_blocked_past_its_wait_is_a_503(quick_sqlite_site: Site,
                                                        tmp_path: Path) -> None:
    site = quick_sqlite_site
    with site.client() as client:
        article = submit(client)
    target = claim(article, CITED)["id"]
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with site.client() as client:
            blocked = client.post(f"/api/claims/{target}/comments", json={"text": "Wait."})
        holder.execute("ROLLBACK")
        with site.client() as client:
            later = client.post(f"/api/claims/{target}/comments", json={"text": "Now."})
    finally:
        holder.close()
    assert blocked.status_code == 503, blocked.text
    assert blocked.json()["error"] == "the store is busy with another write: try again shortly"
    assert later.status_code == 201


def test_nul_in_any_page_form_is_refused_with_the_field_named(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    target = claim(article, UNSUPPORTED)
    base = f"/articles/{article['id']}/claims/{target['id']}"
    with signed_in(site) as browser:
        answers = {
            "comment": browser.post(f"{base}/comments", data={"text": "a\x00b"}),
            "reason": browser.post(f"{base}/no-source",
                                   data={"reason": "x\x00", "version": str(target["version"])}),
            "name": browser.post("/articles", data={"name": "n\x00.md", "text": "Some text."}),
            "text": browser.post("/articles", data={"name": "n.md", "text": "Some\x00text."}),
        }
    for field, answer in answers.items():
        assert answer.status_code == 422, (field, answer.text)
        assert "NUL" in answer.text, field
    assert "bad input at text" in answers["comment"].text
    assert "bad input at reason" in answers["reason"].text
    assert "bad input at name" in answers["name"].text


def test_a_nul_token_name_in_the_path_is_refused(site: Site) -> None:
    with site.client(role="admin") as admin:
        answer = admin.delete("/api/tokens/%00")
        still = admin.get("/api/me")
    assert answer.status_code == 422 and "NUL" in answer.json()["error"]
    assert still.status_code == 200


def test_oversized_blank_and_odd_form_values_are_refused(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    link = link_of(article, RELATED)
    with signed_in(site) as browser:
        huge = browser.post("/articles", data={"name": "n" * 3_000_000, "text": "Some text."})
        blank = browser.post("/articles", data={"name": "   ", "text": "Some text."})
        superscript = browser.post(f"/articles/{article['id']}/links/{link['link']}/verdict",
                                   data={"verdict": "confirmed", "version": "¹"})
    assert huge.status_code == 422 and "at most 500 characters" in huge.text
    assert blank.status_code == 422 and "blank" in blank.text
    assert superscript.status_code == 422 and "bad input at version" in superscript.text
    with site.client() as client:
        unchanged = client.get(f"/api/articles/{article['id']}").json()
        names = {a["name"] for a in client.get("/api/articles").json()["articles"]}
    assert link_of(unchanged, RELATED)["verdict"] == "unreviewed"
    assert names == {"creativity.md"}


@pytest.mark.parametrize("text", ["", "   ", "\n\t "], ids=["empty", "spaces", "whitespace"])
def test_matching_a_blank_reference_is_a_422(site: Site, text: str) -> None:
    with site.client(role="reviewer") as client:
        answer = client.post("/api/works/match", json={"text": text})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"].startswith("bad input at body.text")


def test_whitespace_only_names_and_texts_are_refused_by_the_api(site: Site) -> None:
    with site.client(role="admin") as client:
        article = client.post("/api/articles", json={"name": " \t", "text": "Some text."})
        text = client.post("/api/articles", json={"name": "x.md", "text": "\n\n  "})
        token = client.post("/api/tokens", json={"name": "   ", "role": "reviewer"})
    assert [r.status_code for r in (article, text, token)] == [422, 422, 422]
    assert "blank" in article.json()["error"] and "body.name" in article.json()["error"]
    assert "body.text" in text.json()["error"]


def test_unknown_fields_are_refused(site: Site) -> None:
    with site.client() as client:
        answer = client.post("/api/articles", json={"name": "x.md", "text": "Some text.",
                                                    "fromat": "markdown"})
    assert answer.status_code == 422
    assert "fromat" in answer.json()["error"]


def test_the_schema_states_what_text_fields_refuse(site: Site) -> None:
    with site.client(role="admin") as client:
        schema = client.get("/openapi.json").json()
    article_in = schema["components"]["schemas"]["ArticleIn"]
    assert article_in["additionalProperties"] is False
    pattern = article_in["properties"]["name"]["pattern"]
    import re

    assert re.search(pattern, "spine.md") and not re.search(pattern, "   ")
    assert not re.search(pattern, "a\x00b")


@pytest.mark.parametrize(
    ("bibliography", "said"),
    [("these are not references", "no BibTeX entries found"),
     ("@article{good, title = {Fine}, year = 2020}\n@book{bad, title = {unclosed",
      "@book entry 'bad' could not be read")],
    ids=["not-bibtex", "one-entry-unreadable"],
)
def test_an_unreadable_bibtex_bibliography_refuses_the_article(site: Site, bibliography: str,
                                                                said: str) -> None:
    body = {"name": "with-bib.md", "text": "Exercise helped 70% of patients [@good].",
            "format": "markdown", "bibliography": bibliography}
    with site.client() as client:
        api = client.post("/api/articles", json=body)
        stored = client.get("/api/articles").json()["articles"]
    with signed_in(site) as browser:
        page = browser.post("/articles", data=body)
    assert api.status_code == 400 and said in api.json()["error"]
    assert "nothing was stored" in api.json()["error"]
    assert page.status_code == 400 and said in page.text.replace("&#39;", "'")
    assert stored == []


def test_the_schema_states_which_bibliographies_are_read(site: Site) -> None:
    import re

    with site.client(role="admin") as client:
        rules = client.get("/openapi.json").json()["components"]["schemas"]["ArticleIn"]["anyOf"]
    patterns = [r["properties"]["bibliography"].get("pattern") for r in rules]
    bibtex, csl = patterns[2], patterns[3]
    assert re.fullmatch(bibtex, "@misc{doe2020, title = {Exercise therapy}}")
    assert not re.fullmatch(bibtex, "these are not references")
    assert re.fullmatch(csl, '[{"type": "book", "title": "Exercise therapy"}]')
