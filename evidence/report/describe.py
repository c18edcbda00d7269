"""Words every report uses for the same things, so that all formats say the same.

An inferred link is not support: a claim linked to a source only by the linker (shared words,
neighbouring citations, names) is "related", never "supported"; only a marker written by the
author or a link made by an editor is.
"""

from __future__ import annotations

from collections import Counter

from evidence.results import CheckResult, ClaimResult, ReferenceResult, SourceLink
from evidence.vocabulary import ClaimStatus
from evidence.wording import counted

__all__ = [
    "CLAIM_STATUS_LABEL",
    "ClaimStatus",
    "claim_counts",
    "claim_status",
    "link_label",
    "reference_label",
    "findings_count",
    "read_counts",
    "severities",
    "speaks_of_claims",
    "summary_line",
]

CLAIM_STATUS_LABEL: dict[ClaimStatus, str] = {
    ClaimStatus.SUPPORTED: "supported by a citation",
    ClaimStatus.RELATED: "related (inferred)",
    ClaimStatus.UNSUPPORTED: "unsupported",
    ClaimStatus.NO_SOURCE_NEEDED: "no source needed (suppressed)",
    ClaimStatus.NOT_A_CLAIM: "not a claim",
}


def claim_status(claim: ClaimResult) -> ClaimStatus:
    """What a claim rests on: a citation, only similar sources, or nothing (``claim.status``,
    the rule the API and the pages use too)."""
    return claim.status


def link_label(link: SourceLink) -> str:
    """``cited [2]``, ``linked by an editor`` or ``related, score 0.62 (inferred, not
    confirmed: shares the words ...)`` (never "supports"); the last says why when known."""
    score = f", score {link.score:.2f}" if link.score is not None else ""
    if link.how == "marker":
        marker = _marker_words(link.marker) if link.marker else ""
        return f"cited {marker}" if marker else "cited"
    if link.how == "editor":
        return "linked by an editor"
    why = f": {link.why}" if link.why else ""
    return f"related{score} (inferred, not confirmed{why})"


def _marker_words(marker: str) -> str:
    """A marker as a reader sees it: an HTML marker is kept as written, markup and all
    (``<sup><a href="#ref2">2</a></sup>``), which a report shows as ``2``."""
    if "<" not in marker and "&" not in marker:
        return marker
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(marker, "html.parser").get_text().split())


def reference_label(ref: ReferenceResult) -> str:
    """The reference's status in a few words, with its retraction or correction."""
    status = {
        "resolved": "resolved",
        "matched": "matched" + (f" (confidence {ref.confidence:.2f})"
                                if ref.confidence is not None else ""),
        "not-found": "DOI not found",
        "invalid": "invalid DOI",
        "unverified": "unverified",
        "no-doi": "no DOI",
    }[ref.status]
    if ref.retracted:
        status += ", RETRACTED"
    elif ref.work is not None and ref.work.corrected:
        status += ", corrected"
    return status


def claim_counts(result: CheckResult) -> dict[ClaimStatus, int]:
    """How many sentences of the run are in each claim status (sentences that make no claim
    count as ``not-a-claim`` even when they carry a citation)."""
    counts = Counter(
        claim_status(c) if c.needs_support else ClaimStatus.NOT_A_CLAIM
        for a in result.articles
        for c in a.claims
    )
    return {status: counts[status] for status in CLAIM_STATUS_LABEL}


def summary_line(result: CheckResult) -> str:
    """One line of counts: articles (and bibliographies checked on their own), claims,
    references and findings by severity. A run of bibliographies alone says nothing of
    claims: a bibliography has none to read."""
    summary = result.summary()
    claims = claim_counts(result)
    suppressed = claims[ClaimStatus.NO_SOURCE_NEEDED]
    articles, bibliographies = read_counts(result)
    with_claims = speaks_of_claims(articles, bibliographies)
    read = [counted(articles, "article")] if with_claims else []
    if bibliographies:
        read.append(counted(bibliographies, "bibliography", "bibliographies"))
    said_claims = (
        f"{counted(summary['claims'], 'claim')} needing a source "
        f"({claims[ClaimStatus.SUPPORTED]} cited, {claims[ClaimStatus.RELATED]} only related, "
        f"{claims[ClaimStatus.UNSUPPORTED]} unsupported"
        f"{f', {suppressed} suppressed' if suppressed else ''}), "
    ) if with_claims else ""
    return (
        f"{' and '.join(read)}, {said_claims}"
        f"{counted(summary['references'], 'reference')}; {findings_count(summary)}"
    )


def read_counts(result: CheckResult) -> tuple[int, int]:
    """The articles and the bibliographies checked on their own (which have no claims)."""
    bibliographies = sum(a.is_bibliography for a in result.articles)
    return len(result.articles) - bibliographies, bibliographies


def speaks_of_claims(articles: int, bibliographies: int) -> bool:
    """Whether a run's counts say articles and claims: not for bibliographies alone."""
    return bool(articles or not bibliographies)


def severities(summary: dict[str, int]) -> list[tuple[str, int]]:
    """The severities there are findings of, most severe first: ``[("warning", 2)]``."""
    return [(noun, summary[key]) for key, noun in
            (("errors", "error"), ("warnings", "warning"), ("notes", "note")) if summary[key]]


def findings_count(summary: dict[str, int]) -> str:
    """The findings by severity, those there are: ``3 findings (1 error, 2 warnings)``.

    Said as findings, and with no "0 notes": the run's own notes (``note: ...`` lines, how
    to warm the store, a file left out) are printed beside this line and are no findings.
    """
    present = severities(summary)
    if not present:
        return "no findings"
    total = sum(count for _, count in present)
    by_severity = ", ".join(counted(count, noun) for noun, count in present)
    return f"{counted(total, 'finding')} ({by_severity})"
