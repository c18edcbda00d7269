"""Every format renders the same result, parses, and says what the design promises."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from evidence.audit.baseline import fingerprint
from evidence.audit.findings import DEFAULT_SEVERITY, Finding, Severity
from evidence.errors import InputError
from evidence.report import FORMATS, render
from evidence.report.describe import link_label
from evidence.report.sarif import artifact_uri
from evidence.results import CheckResult, SourceLink
from evidence.vocabulary import How
from tests.evidence.audit import samples
from tests.evidence.audit.samples import RETRACTED_DOI, spine_result


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return spine_result()


def test_every_design_format_is_there() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "github", "html"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_an_empty_run(fmt: str) -> None:
    out = render(CheckResult(articles=()), fmt)
    assert out.endswith("\n") and out.strip()


def test_unknown_format_is_an_input_error(result: CheckResult) -> None:
    with pytest.raises(InputError, match="yaml"):
        render(result, "yaml")


# --- json --------------------------------------------------------------------------------


def test_json_has_the_design_shape(result: CheckResult) -> None:
    data = json.loads(render(result, "json"))
    assert data["version"] == 1
    [article] = data["articles"]
    assert {"path", "title", "claims", "references"} <= set(article)
    for claim in article["claims"]:
        assert {"text", "line", "needs_support", "sources"} <= set(claim)
        for source in claim["sources"]:
            assert {"doi", "how", "score"} <= set(source)
            assert source["how"] in ("marker", "inferred", "editor")
    for ref in article["references"]:
        assert {"text", "line", "doi", "status", "title", "retracted"} <= set(ref)
    for finding in data["findings"]:
        assert {"rule", "severity", "path", "line", "message"} <= set(finding)
    assert data["summary"] == result.summary()


def test_json_carries_what_a_program_needs(result: CheckResult) -> None:
    data = json.loads(render(result, "json"))
    refs = {r["doi"]: r for r in data["articles"][0]["references"]}
    assert refs[RETRACTED_DOI]["retracted"] is True
    assert refs[RETRACTED_DOI]["title"].startswith("Retracted: Evil Genius?")
    assert refs[RETRACTED_DOI]["updates"][0]["doi"] == "10.1177/09567976231187595"
    related = data["articles"][0]["claims"][4]
    assert related["sources"] == [{"doi": "10.1371/journal.pone.0033693", "how": "inferred",
                                   "score": 0.62, "reference": 2, "marker": None, "why": None}]
    assert related["status"] == "related"


# --- sarif -------------------------------------------------------------------------------


def test_sarif_has_the_required_keys(result: CheckResult) -> None:
    log = json.loads(render(result, "sarif"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "evidence" and driver["version"] and driver["informationUri"]
    assert [r["id"] for r in driver["rules"]] == list(DEFAULT_SEVERITY)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(result.findings)
    for item, finding in zip(run["results"], result.findings, strict=True):
        assert item["ruleId"] == finding.rule and item["level"] == finding.severity.value
        assert item["message"]["text"] == finding.message
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "docs/spine.md"
        assert location["region"]["startLine"] == finding.line
        assert item["partialFingerprints"]["evidence/v1"] == fingerprint(finding)
        assert driver["rules"][item["ruleIndex"]]["id"] == finding.rule


@pytest.mark.parametrize(
    ("path", "uri"),
    [("docs/a b.md", "docs/a%20b.md"), ("./docs/x.md", "docs/x.md"),
     ("docs\\win\\x.md", "docs/win/x.md")],
    ids=["space", "dot", "backslash"],
)
def test_sarif_uris_are_relative_with_forward_slashes(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


# --- junit -------------------------------------------------------------------------------


def test_junit_parses_and_counts(result: CheckResult) -> None:
    root = ET.fromstring(render(result, "junit"))
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "docs/spine.md"
    cases = suite.findall("testcase")
    # 5 claims needing support, 4 references, and one own case for the unknown marker
    assert len(cases) == 10 and suite.get("tests") == "10"
    failures = suite.findall("testcase/failure")
    at_least_warning = [f for f in result.findings if f.severity is not Severity.NOTE]
    assert len(failures) == len(at_least_warning)
    assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))
    assert root.get("failures") == suite.get("failures")
    outs = "".join(o.text or "" for o in suite.iter("system-out"))
    assert "uncited-reference" in outs and "reference-without-doi" in outs


def test_junit_escapes_markup_and_control_characters() -> None:
    finding = Finding(rule="unsupported-claim", severity=Severity.ERROR, path="a&b.md", line=1,
                      message='<b>"quoted"</b> & \x0c form feed', subject="x")
    root = ET.fromstring(render(CheckResult(articles=(), findings=(finding,)), "junit"))
    failure = root.find(".//failure")
    assert failure is not None
    assert failure.get("message") == '<b>"quoted"</b> & \ufffd form feed'


# --- github ------------------------------------------------------------------------------


def test_github_commands_use_the_severity_names(result: CheckResult) -> None:
    lines = render(result, "github").splitlines()
    commands = [line for line in lines if line.startswith("::") and "file=" in line]
    assert len(commands) == len(result.findings)
    kinds = {line.split(" ", 1)[0] for line in commands}
    assert kinds == {"::error", "::warning", "::notice"}
    assert "::error file=docs/spine.md,line=21,title=retracted-source::" in "\n".join(lines)


def test_github_escapes_data_and_properties() -> None:
    finding = Finding(rule="doi-invalid", severity=Severity.ERROR, path="docs/a,b:c%.md",
                      line=3, message="100% wrong\r\nsecond line: a, b", subject="x")
    [line, _summary] = render(CheckResult(articles=(), findings=(finding,)), "github").splitlines()
    assert line == ("::error file=docs/a%2Cb%3Ac%25.md,line=3,title=doi-invalid::"
                    "100%25 wrong%0D%0Asecond line: a, b")


# --- text --------------------------------------------------------------------------------


def test_text_lists_claims_references_findings_and_summary(result: CheckResult) -> None:
    out = render(result, "text")
    assert "related, score 0.62" in out and "supports" not in out
    assert "resolved, RETRACTED 10.1177/0956797614520714" in out
    assert "docs/spine.md:9: warning unsupported-claim: claim without a source" in out
    assert out.rstrip().splitlines()[-1].startswith("1 article, 5 claims needing a source")
    assert "\x1b[" not in out


@pytest.mark.parametrize(("severities", "said"), [
    ((), "no findings"),
    ((Severity.WARNING,) * 4, "4 findings (4 warnings)"),
    ((Severity.NOTE, Severity.ERROR, Severity.WARNING, Severity.NOTE),
     "4 findings (1 error, 1 warning, 2 notes)"),
], ids=["none", "warnings", "each"])
def test_the_summary_counts_findings_as_findings_beside_the_runs_notes(
    severities: tuple[Severity, ...], said: str,
) -> None:
    """The run's notes ("note: ...") are no findings: the summary line below them says
    "findings" and never "0 notes" (which read as if the lines above did not count)."""
    findings = tuple(Finding(rule="unsupported-claim", severity=severity, path="a.md",
                             line=n + 1, message="m") for n, severity in enumerate(severities))
    result = CheckResult(articles=(), findings=findings,
                         notes=("some references could not be verified",))
    out = render(result, "text").rstrip().splitlines()
    assert out[-2:] == ["note: some references could not be verified",
                        f"0 articles, 0 claims needing a source (0 cited, 0 only related, "
                        f"0 unsupported), 0 references; {said}"]
    assert out[-1] in render(result, "html") and out[-1] in render(result, "github")


def test_a_bibliography_checked_on_its_own_is_no_article_with_no_claims() -> None:
    refs = (samples.ref("Roe R. A study. 2020. doi:10.5555/a", 4),
            samples.ref("Poe P. Another. 2021.", 9))
    alone = CheckResult(articles=(replace(samples.article(references=refs), path="refs.bib",
                                          format="bibtex"),))
    both = CheckResult(articles=(*alone.articles, spine_result().articles[0]))
    assert render(alone, "text").rstrip().splitlines()[-1] == (
        "1 bibliography, 2 references; no findings")
    assert render(both, "text").rstrip().splitlines()[-1].startswith(
        "1 article and 1 bibliography, 5 claims needing a source")


def test_text_colour_only_when_asked(result: CheckResult) -> None:
    out = render(result, "text", color=True)
    assert "\x1b[31merror\x1b[0m" in out


def test_text_neutralises_terminal_escapes_from_articles() -> None:
    finding = Finding(rule="unsupported-claim", severity=Severity.WARNING, path="a.md", line=2,
                      message="claim \x1b[2J“wipe”\nsecond line", subject="x")
    out = render(CheckResult(articles=(), findings=(finding,)), "text")
    assert "\x1b" not in out
    assert "a.md:2: warning unsupported-claim: claim [2J“wipe” second line" in out


def test_an_inferred_links_label_says_why_and_that_it_is_not_confirmed() -> None:
    link = SourceLink(reference=0, doi=None, how=How.INFERRED, score=0.71,
                      why="shares the words telomerase, planarian; the paragraph is about it")
    assert link_label(link) == ("related, score 0.71 (inferred, not confirmed: shares the words "
                                "telomerase, planarian; the paragraph is about it)")
    bare = SourceLink(reference=0, doi=None, how=How.INFERRED, score=None)
    assert link_label(bare) == "related (inferred, not confirmed)"


def test_an_html_markers_label_shows_its_words_not_its_markup() -> None:
    """An HTML marker is kept as written (``Marker.text``); a report shows what a reader saw."""
    sup = SourceLink(reference=1, doi=None, how=How.MARKER, score=None,
                     marker='<sup><a href="#ref2">2</a></sup>')
    assert link_label(sup) == "cited 2"
    plain = SourceLink(reference=0, doi=None, how=How.MARKER, score=None, marker="[@a, p. 3]")
    assert link_label(plain) == "cited [@a, p. 3]"


def test_the_html_report_shows_no_text_reordered() -> None:
    from dataclasses import replace

    result = spine_result()
    article = result.articles[0]
    cited = replace(article.claims[1], text="Plans pay for \u2066\u202eevil\u202c\u2069 care.")
    claims = (article.claims[0], cited, *article.claims[2:])
    spoofed = replace(result, articles=(replace(article, claims=claims),))
    page = render(spoofed, "html")
    assert "Plans pay for evil care." in page
    assert not {"\u202c", "\u202e", "\u2066", "\u2069"} & set(page)
