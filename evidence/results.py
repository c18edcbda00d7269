"""The result of checking articles: what the reports render and the JSON contract carries.

Shapes follow DESIGN.md's ``--format json``; the store and the web service build the same
records, so every output speaks of one thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from evidence.findings import Finding
from evidence.vocabulary import (
    BIBLIOGRAPHY_FORMATS,
    ArticleFormat,
    ClaimStatus,
    How,
    ReferenceStatus,
    Verdict,
)
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
    "claim_status",
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
    verdict: Verdict = Verdict.UNREVIEWED  # an editor's word on it (stored links only)


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

    @property
    def status(self) -> ClaimStatus:
        return claim_status(self.needs_support, self.suppressed,
                            ((link.how, link.verdict) for link in self.sources))


def claim_status(
    needs_support: bool, set_aside: str | None, links: Iterable[tuple[str, str]]
) -> ClaimStatus:
    """How a claim stands: the one rule of the reports, the API and the pages.

    A marker, a hand-made link or a confirmed link supports it; an inferred link that is not
    rejected only makes it "related" (similarity is not support); a rejected link counts for
    nothing. A claim set aside as needing no source (an inline suppression, an editor's mark)
    is that unless a link supports it. ``links``: each link's (how, verdict).
    """
    live = [(how, verdict) for how, verdict in links if verdict != Verdict.REJECTED]
    if any(how != How.INFERRED or verdict == Verdict.CONFIRMED for how, verdict in live):
        return ClaimStatus.SUPPORTED
    if set_aside:
        return ClaimStatus.NO_SOURCE_NEEDED
    if not needs_support:
        return ClaimStatus.NOT_A_CLAIM
    return ClaimStatus.RELATED if live else ClaimStatus.UNSUPPORTED


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
