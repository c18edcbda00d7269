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
from evidence.results import ArticleResult, CheckResult
from evidence.serialise import claim_json, finding_json, reference_json

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
        "findings": [finding_json(f) for f in result.findings],
        "summary": result.summary(),
        "notes": list(result.notes),
    }


def _article(article: ArticleResult) -> dict[str, Any]:
    return {
        "path": article.path,
        "title": article.title,
        "format": article.format,
        "claims": [claim_json(c) for c in article.claims],
        "references": [reference_json(r) for r in article.references],
        "unknown_citations": [
            {"marker": u.marker, "target": u.target, "line": u.line,
             "place": describe_place(u.line, u.place)}
            for u in article.unknown_citations
        ],
    }
