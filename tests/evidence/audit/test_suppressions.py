from __future__ import annotations

import pytest

from evidence.audit.findings import Finding, Severity
from evidence.audit.suppressions import (
    Suppression,
    apply_suppressions,
    blank_suppressions,
    find_suppressions,
    suppression_problems,
)


def finding(rule: str, line: int, path: str = "a.md") -> Finding:
    return Finding(rule=rule, severity=Severity.WARNING, path=path, line=line, message="m",
                   subject="s")


@pytest.mark.parametrize(
    ("line", "rule", "reason"),
    [
        ("Most people recover. <!-- evidence: ignore unsupported-claim: common knowledge -->",
         "unsupported-claim", "common knowledge"),
        ("<!--evidence:ignore weak-support:checked by hand-->", "weak-support", "checked by hand"),
        ("# evidence: ignore uncited-reference: cited in the appendix", "uncited-reference",
         "cited in the appendix"),
        ("Text. evidence: ignore unsupported-claim: a definition", "unsupported-claim",
         "a definition"),
        ("<!-- note: evidence: ignore unsupported-claim: why not -->", "unsupported-claim",
         "why not"),
    ],
    ids=["html-trailing", "html-tight", "hash", "plain", "inside-a-longer-comment"],
)
def test_find_suppressions_reads_each_form(line: str, rule: str, reason: str) -> None:
    [found] = find_suppressions(f"Title\n\n{line}\n")
    assert (found.line, found.rule, found.reason) == (3, rule, reason)


def test_a_suppression_alone_applies_to_the_next_text_line() -> None:
    text = "Intro.\n<!-- evidence: ignore unsupported-claim: common knowledge -->\n\nClaim.\n"
    [found] = find_suppressions(text)
    assert (found.line, found.target) == (2, 4)


def test_a_trailing_suppression_applies_to_its_own_line_only() -> None:
    [found] = find_suppressions("Claim. <!-- evidence: ignore unsupported-claim: known -->\nNext")
    assert (found.line, found.target) == (1, 1)


def test_several_rules_in_one_suppression() -> None:
    found = find_suppressions("# evidence: ignore weak-support, uncited-reference: checked\n")
    assert [(s.rule, s.reason) for s in found] == [("weak-support", "checked"),
                                                   ("uncited-reference", "checked")]


def test_apply_suppressions_keeps_what_is_not_covered() -> None:
    text = ("<!-- evidence: ignore unsupported-claim: common knowledge -->\n"
            "Claim one.\n"
            "Claim two.\n")
    findings = [finding("unsupported-claim", 2), finding("unsupported-claim", 3),
                finding("weak-support", 2)]
    kept, suppressed = apply_suppressions(findings, find_suppressions(text))
    assert kept == [findings[1], findings[2]]
    assert [(f.line, s.reason) for f, s in suppressed] == [(2, "common knowledge")]


def test_a_suppression_without_reason_suppresses_nothing_and_is_a_problem() -> None:
    found = find_suppressions("Claim. <!-- evidence: ignore unsupported-claim -->\n")
    assert found == [Suppression(1, "unsupported-claim", "", 1)]
    kept, suppressed = apply_suppressions([finding("unsupported-claim", 1)], found)
    assert len(kept) == 1 and suppressed == []
    [problem] = suppression_problems(found, "a.md")
    assert problem.startswith("a.md:1:") and "gives no reason" in problem


def test_unknown_rules_and_missing_rules_are_problems() -> None:
    found = find_suppressions("# evidence: ignore no-such-rule: because\n# evidence: ignore\n")
    problems = suppression_problems(found)
    assert len(problems) == 2
    assert "no such rule" in problems[0] and "names no rule" in problems[1]


def test_suppressions_apply_only_to_their_own_file_when_told() -> None:
    found = find_suppressions("# evidence: ignore uncited-reference: shared bibliography\n")
    bib = finding("uncited-reference", 1, path="refs.bib")
    kept, _ = apply_suppressions([bib], found, path="a.md")
    assert kept == [bib]
    kept, _ = apply_suppressions([finding("uncited-reference", 1)], found, path="a.md")
    assert kept == []


def test_prose_mentioning_evidence_is_not_a_suppression() -> None:
    assert find_suppressions("The evidence: ignoring it is risky.\nWe found evidence.\n") == []


def test_a_suppression_shown_in_inline_code_is_an_example_not_a_directive() -> None:
    """Docs that say how to suppress (this README does) are checked too: a suppression in
    backticks is shown, not meant, and stays part of its sentence."""
    text = ("In plain text, `evidence: ignore RULE: reason` works the same way.\n"
            "Write ``<!-- evidence: ignore unsupported-claim: why -->`` in Markdown.\n"
            "A claim. <!-- evidence: ignore unsupported-claim: common knowledge --> `code`\n")
    found = find_suppressions(text)
    assert [(s.line, s.rule, s.reason) for s in found] == [
        (3, "unsupported-claim", "common knowledge")]
    assert suppression_problems(found) == []
    blanked = blank_suppressions(text).split("\n")
    assert blanked[:2] == text.split("\n")[:2]
    assert "evidence" not in blanked[2] and blanked[2].endswith("`code`")
    assert len(blanked[2]) == len(text.split("\n")[2])


def test_a_suppression_in_a_fenced_code_block_is_an_example_too() -> None:
    text = ("Suppress a claim like this:\n\n````markdown\n```\n"
            "<!-- evidence: ignore unsupported-claim: common knowledge -->\n````\n\n"
            "Most people recover. <!-- evidence: ignore unsupported-claim: said by all -->\n")
    found = find_suppressions(text)
    assert [(s.line, s.reason) for s in found] == [(8, "said by all")]
    blanked = blank_suppressions(text).split("\n")
    assert blanked[4] == "<!-- evidence: ignore unsupported-claim: common knowledge -->"
    assert blanked[7].rstrip() == "Most people recover."


def test_in_latex_backticks_are_quotation_marks_not_code() -> None:
    r"""``so'' quotes in LaTeX: a suppression between two of them is meant, and a line
    opening with three backticks is a quotation in a quotation, not a code fence."""
    text = ("A ``claim'' here. % evidence: ignore unsupported-claim: the ``usual'' view\n"
            "```Said', he said'' is nested.\n"
            "Another claim. % evidence: ignore unsupported-claim: common knowledge\n")
    assert [(s.line, s.reason) for s in find_suppressions(text, latex=True)] == [
        (1, "the ``usual'' view"), (3, "common knowledge")]
    # Read as Markdown, the first is inside inline code and the rest inside a fence.
    assert find_suppressions(text) == []
