"""A stored PDF or Word article shows where its claims and references stand in the file
("page 1, line 15", "paragraph 10"), in the API and on its page in a real browser, not the
line numbers of the text laid out from it.

The places were read from the inputs themselves: the PDF's first page as ``pdftotext``
gives it, blank lines left out (line 15 begins "Research has shown", line 28 is reference 1),
and the Word file's paragraphs as python-docx lists them (10 holds the first two claims,
19 and 20 the references).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.web.site import Site, running_site

MANUSCRIPTS = Path(__file__).parents[1] / "fixtures" / "manuscripts"
RECORDS = Path(__file__).parents[1] / "fixtures" / "article-records"

EXPECTED: dict[str, dict[str, Any]] = {
    "spine-pain.pdf": {
        "claims": {"Research has shown": "page 1, line 15",
                   "The North American Spine": "page 1, line 16",
                   "A typical course": "page 1, line 19"},
        "references": ["page 1, line 28", "page 1, line 30"],
    },
    "spine-pain.docx": {
        "claims": {"Research has shown": "paragraph 10",
                   "The North American Spine": "paragraph 10",
                   "A typical course": "paragraph 12"},
        "references": ["paragraph 19", "paragraph 20"],
    },
}


@pytest.fixture
def example_site(db_url: str) -> Iterator[Site]:
    """The service on both databases, with the example's two works served."""
    works = {}
    for path in RECORDS.glob("*.json"):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        works[message["DOI"].lower()] = message
    with running_site(db_url, extra_works=works) as running:
        yield running


def _claim(article: dict[str, Any], start: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in article["claims"] if c["text"].startswith(start)]
    (claim,) = found
    return claim


def test_uploaded_pdf_and_word_articles_show_their_places(
    browser: Any, example_site: Site
) -> None:
    stored: dict[str, dict[str, Any]] = {}
    with example_site.client() as client:
        for name in EXPECTED:
            sent = client.post("/api/articles/upload",
                               files={"file": (name, (MANUSCRIPTS / name).read_bytes())})
            assert sent.status_code == 201, sent.text
            stored[name] = client.get(f"/api/articles/{sent.json()['id']}").json()

    for name, expected in EXPECTED.items():
        article = stored[name]
        places = {start: _claim(article, start)["place"] for start in expected["claims"]}
        assert places == expected["claims"], name
        assert [r["place"] for r in article["references"]] == expected["references"], name
        # The line is still the laid-out text's, which the place replaces in words.
        assert _claim(article, "Research has shown")["line"] != 15

    page = browser.new_page()
    page.goto(f"{example_site.url}/signin")
    page.fill("#token", example_site.tokens["editor"])
    page.click("form.signin button[type=submit]")
    page.wait_for_url(f"{example_site.url}/articles")
    for name, expected in EXPECTED.items():
        article = stored[name]
        page.goto(f"{example_site.url}/articles/{article['id']}")
        for start, place in expected["claims"].items():
            claim = _claim(article, start)
            shown = page.locator(f"#claim-{claim['id']}")
            if claim["needs_support"]:
                assert shown.locator(".line").inner_text() == place, (name, start)
            else:  # a sentence that is no claim shows its place when hovered
                assert shown.get_attribute("title") == f"{place}: not a claim", (name, start)
        shown_refs = page.locator("li.reference .written .line").all_inner_texts()
        assert shown_refs == expected["references"], name
