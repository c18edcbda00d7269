"""``--format json``: the shape DESIGN.md promises, with a few extra keys inside objects.

Every key the design lists is always present (``null`` when unknown); extra keys carry what
a program may want besides (claim reasons, reference confidence and mismatches, and `place`:
where a claim, reference or finding stands in words, "line 12", or for Word and PDF files
"paragraph 7", "table 1, row 2, cell 1", "page 2, line 14").
"""

from __future__ import annotations

import json
from typing import Any

from evidence.articles.places import describe_place
from evidence.audit.baseline import fingerprint
from evidence.audit.findings import Finding
from evidence.report.describe import claim_status
from evidence.results import ArticleResult, CheckResult, ClaimResult, ReferenceResult, SourceLink
from evidence.serialise import update_json, work_json

__all__ = ["JSON_VERSION", "render", "to_dict"]

JSON_VERSION = 1


def render(result: CheckResult, *, color: bool = False) -> str:
    """The result as JSON text (``color`` is ignored)."""
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"


def to_dict(result: CheckResult) -> dict[str, Any]:
    """The result as plain JSON values."""
    return {
        "version": JSON_VERSION,
        "articles": [_article(a) for a in result.articles],
        "findings": [_finding(f) for f in result.findings],
        "summary": result.summary(),
        "notes": list(result.notes),
    }


def _article(article: ArticleResult) -> dict[str, Any]:
    return {
        "path": article.path,
        "title": article.title,
        "format": article.format,
        "claims": [_claim(c) for c in article.claims],
        "references": [_reference(r) for r in article.references],
        "unknown_citations": [
            {"marker": u.marker, "target": u.target, "line": u.line,
             "place": describe_place(u.line, u.place)}
            for u in article.unknown_citations
        ],
    }


def _claim(claim: ClaimResult) -> dict[str, Any]:
    return {
        "text": claim.text,
        "line": claim.line,
        "place": describe_place(claim.line, claim.place),
        "needs_support": claim.needs_support,
        "score": None if claim.score is None else round(claim.score, 3),
        "sources": [_source(s) for s in claim.sources],
        "status": claim_status(claim),
        "reasons": list(claim.reasons),
        "suppressed": claim.suppressed,
    }


def _source(link: SourceLink) -> dict[str, Any]:
    source = {
        "doi": link.doi,
        "how": link.how,
        "score": link.score,
        "reference": link.reference,
        "marker": link.marker,
    }
    if link.why is not None:  # inferred links: what made the linker pick the reference
        source["why"] = link.why
    return source


def _reference(ref: ReferenceResult) -> dict[str, Any]:
    work = ref.work
    return {
        "text": ref.text,
        "line": ref.line,
        "place": describe_place(ref.line, ref.place),
        "doi": ref.doi,
        "status": ref.status,
        "title": ref.title,
        "retracted": ref.retracted,
        "corrected": bool(work and work.corrected),
        "written_doi": ref.written_doi,
        "confidence": ref.confidence,
        "reason": ref.reason,
        "key": ref.key,
        "path": ref.path,
        "year": work.year if work else None,
        "updates": [update_json(u) for u in (work.updates if work else ())],
        "mismatches": [
            {"field": m.field, "written": _plain(m.written), "registry": _plain(m.registry)}
            for m in ref.mismatches
        ],
        "work": work_json(work) if work is not None else None,  # as `resolve --json` gives it
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "place": describe_place(finding.line, finding.place),
        "message": finding.message,
        "column": finding.column,
        "subject": finding.subject,
        "fingerprint": fingerprint(finding),
    }


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
