"""The result of checking articles: what the reports render and the JSON contract carries.

Shapes follow DESIGN.md's ``--format json``; the store and the web service build the same
records, so every output speaks of one thing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidence.findings import Finding
from evidence.vocabulary import BIBLIOGRAPHY_FORMATS, ArticleFormat, How, ReferenceStatus
from refs import Work

if TYPE_CHECKING:
    from refs.match import Mismatch

__all__ = [
    "ArticleResult",
    "CheckResult",
    "ClaimResult",
    "How",
    "ReferenceResult",
    "ReferenceStatus",
    "SourceLink",
    "UnknownCitation",
]


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A claim's link to one reference of its article."""

    reference: int  # index into ArticleResult.references
    doi: str | None
    how: How
    score: float | None = None
    marker: str | None = None  # the marker as written, for `how == "marker"`
    why: str | None = None  # for `how == "inferred"`: what made the linker pick it


@dataclass(frozen=True, slots=True)
class ClaimResult:
    text: str
    line: int
    needs_support: bool
    reasons: tuple[str, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    suppressed: str | None = None  # the reason given in an inline suppression
    score: float | None = None  # the claim model's score; None when an exemption decided
    place: str | None = None  # "page 2, line 14" where the file has no lines (Word, PDF)


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    text: str
    line: int
    doi: str | None  # the resolved or matched DOI, else the written one
    status: ReferenceStatus
    work: Work | None = None
    written_doi: str | None = None
    confidence: float | None = None  # for `matched`
    reason: str | None = None  # why unverified / not found / invalid
    key: str | None = None  # citation key or label
    mismatches: tuple[Mismatch, ...] = ()  # written details that disagree with the registry
    path: str | None = None  # where it is written, when not in the article (a .bib file)
    place: str | None = None  # "page 2, line 14" where the file has no lines (Word, PDF)

    @property
    def title(self) -> str | None:
        return self.work.title if self.work else None

    @property
    def retracted(self) -> bool:
        return bool(self.work and self.work.retracted)


@dataclass(frozen=True, slots=True)
class UnknownCitation:
    """A marker target that names no reference of the article."""

    marker: str
    target: str
    line: int
    place: str | None = None  # "page 2, line 14" where the file has no lines (Word, PDF)


@dataclass(frozen=True, slots=True)
class ArticleResult:
    path: str
    title: str | None
    claims: tuple[ClaimResult, ...]
    references: tuple[ReferenceResult, ...]
    format: ArticleFormat = ArticleFormat.TEXT
    unknown_citations: tuple[UnknownCitation, ...] = ()
    suppressions: tuple[tuple[int, str, str], ...] = ()  # (line, rule, reason) written inline

    @property
    def is_bibliography(self) -> bool:
        """A bibliography checked on its own (``evidence check refs.bib``): nothing cites."""
        return self.format in BIBLIOGRAPHY_FORMATS


@dataclass(frozen=True, slots=True)
class CheckResult:
    articles: tuple[ArticleResult, ...]
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())  # run-level notes, e.g. how to warm the store

    def summary(self) -> dict[str, int]:
        by_severity = Counter(f.severity.value for f in self.findings)
        by_rule = Counter(f.rule for f in self.findings)
        claims = [c for a in self.articles for c in a.claims]
        return {
            "articles": len(self.articles),
            "sentences": len(claims),
            "claims": sum(c.needs_support for c in claims),
            "supported": sum(bool(c.needs_support and c.sources) for c in claims),
            "references": sum(len(a.references) for a in self.articles),
            "errors": by_severity["error"],
            "warnings": by_severity["warning"],
            "notes": by_severity["note"],
            **{f"rule:{rule}": count for rule, count in sorted(by_rule.items())},
        }
