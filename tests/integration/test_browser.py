"""A real browser on the editors' pages: Debian's chromium driven by playwright.

Loads the example article, signs in with a token, confirms a link and sees the badges
change, submits a new version through the page's form and lands on version 2, and saves
screenshots under tests/_artifacts/ (gitignored), so a test run leaves the tree clean. The
README's docs/screenshot-article.png is refreshed only on request:
`EVIDENCE_UPDATE_SCREENSHOT=1 .venv/bin/pytest tests/integration/test_browser.py`.
The browser comes from conftest.py (skipped without chromium or playwright, except under
CI=true, where it fails: CI must not pass by skipping the browser).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from evidence.store.queries import upsert_works
from refs.bibtex import read_bibtex
from tests.evidence.web.site import EXAMPLES, Site, running_site

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"
SCREENSHOT = ROOT / "docs" / "screenshot-article.png"


@pytest.fixture
def example_site(tmp_path: Path) -> Iterator[Site]:
    """The service with the example article checked, its two works in the store.

    No recorded registry response exists for the example's two DOIs (DESIGN.md): the store
    is warmed with the records examples/spine-pain.bib builds from the article's own
    reference list, stored as if the registry had given them (an `evidence import` of the
    .bib would not do: the resolver takes only the registry's records as resolved).
    """
    with running_site(f"sqlite:///{tmp_path / 'evidence.db'}") as site:
        bib = (EXAMPLES / "spine-pain.bib").read_text(encoding="utf-8")
        works = [(e.key, e.work) for e in read_bibtex(bib, path="spine-pain.bib").entries]
        with site.service.sessions.begin() as session:
            upsert_works(session, works, origin="crossref")
        text = (EXAMPLES / "spine-pain.txt").read_text(encoding="utf-8")
        with site.client() as client:
            created = client.post("/api/articles", json={"name": "examples/spine-pain.txt",
                                                         "text": text, "format": "text"})
        assert created.status_code == 201, created.text
        yield site


def test_an_editor_confirms_a_link_and_sees_the_badge_change(
    browser: Any, example_site: Site
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1250})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{example_site.url}/articles")
    assert page.url.startswith(f"{example_site.url}/signin")
    page.fill("#token", example_site.tokens["editor"])
    page.click("form.signin button[type=submit]")
    page.wait_for_url(f"{example_site.url}/articles")
    page.click("text=Physical Therapy for Back and Neck Pain")
    page.wait_for_selector("article.claim")

    related = page.locator("article.claim.status-related").first
    claim_id = related.get_attribute("data-claim")
    assert related.locator(".verdict").inner_text() == "unreviewed"
    # Why the linker made the link is shown beside it, and says it is not confirmed.
    why = related.locator(".source.how-inferred .why")
    assert why.is_visible()
    assert why.inner_text().startswith("Inferred, not confirmed: the claim")
    assert "shares the words" in why.inner_text()
    related.locator("button.confirm").click()
    page.wait_for_url(f"**/articles/*#claim-{claim_id}")

    claim = page.locator(f"#claim-{claim_id}")
    assert claim.locator("[data-status]").first.inner_text() == "supported"
    assert claim.locator(".verdict").inner_text() == "confirmed"
    assert claim.locator(".why").inner_text().startswith("Inferred, confirmed by an editor: ")
    assert "status-supported" in (claim.get_attribute("class") or "")
    assert page.locator(".notice").inner_text() == "link confirmed"
    assert page.locator("article.claim.status-unsupported").count() == 2

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "article-page.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / "article-top.png"))
    if os.environ.get("EVIDENCE_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "article-top.png", SCREENSHOT)

    # A new version through the page's form, the text edited where it stands.
    first_url = page.url.split("#", 1)[0]
    page.click("details.new-version summary")
    text = page.input_value("#new-version-text")
    assert text.startswith("Physical Therapy for Back and Neck Pain\n")
    page.fill("#new-version-text", text.replace("move, work and play", "move, work, rest and play"))
    page.click("details.new-version button[type=submit]")
    page.wait_for_url(lambda url: url.split("?", 1)[0] != first_url)
    assert page.locator(".version-number").inner_text() == "version 2 of 2"
    assert page.locator(".notice").inner_text() == "version 2 stored"
    assert page.locator("a.previous-version").get_attribute("href") == urlsplit(first_url).path
    assert problems == []  # no script errors, no Content-Security-Policy violations


def test_an_editor_works_through_the_alerts_of_a_source_retracted_after_the_check(
    browser: Any, tmp_path: Path
) -> None:
    """A generated work (10.5555) cited by an article is retracted in the stand-in registry
    after the check; a recheck runs; the editor sees the alert and the article's note, and
    acknowledges the alert by the page's form."""
    from datetime import UTC, datetime

    from evidence.recheck import recheck
    from tests.standin import StandinConfig, generated_doi, generated_notice, updated_message

    cited = generated_doi(1)
    text = ("# Stand-in findings\n\nGenerated works improved outcomes in 40% of cases [1].\n\n"
            "## References\n\n1. Author 1 G. Generated stand-in work 1 (load data, not a real "
            f"work). Generated Journal of Stand-in Load. 2001. doi:{cited}\n")
    config = StandinConfig(enforce_limits=False, generated=2)
    with running_site(f"sqlite:///{tmp_path / 'evidence.db'}", standin_config=config) as site:
        with site.client() as client:
            created = client.post("/api/articles", json={"name": "findings.md", "text": text,
                                                         "format": "markdown"})
        assert created.status_code == 201, created.text
        notice = generated_notice(1, cited, "retraction", indexed=datetime.now(UTC))
        site.standin.add_notice(notice)
        site.standin.works[cited] = updated_message(site.standin.works[cited], notice)
        # In a thread of its own: playwright's sync API keeps an event loop on this one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, recheck(site.service.sessions, site.service.settings)
                        ).result()

        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{site.url}/alerts")
        page.fill("#token", site.tokens["editor"])
        page.click("form.signin button[type=submit]")
        page.wait_for_url(f"{site.url}/alerts")
        row = page.locator("tr.alert")
        assert row.count() == 1
        assert row.locator("[data-kind]").inner_text() == "retracted"
        assert f"doi:{notice['DOI']}" in row.inner_text()

        row.locator("a[href^='/articles/']").click()
        page.wait_for_selector("section.source-changes")
        note = page.locator("section.source-changes li").first
        assert note.get_attribute("data-kind") == "retraction"
        assert f"doi:{notice['DOI']}" in note.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "article-source-changed.png"))

        page.goto(f"{site.url}/alerts")
        page.locator("tr.alert button[type=submit]").click()
        page.wait_for_url(f"{site.url}/alerts?notice=ack")
        assert page.locator(".notice").inner_text() == "alert acknowledged"
        assert page.locator("tr.alert").count() == 0
        page.click("text=all")
        assert "acknowledged by editor-1" in page.locator("tr.alert").inner_text()
        page.screenshot(path=str(ARTIFACTS / "alerts-page.png"))
        assert problems == []


@pytest.mark.postgresql
def test_an_article_submitted_through_the_form_is_shown_being_checked_then_checked(
    browser: Any, postgresql_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With workers (EVIDENCE_JOBS=postgres), the form's article goes to a real worker
    process; its page says it is being checked, then becomes the article's page."""
    from evidence.store.engine import open_store
    from tests import database
    from tests.integration.test_jobs import Workers
    from tests.standin import StandinConfig
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi

    database.empty_database(postgresql_database)
    open_store(postgresql_database).dispose()
    config = StandinConfig(generated=2, enforce_limits=False)
    with running_site(postgresql_database, standin_config=config, jobs=True) as site:
        settings = site.service.settings
        assert settings.jobs
        workers = Workers({**os.environ, "EVIDENCE_DATABASE_URL": postgresql_database,
                           "EVIDENCE_CROSSREF_URL": settings.crossref_url,
                           "EVIDENCE_DOI_URL": settings.doi_url,
                           "EVIDENCE_MAILTO": settings.mailto or "jobs@example.org",
                           "EVIDENCE_JOB_HEARTBEAT": "3"}, tmp_path / "worker.log")
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{site.url}/signin")
            page.fill("#token", site.tokens["editor"])
            page.click("form.signin button[type=submit]")
            page.wait_for_url(f"{site.url}/articles")
            page.fill("#name", "queued.txt")
            page.fill("#text", article_text(7, [generated_doi(1), generated_doi(2)]))
            page.click("section.submit form[action='/articles'] button[type=submit]")
            page.wait_for_url(f"{site.url}/jobs/*")
            # No worker yet: the page says the article waits to be checked.
            status = page.locator(".job-state").inner_text()
            assert status.startswith("Being checked: waiting for a worker"), status
            workers.start(1, concurrency=1)
            page.wait_for_url(f"{site.url}/articles/*", timeout=60_000)
            assert page.locator("h1").first.inner_text() == "Generated article 7"
            assert page.locator("[data-status]").count() > 0
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "job-checked.png"), full_page=True)
            # The page's "New version" form goes to the worker too: its job, then version 2.
            first_url = page.url
            page.click("details.new-version summary")
            text = page.input_value("#new-version-text")
            page.fill("#new-version-text", text.replace("Generated article 7",
                                                        "Generated article 7, revised"))
            # The worker may check it before the job's page loads (which then goes straight
            # on to the article's): the form's own answer is what says it was queued.
            with page.expect_response(lambda r: r.url.endswith("/versions")) as sent:
                page.click("details.new-version form[action$='/versions'] "
                           "button[type=submit]")
            assert sent.value.status == 303
            assert urlsplit(sent.value.headers["location"]).path.startswith("/jobs/")
            page.wait_for_url(lambda url: url != first_url and "/articles/" in url,
                              timeout=60_000)
            assert page.locator("h1").first.inner_text() == "Generated article 7, revised"
            assert page.locator(".version-number").inner_text() == "version 2 of 2"
            assert page.locator("a.previous-version").get_attribute("href") == \
                urlsplit(first_url).path
            assert problems == []
        finally:
            workers.stop()
