"""Findings: what the audit reports, with the rules and their default severities.

A check result carries its findings (``evidence.results``), so they sit beside the results,
below the audit that makes them; ``evidence.audit.findings`` names them too."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["DEFAULT_SEVERITY", "RULE_HELP", "Finding", "Severity"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


DEFAULT_SEVERITY: dict[str, Severity] = {
    "unsupported-claim": Severity.WARNING,
    "doi-not-found": Severity.ERROR,
    "doi-invalid": Severity.ERROR,
    "retracted-source": Severity.ERROR,
    "corrected-source": Severity.WARNING,
    "metadata-mismatch": Severity.WARNING,
    "reference-without-doi": Severity.NOTE,
    "duplicate-reference": Severity.WARNING,
    "uncited-reference": Severity.NOTE,
    "unknown-citation": Severity.ERROR,
    "weak-support": Severity.WARNING,
    "unverified-reference": Severity.WARNING,
}
"""The rules of DESIGN.md, in its order, with their default severities."""

RULE_HELP: dict[str, str] = {
    "unsupported-claim": "a sentence makes a claim that needs a source and has none",
    "doi-not-found": "the registry says the DOI does not exist",
    "doi-invalid": "the text is not a syntactically valid DOI",
    "retracted-source": "a cited work has been retracted",
    "corrected-source": "a cited work has a correction, erratum or expression of concern",
    "metadata-mismatch": "the reference as written disagrees with the registry",
    "reference-without-doi": "no DOI written",
    "duplicate-reference": "two references name the same work",
    "uncited-reference": "a reference no claim or marker points to",
    "unknown-citation": "a marker points to no reference",
    "weak-support": "a claim cites a source whose content seems unrelated to it",
    "unverified-reference": "the registry could not be asked: not a pass, not a failure",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that does not hold up, where it stands, and what to do about it."""

    rule: str
    severity: Severity
    path: str
    line: int
    message: str
    column: int | None = None
    subject: str = ""  # the claim or reference text: what a baseline recognises across edits
    place: str | None = None
    """Where it stands in words, for a file with no lines of its own (Word: ``"paragraph 7"``,
    PDF: ``"page 2, line 14"``); ``None`` where ``line`` is the file's own line."""
