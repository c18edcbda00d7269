"""``--format junit``: JUnit XML, for CI systems that show test reports.

One ``testsuite`` per article; one ``testcase`` per claim that needs a source and per
reference; each finding at error or warning severity is a ``failure`` of the test case it
is about (notes go to ``system-out``). Findings about nothing listed (an unknown marker)
get a test case of their own, so that no finding is lost.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from evidence.articles.places import describe_place
from evidence.audit.findings import Finding, Severity
from evidence.audit.rules import excerpt
from evidence.report.describe import claim_status, reference_label
from evidence.results import ArticleResult, CheckResult

__all__ = ["render"]

# XML 1.0 cannot carry most control characters at all, not even escaped; text from PDFs
# and word processors does carry them, so they are replaced before ElementTree sees them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Key = tuple[str, int, str]  # path, line, subject


def render(result: CheckResult, *, color: bool = False) -> str:
    """The result as a JUnit XML document (``color`` is ignored)."""
    root = ET.Element("testsuites", name="evidence")
    findings = list(result.findings)
    for article in result.articles:
        mine = [f for f in findings if _belongs(f, article)]
        findings = [f for f in findings if not _belongs(f, article)]
        root.append(_suite(article.path, _cases(article), mine))
    if findings:  # findings about no article of the run: kept, never dropped
        root.append(_suite("(other)", [], findings))
    _count(root, root.findall("testsuite"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _belongs(finding: Finding, article: ArticleResult) -> bool:
    return finding.path == article.path or any(
        r.path == finding.path and r.line == finding.line for r in article.references
    )


def _cases(article: ArticleResult) -> list[tuple[Key, str, str]]:
    """(key, name, classname) of each test case, claims first."""
    cases = []
    for claim in article.claims:
        if claim.needs_support:
            where = describe_place(claim.line, claim.place)
            name = f"{where}: claim “{excerpt(claim.text)}” ({claim_status(claim)})"
            cases.append(((article.path, claim.line, claim.text), name, f"{article.path}.claims"))
    for ref in article.references:
        path = ref.path or article.path
        where = describe_place(ref.line, ref.place)
        name = f"{where}: reference “{excerpt(ref.text)}” ({reference_label(ref)})"
        cases.append(((path, ref.line, ref.text), name, f"{article.path}.references"))
    return cases


def _suite(name: str, cases: list[tuple[Key, str, str]], findings: list[Finding]) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(name))
    elements: dict[Key, ET.Element] = {}
    for key, case_name, classname in cases:
        case = ET.SubElement(suite, "testcase", name=_clean(case_name), classname=_clean(classname))
        elements.setdefault(key, case)
    for finding in findings:
        found = elements.get((finding.path, finding.line, finding.subject))
        _attach(found if found is not None else _own_case(suite, name, finding), finding)
    return suite


def _own_case(suite: ET.Element, name: str, finding: Finding) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_clean(f"{name}.{finding.rule}"),
                         name=_clean(f"{describe_place(finding.line, finding.place)}: "
                                     f"{finding.rule}"))


def _attach(case: ET.Element, finding: Finding) -> None:
    where = f"{finding.path} ({finding.place})" if finding.place else (
        f"{finding.path}:{finding.line}")
    text = f"{where}: {finding.severity.value} {finding.rule}: "
    text += finding.message
    if finding.severity is Severity.NOTE:
        out = case.find("system-out")
        if out is None:
            out = ET.SubElement(case, "system-out")
            out.text = ""
        out.text = (out.text or "") + _clean(text) + "\n"
        return
    failure = ET.SubElement(case, "failure", type=finding.rule,
                            message=_clean(finding.message))
    failure.set("severity", finding.severity.value)
    failure.text = _clean(text)


def _count(root: ET.Element, suites: Iterable[ET.Element]) -> None:
    total = failures = 0
    for suite in suites:
        cases = suite.findall("testcase")
        failed = sum(1 for c in cases if c.find("failure") is not None)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += len(cases)
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
