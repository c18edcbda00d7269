"""What a user is shown of an article's audit: the one path from a check result (or the stored
state, editors' verdicts applied) to the findings every shell gives.

``evidence check``, ``GET /api/articles/{id}`` and the article page all call
:func:`audit_article`, so suppressions and configuration are applied in one place and the
three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from evidence.audit.findings import Finding
from evidence.audit.rules import Rule, audit
from evidence.audit.suppressions import Suppression, apply_suppressions, suppression_problems
from evidence.checkconfig import CheckConfig, apply_config
from evidence.results import ArticleResult

__all__ = ["ArticleAudit", "audit_article"]


@dataclass(frozen=True, slots=True)
class ArticleAudit:
    """An article's audit as its user sees it."""

    article: ArticleResult  # claims set aside by an inline suppression carry its reason
    findings: tuple[Finding, ...]  # suppressions and configuration applied
    suppressed: tuple[tuple[Finding, Suppression], ...]  # each with what silenced it
    problems: tuple[str, ...]  # suppressions that suppress nothing, and why


def audit_article(
    article: ArticleResult,
    suppressions: Sequence[Suppression],
    *,
    config: CheckConfig | None = None,
    rules: Iterable[Rule] | None = None,
) -> ArticleAudit:
    """The findings of ``article`` that its user sees.

    :param suppressions: those written in the article's text (``find_suppressions``); they
        apply to findings in the article's own file, not in a bibliography given with it.
    :param config: severities and rules turned off (``None``: as the rules say).
    """
    kept, suppressed = apply_suppressions(audit(article, rules), suppressions,
                                          path=article.path)
    if config is not None:
        kept = apply_config(kept, config)
    return ArticleAudit(article=_mark_suppressed(article, suppressed), findings=tuple(kept),
                        suppressed=tuple(suppressed),
                        problems=tuple(suppression_problems(suppressions, article.path)))


def _mark_suppressed(
    article: ArticleResult, suppressed: Sequence[tuple[Finding, Suppression]]
) -> ArticleResult:
    """Claims whose `unsupported-claim` finding an inline suppression silenced carry its
    reason, so that reports do not list them as unsupported after all."""
    reasons = {(f.line, f.subject): by.reason for f, by in suppressed
               if f.rule == "unsupported-claim"}
    if not reasons:
        return article
    claims = tuple(
        replace(c, suppressed=reasons[(c.line, c.text)]) if (c.line, c.text) in reasons else c
        for c in article.claims
    )
    return replace(article, claims=claims)
