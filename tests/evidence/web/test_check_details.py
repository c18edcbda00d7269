"""The article object keeps what the check found: markers pointing nowhere, the reasons of
unverified references, bibliography references with their file's path, and mismatches.

Cites recorded Crossref works only (tests/fixtures/crossref/works): 10.1177/0956797614520714
(retracted, published 2014) is written in a bibliography with a wrong year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.importer import import_files, read_files
from tests.evidence.web.articles import ARTICLE, RETRACTED
from tests.evidence.web.helpers import signed_in, submit
from tests.evidence.web.site import Site, running_site
from tests.standin import Faults, StandinConfig

NOWHERE = "A third study found the opposite in 80% of the people asked [7]."

WRONG_YEAR_BIB = (
    "@article{gino2014,\n  author = {Gino, Francesca and Wiltermuth, Scott S.},\n"
    "  title = {Evil Genius? How Dishonesty Can Lead to Greater Creativity},\n"
    "  journal = {Psychological Science}, year = {2011},\n"
    f"  doi = {{{RETRACTED}}}\n}}\n"
)
NOTES = ("# Notes on creativity\n\nIn one study, dishonesty increased creativity in 60% of "
         "people [@gino2014]. We discuss what that means here.\n\nThe rest is method.\n")


def _findings(article: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in article["findings"] if f["rule"] == rule]


def test_a_marker_pointing_nowhere_is_an_unknown_citation_finding(site: Site) -> None:
    text = ARTICLE.replace("\n\n## References", f"\n\n{NOWHERE}\n\n## References")
    with site.client() as client:
        article = submit(client, name="nowhere.md", text=text)
    unknown = _findings(article, "unknown-citation")
    assert len(unknown) == 1, article["findings"]
    assert unknown[0]["path"] == "nowhere.md" and "[7]" in unknown[0]["message"]
    assert unknown[0]["line"] == text.splitlines().index(NOWHERE) + 1


def test_a_bibliography_reference_is_reported_in_the_bibliography(site: Site) -> None:
    with site.client() as client:
        article = submit(client, name="notes.md", text=NOTES, bibliography=WRONG_YEAR_BIB)
    [reference] = article["references"]
    assert reference["path"] == "notes.md.bib" and reference["doi"] == RETRACTED
    assert reference["mismatches"] == [{"field": "year", "written": "2011", "registry": "2014"}]
    retracted = _findings(article, "retracted-source")
    mismatch = _findings(article, "metadata-mismatch")
    assert [f["path"] for f in retracted + mismatch] == ["notes.md.bib", "notes.md.bib"]
    assert mismatch[0]["line"] == reference["line"] == 1  # the entry's line in the .bib
    assert "year written '2011'" in mismatch[0]["message"]


def test_a_pasted_csl_json_bibliography_is_named_as_json(site: Site) -> None:
    """A pasted bibliography has no file name: it goes by the article's, with the extension
    of its format, here and in a check job (evidence.web.queue) alike, never ``.bib`` for
    JSON."""
    csl = ('[{"id": "gino2014", "type": "article-journal", "title": "Evil Genius? How '
           'Dishonesty Can Lead to Greater Creativity", "container-title": "Psychological '
           'Science", "issued": {"date-parts": [[2011]]}, "author": [{"family": "Gino", '
           f'"given": "Francesca"}}], "DOI": "{RETRACTED}"}}]')
    with site.client() as client:
        article = submit(client, name="notes.md", text=NOTES, bibliography=csl)
        broken = client.post("/api/articles", json={"name": "x.md", "text": "Walking helps.",
                                                    "bibliography": "[{not json"})
    [reference] = article["references"]
    assert reference["path"] == "notes.md.json" and reference["doi"] == RETRACTED
    assert broken.status_code == 400 and broken.json()["error"].startswith("x.md.json: ")


def test_an_article_reference_has_the_articles_path(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    assert {r["path"] for r in article["references"]} == {"creativity.md"}
    assert all(r["reason"] is None and r["mismatches"] == [] for r in article["references"])


def test_an_unverified_reference_keeps_its_reason(db_url: str) -> None:
    config = StandinConfig(enforce_limits=False, faults=Faults(status=503))
    with running_site(db_url, standin_config=config) as down, down.client() as client:
        article = submit(client)
    reasons = {r["reason"] for r in article["references"]}
    assert {r["status"] for r in article["references"]} == {"unverified"}
    assert None not in reasons and "" not in reasons
    unverified = _findings(article, "unverified-reference")
    assert len(unverified) == 2
    assert all(any(f": {reason};" in f["message"] for reason in reasons) for f in unverified)
    assert "no answer" not in " ".join(f["message"] for f in unverified)


IMPORTED_ONLY = "10.5555/imported-only"
"""Synthetic: in the store from an imported .bib, unknown to the stand-in registry."""


def test_a_doi_the_registry_lacks_shows_no_imported_title(site: Site, tmp_path: Path) -> None:
    bib = tmp_path / "mine.bib"
    bib.write_text("@article{mine2020,\n  title = {A Title Only The Author Wrote},\n"
                   f"  author = {{Roe, Richard}},\n  year = {{2020}},\n"
                   f"  doi = {{{IMPORTED_ONLY}}}\n}}\n", encoding="utf-8")
    import_files(read_files([bib]), sessions=site.service.sessions)
    text = ("# Surveys\n\nHalf of the people asked said so [1].\n\n## References\n\n"
            f"1. Roe R. A title only the author wrote. 2020. doi:{IMPORTED_ONLY}\n")
    with site.client() as client:
        article = submit(client, name="imported.md", text=text)
    with signed_in(site) as browser:
        page = browser.get(f"/articles/{article['id']}")
    [reference] = article["references"]
    assert reference["status"] == "not-found" and reference["doi"] == IMPORTED_ONLY
    # The registry has no such work: nothing of the .bib may pass for its metadata.
    assert (reference["title"], reference["work"], reference["year"]) == (None, None, None)
    assert page.status_code == 200 and "Half of the people asked" in page.text
    assert "A Title Only The Author Wrote" not in page.text
    assert _findings(article, "doi-not-found")
