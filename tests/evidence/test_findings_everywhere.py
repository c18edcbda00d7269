"""One article, one set of findings: `evidence check --format json`, `GET /api/articles/{id}`
and the article page give the same findings, claim statuses and suppression reasons.

The articles are the examples (examples/README.md), an article written here with inline
suppressions, and the seed (../shared, skipped when it is not beside the repository). Their
two works are served from records built from the examples' reference list
(tests/fixtures/article-records/README.md), by one stand-in Crossref for the CLI and the
service alike.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from evidence.cli import main
from tests.evidence.web.helpers import signed_in
from tests.evidence.web.site import Site, running_site

EXAMPLES = Path(__file__).parents[2] / "examples"
SEED = Path(__file__).parents[3] / "shared" / "seed" / "physical-therapy-spine-pain.txt"
RECORDS = Path(__file__).parents[1] / "fixtures" / "article-records"
HAYDEN = "10.1002/14651858.cd009790.pub2"
KREINER = "10.1016/j.spinee.2020.04.006"

SUPPRESSED = f"""\
# Walking and back pain

<!-- evidence: ignore unsupported-claim: the authors' own cohort, described below -->
Studies show that walking for 30 minutes a day halves the risk of new back pain in 60% of adults.

Most people with back pain are better within six weeks. ON_ITS_LINE

Exercise therapy reduces pain in chronic low back pain [1].

Nine in ten patients return to work within a month of starting physical therapy.

<!-- evidence: ignore weak-support -->

## References

1. Hayden JA, Ellis J, Ogilvie R, Malmivaara A, van Tulder MW. Exercise therapy for chronic
   low back pain. Cochrane Database Syst Rev. 2021;9:CD009790. doi:{HAYDEN}
<!-- evidence: ignore uncited-reference: cited in the appendix -->
2. Kreiner DS, Matz P, Bono CM, et al. Guideline summary review: an evidence-based clinical
   guideline for the diagnosis and treatment of low back pain. Spine J. 2020;20(7):998-1024.
   doi:{KREINER}
""".replace("ON_ITS_LINE", "<!-- evidence: ignore unsupported-claim: common knowledge -->")
"""Two claims set aside inline (one by a line of its own, one on its line), an uncited
reference suppressed, a suppression without a reason (which suppresses nothing), and one
claim left unsupported."""

FORMATS = {".txt": "text", ".md": "markdown", ".html": "html"}


def _articles(tmp_path: Path) -> list[tuple[Path, Path | None]]:
    """Each article to check, with the bibliography it names (the .md names the .bib)."""
    written = tmp_path / "walking.md"
    written.write_text(SUPPRESSED, encoding="utf-8")
    articles: list[tuple[Path, Path | None]] = [
        (EXAMPLES / "spine-pain.txt", None), (EXAMPLES / "spine-pain.md", EXAMPLES /
                                              "spine-pain.bib"),
        (EXAMPLES / "spine-pain.html", None), (written, None)]
    if SEED.exists():
        articles.append((SEED, None))
    return articles


def _works() -> dict[str, dict[str, Any]]:
    found = {}
    for path in RECORDS.glob("*.json"):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        found[message["DOI"].lower()] = message
    return found


def _cli_check(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    capsys.readouterr()
    code = main(["check", path.name, "--format", "json", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert code == 0, out
    report: dict[str, Any] = json.loads(out)
    return report


def _what_the_cli_says(report: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    (article,) = report["articles"]
    findings = [(f["rule"], f["severity"], f["path"], f["line"], f["message"])
                for f in report["findings"]]
    claims = [(c["line"], c["text"], c["status"], c["suppressed"]) for c in article["claims"]]
    return findings, claims


def _what_the_api_says(article: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    findings = [(f["rule"], f["severity"], f["path"], f["line"], f["message"])
                for f in article["findings"]]
    claims = [(c["line"], c["text"], c["status"], c["suppressed"]) for c in article["claims"]]
    return findings, claims


_FINDING = re.compile(
    r'<li class="finding sev-(\w+)">.*?<code>([\w-]+)</code> line (\d+): (.*?)</li>', re.S)
_CLAIM = re.compile(r'id="claim-(\d+)".*?data-status="([a-z-]+)"', re.S)


def _what_the_page_says(page: str) -> tuple[list[Any], dict[int, str]]:
    findings = [(rule, severity, int(line), html.unescape(message))
                for severity, rule, line, message in _FINDING.findall(page)]
    return findings, {int(i): status for i, status in _CLAIM.findall(page)}


def _submit(site: Site, path: Path, bib: Path | None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": path.name, "text": path.read_text(encoding="utf-8"),
                            "format": FORMATS[path.suffix]}
    if bib is not None:
        body["bibliography"] = bib.read_text(encoding="utf-8")
    with site.client(role="editor") as client:
        created = client.post("/api/articles", json=body)
        assert created.status_code in (200, 201), created.text
        read = client.get(f"/api/articles/{created.json()['id']}", params={"limit": 10_000})
    assert read.status_code == 200, read.text
    article: dict[str, Any] = read.json()
    return article


def test_the_cli_the_api_and_the_page_give_the_same_findings(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    articles = _articles(tmp_path)
    with running_site(db_url, extra_works=_works()) as site:
        crossref = site.service.settings.crossref_url
        monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", crossref)
        monkeypatch.setenv("EVIDENCE_DOI_URL", f"{crossref}/doi")
        monkeypatch.setenv("EVIDENCE_MAILTO", "tests@example.org")
        for path, _ in articles:
            monkeypatch.chdir(path.parent)
            cli = _what_the_cli_says(_cli_check(capsys, path))
            stored = _submit(site, path, _)
            api = _what_the_api_says(stored)
            with signed_in(site) as browser:
                page = browser.get(f"/articles/{stored['id']}", params={"limit": 10_000})
            assert page.status_code == 200
            shown, statuses = _what_the_page_says(page.text)

            assert cli[0], path.name  # every one of them has findings to compare
            assert api == cli, path.name
            assert shown == [(rule, severity, line, message)
                             for rule, severity, _, line, message in cli[0]], path.name
            assert [statuses[c["id"]] for c in stored["claims"]] == [s for _, _, s, _ in cli[1]]
            if path.name == "walking.md":
                reasons = [(line, why) for line, _, status, why in cli[1] if why]
                assert reasons == [(4, "the authors' own cohort, described below"),
                                   (6, "common knowledge")]
                assert "uncited-reference" not in {rule for rule, *_ in cli[0]}


def test_an_editor_may_take_back_what_an_inline_suppression_set_aside(db_url: str) -> None:
    with running_site(db_url, extra_works=_works()) as site, site.client() as client:
        created = client.post("/api/articles", json={
            "name": "walking.md", "text": SUPPRESSED, "format": "markdown"}).json()
        before = client.get(f"/api/articles/{created['id']}").json()
        (aside,) = [c for c in before["claims"] if c["suppressed"] == "common knowledge"]
        assert aside["status"] == "no-source-needed"
        taken_back = client.put(f"/api/claims/{aside['id']}/no-source",
                                json={"reason": None, "version": aside["version"]})
        assert taken_back.status_code == 200, taken_back.text
        after = client.get(f"/api/articles/{created['id']}").json()
    (claim,) = [c for c in after["claims"] if c["id"] == aside["id"]]
    assert (claim["status"], claim["suppressed"]) == ("unsupported", None)
    # The editor's word stands over the comment in the text; the other suppressions hold.
    lines = {(f["rule"], f["line"]) for f in after["findings"]}
    assert ("unsupported-claim", aside["line"]) in lines
    assert not {rule for rule, _ in lines} & {"uncited-reference"}
