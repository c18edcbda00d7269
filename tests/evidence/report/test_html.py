from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from evidence.audit.findings import Severity
from evidence.audit.rules import audit
from evidence.report import render
from evidence.results import CheckResult
from evidence.vocabulary import ArticleFormat
from tests.evidence.audit.samples import article, claim, made_up, marker, ref, spine_result

SCRIPT = "<script>alert(1)</script>"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def hostile_result() -> CheckResult:
    work = made_up("xss.1", f"Exercise {SCRIPT} and <i>pain</i>")
    art = article(
        claims=(claim(f"Exercise helps {SCRIPT} [1].", 3, marker(0, "[1]", work.doi)),
                claim(f"Unsupported <img src=x onerror=alert(2)> 70% {SCRIPT}", 4)),
        references=(ref(f"[1] Tester. {SCRIPT}", 9, work=work),),
    )
    return CheckResult(articles=(art,), findings=tuple(audit(art)))


def test_html_escapes_article_and_registry_text() -> None:
    page = render(hostile_result(), "html")
    assert SCRIPT not in page and "<img" not in page and "<i>pain" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    found = tags(page)
    assert "script" not in found.tags and "img" not in found.tags
    assert not any(name.startswith("on") for name, _ in found.attrs)


def test_html_is_self_contained() -> None:
    page = render(spine_result(), "html")
    found = tags(page)
    assert "script" not in found.tags and "link" not in found.tags
    assert not any(name == "src" for name, _ in found.attrs)
    links = [value for name, value in found.attrs if name == "href"]
    assert links and all((value or "").startswith("https://doi.org/10.") for value in links)
    assert "<style>" in page


def test_html_dois_are_links_to_doi_org() -> None:
    result = spine_result()
    page = render(result, "html")
    found = tags(page)
    links = {value for name, value in found.attrs if name == "href"}
    dois = {r.doi for a in result.articles for r in a.references
            if r.doi and r.status != "invalid"}
    assert {f"https://doi.org/{doi}" for doi in dois} <= links


def test_html_shows_claim_badges_references_and_findings() -> None:
    page = render(spine_result(), "html")
    for label in ("supported by a citation", "related (inferred)", "unsupported"):
        assert f">{label}</span>" in page
    assert "resolved, RETRACTED" in page and "resolved, corrected" in page
    assert "<code>retracted-source</code>" in page
    assert "docs/spine.md:21" in page


def test_html_counts_say_one_article_not_one_articles() -> None:
    result = spine_result()
    assert len(result.articles) == 1
    page = render(result, "html")
    assert "<b>1</b>article</li>" in page and "<b>1</b>articles" not in page


def test_html_counts_findings_and_the_runs_notes_wrap_apart_from_them() -> None:
    sample = spine_result()
    result = replace(sample, notes=("some references could not be verified: " * 8,),
                     findings=tuple(f for f in sample.findings if f.severity is not Severity.NOTE))
    page = render(result, "html")
    summary = result.summary()
    assert summary["notes"] == 0 and summary["warnings"] > 0
    assert f"<b>{len(result.findings)}</b>findings</li>" in page
    assert f"<b>{summary['warnings']}</b>warnings</li>" in page
    assert "</b>notes</li>" not in page  # no "0 notes" tile beside the run's notes
    assert '<p class="run-note">note: some references' in page
    assert "white-space: nowrap" not in page.split(".run-note {", 1)[1].split("}", 1)[0]


def test_html_counts_a_bibliography_checked_on_its_own_as_the_summary_line_does() -> None:
    """The tiles under the summary line say what it says: a bibliography, no article with
    no claims."""
    refs = (ref("Roe R. A study. 2020. doi:10.5555/a", 4), ref("Poe P. Another. 2021.", 9))
    alone = CheckResult(articles=(replace(article(references=refs), path="refs.bib",
                                          format=ArticleFormat.BIBTEX),))
    page = render(alone, "html")
    assert "<p>1 bibliography, 2 references; no findings</p>" in page
    assert "<b>1</b>bibliography</li>" in page and "<b>2</b>references</li>" in page
    assert "</b>article" not in page and "claims needing a source" not in page
    assert "</b>cited</li>" not in page and "</b>unsupported</li>" not in page
    both = CheckResult(articles=(*alone.articles, spine_result().articles[0]))
    page = render(both, "html")
    assert "<b>1</b>article</li>" in page and "<b>1</b>bibliography</li>" in page
    assert "claims needing a source</li>" in page
