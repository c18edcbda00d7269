"""Inline suppressions: ``evidence: ignore RULE: reason`` written in the article itself.

Forms (the reason is required; a suppression without one suppresses nothing and is
reported as a problem, so that "ignore" never becomes a silent habit)::

    <!-- evidence: ignore unsupported-claim: common knowledge -->   Markdown and HTML
    # evidence: ignore uncited-reference: cited in the appendix      plain text
    evidence: ignore weak-support, uncited-reference: checked by hand

On the line of the finding, or alone on a line before it (blank lines between are allowed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from evidence.audit.findings import DEFAULT_SEVERITY, Finding

__all__ = [
    "Suppression",
    "apply_suppressions",
    "blank_suppressions",
    "find_suppressions",
    "suppression_problems",
]

_SUPPRESSION = re.compile(
    r"(?P<open><!--\s*|#\s*)?evidence:\s*ignore\b\s*"
    r"(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)?"
    r"\s*(?::(?P<reason>.*?))?\s*(?(open)(?:-->|$)|(?:-->)?\s*$)",
    re.IGNORECASE,
)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
"""Inline code (Markdown's backticks): a suppression written there is shown, not meant
(documentation saying how to write one)."""


def _directives(line: str) -> list[re.Match[str]]:
    """The suppressions written on ``line``, less those inside inline code."""
    matches = list(_SUPPRESSION.finditer(line))
    if not matches or "`" not in line:
        return matches
    code = [span.span() for span in _CODE_SPAN.finditer(line)]
    return [m for m in matches if not any(start <= m.start() < end for start, end in code)]


@dataclass(frozen=True, slots=True)
class Suppression:
    """One rule ignored at one place, and why (``reason`` is empty when none was given)."""

    line: int  # where the suppression is written (1-based)
    rule: str
    reason: str
    target: int = 0  # the line it applies to besides its own (the next text line when alone)

    @property
    def valid(self) -> bool:
        return bool(self.reason) and self.rule in DEFAULT_SEVERITY

    def covers(self, finding: Finding) -> bool:
        return self.valid and finding.rule == self.rule and finding.line in (self.line, self.target)


def blank_suppressions(text: str) -> str:
    """``text`` with each suppression written in it turned to spaces, lines and offsets kept:
    plain text has no comments, and a directive must not be read as part of a sentence."""
    if "evidence" not in text.lower():
        return text  # the common case, without a regex pass over every line
    lines = text.split("\n")
    fenced = _fenced(lines)
    return "\n".join(line if n in fenced else _blanked(line) for n, line in enumerate(lines))


def _fenced(lines: list[str]) -> set[int]:
    """The indexes of the lines inside Markdown's fenced code blocks (fences included):
    a suppression there is shown, not meant, as in inline code."""
    inside: set[int] = set()
    fence = ""
    for index, line in enumerate(lines):
        found = _FENCE.match(line)
        if fence:
            inside.add(index)
            # closed by the same character, at least as many, and nothing after them
            if found and found[1].startswith(fence) and not line[found.end():].strip():
                fence = ""
        elif found:
            fence = found[1]
            inside.add(index)
    return inside


def _blanked(line: str) -> str:
    for match in reversed(_directives(line)):
        line = line[: match.start()] + " " * len(match[0]) + line[match.end():]
    return line


def find_suppressions(text: str, *, latex: bool = False) -> list[Suppression]:
    """Every suppression written in ``text``, in order, one per rule named.

    :param latex: the text is LaTeX, where backticks open quotations (````so''``), not code:
        Markdown's inline code and fences would hide a suppression quoting in its reason.
    """
    lines = text.splitlines()
    fenced = set() if latex else _fenced(lines)
    found: list[Suppression] = []
    for number, line in enumerate(lines, start=1):
        on_line = list(_SUPPRESSION.finditer(line)) if latex else _directives(line)
        for match in [] if number - 1 in fenced else on_line:
            alone = not (line[: match.start()] + line[match.end():]).strip()
            target = _next_text_line(lines, number) if alone else number
            reason = " ".join((match["reason"] or "").split())
            rules = [r.strip().lower() for r in (match["rules"] or "").split(",") if r.strip()]
            found.extend(Suppression(number, rule, reason, target) for rule in rules or [""])
    return found


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Iterable[Suppression], *, path: str | None = None
) -> tuple[list[Finding], list[tuple[Finding, Suppression]]]:
    """Findings kept, and those suppressed with the suppression that did it.

    ``path``: the file the suppressions were read from; findings in other files (a .bib given
    with the article) are then left alone.
    """
    active = [s for s in suppressions if s.valid]
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, Suppression]] = []
    for finding in findings:
        by = None if path not in (None, finding.path) else next(
            (s for s in active if s.covers(finding)), None)
        if by is None:
            kept.append(finding)
        else:
            suppressed.append((finding, by))
    return kept, suppressed


def suppression_problems(suppressions: Iterable[Suppression], path: str = "") -> list[str]:
    """What is wrong with the suppressions that suppress nothing, one line each."""
    where = f"{path}:" if path else "line "
    problems = []
    for s in suppressions:
        if not s.rule:
            problems.append(f"{where}{s.line}: `evidence: ignore` names no rule; write "
                            "`evidence: ignore RULE: reason`")
        elif s.rule not in DEFAULT_SEVERITY:
            problems.append(f"{where}{s.line}: `evidence: ignore {s.rule}`: no such rule "
                            f"(rules: {', '.join(DEFAULT_SEVERITY)})")
        elif not s.reason:
            problems.append(f"{where}{s.line}: `evidence: ignore {s.rule}` gives no reason, so "
                            f"it suppresses nothing; write `evidence: ignore {s.rule}: WHY`")
    return problems


def _next_text_line(lines: list[str], number: int) -> int:
    """The line after ``number`` (1-based) that holds something, else the very next one."""
    for later in range(number, len(lines)):
        if lines[later].strip():
            return later + 1
    return number + 1
