"""A real browser on the editors' pages: Debian's chromium driven by playwright.

Loads the example article, signs in with a token, confirms a link and sees the badges
change, submits a new version through the page's form and lands on version 2, and saves
screenshots under tests/_artifacts/ (gitignored), so a test run leaves the tree clean. The
README's docs/screenshot-article.png is refreshed only on request:
`EVIDENCE_UPDATE_SCREENSHOT=1 .venv/bin/pytest tests/integration/test_browser.py`.
Without chromium or playwright the test is skipped with the reason, except under CI=true,
where it fails: CI must not pass by skipping the browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from evidence.store.queries import upsert_works
from refs.bibtex import read_bibtex
from tests.evidence.web.site import EXAMPLES, Site, running_site

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "tests" / "_artifacts"
SCREENSHOT = ROOT / "docs" / "screenshot-article.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright==1.65.2)")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                              headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def example_site(tmp_path: Path) -> Iterator[Site]:
    """The service with the example article checked, its two works in the store.

    No recorded registry response exists for the example's two DOIs (DESIGN.md): the store
    is warmed with the records examples/spine-pain.bib builds from the article's own
    reference list, as `evidence import` would.
    """
    with running_site(f"sqlite:///{tmp_path / 'evidence.db'}") as site:
        bib = (EXAMPLES / "spine-pain.bib").read_text(encoding="utf-8")
        works = [(e.key, e.work) for e in read_bibtex(bib, path="spine-pain.bib").entries]
        with site.service.sessions.begin() as session:
            upsert_works(session, works, origin="bibtex")
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
