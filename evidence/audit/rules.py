"""The audit rules: one small function per rule of DESIGN.md, each turning an article's
check result into findings.

A rule is a callable ``(article) -> Iterable[Finding]`` with a ``name``; ``audit`` runs
``default_rules()`` (or the rules it is given) and sorts what they find. A new rule is a new
function decorated with ``@rule(NAME)``, never a new branch somewhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from evidence.audit.findings import DEFAULT_SEVERITY, Finding
from evidence.results import ArticleResult, ClaimResult, ReferenceResult
from refs import Update, clean_text

__all__ = [
    "UNASKED",
    "WEAK_SUPPORT_BELOW",
    "NamedRule",
    "Rule",
    "audit",
    "corrected_source",
    "default_rules",
    "doi_invalid",
    "doi_not_found",
    "duplicate_reference",
    "excerpt",
    "metadata_mismatch",
    "reference_without_doi",
    "retracted_source",
    "rule",
    "uncited_reference",
    "unknown_citation",
    "unsupported_claim",
    "unverified_reference",
    "weak_support",
    "weak_support_rule",
]

WEAK_SUPPORT_BELOW = 0.05
UNASKED = "could not ask the registry"
"""How an unverified reference's finding begins; ``evidence.matching`` begins the reason of an
unanswered match with it too, so the finding says it once."""
"""A marker link whose similarity score is below this is reported as weak support.

Low on purpose: the score is lexical similarity between a claim and what is known of the
source (title, abstract), and a claim may rightly cite a source it shares few words with.
Measured on SciFact dev (benchmarks/linking.py, the same data as the linker's weights): at
0.05 it flags 1.8% of right citations and catches 85% of mis-citations of a random abstract
(55% of a near one); 0.1 flagged 8% of right citations, too many for a check run in CI.
"""

Check = Callable[[ArticleResult], Iterable[Finding]]


class Rule(Protocol):
    """What ``audit`` runs: a named callable from an article to its findings."""

    @property
    def name(self) -> str: ...

    def __call__(self, article: ArticleResult) -> Iterable[Finding]: ...


@dataclass(frozen=True, slots=True)
class NamedRule:
    """A rule function with the name of the rule it reports."""

    name: str
    check: Check

    def __call__(self, article: ArticleResult) -> Iterable[Finding]:
        return self.check(article)


def rule(name: str) -> Callable[[Check], NamedRule]:
    """Decorator: make a function the check of the rule ``name`` (a rule of DESIGN.md)."""
    if name not in DEFAULT_SEVERITY:
        raise ValueError(f"unknown rule {name!r}")

    def wrap(check: Check) -> NamedRule:
        return NamedRule(name, check)

    return wrap


def audit(article: ArticleResult, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """All findings of ``rules`` (default: every rule), the article's own file first, by line."""
    chosen = default_rules() if rules is None else rules
    findings = [f for check in chosen for f in check(article)]
    return sorted(findings, key=lambda f: (f.path != article.path, f.path, f.line, f.rule))


def default_rules() -> list[Rule]:
    """Every rule of the design, in the design's order."""
    return [
        unsupported_claim,
        doi_not_found,
        doi_invalid,
        retracted_source,
        corrected_source,
        metadata_mismatch,
        reference_without_doi,
        duplicate_reference,
        uncited_reference,
        unknown_citation,
        weak_support,
        unverified_reference,
    ]


# --- claims ------------------------------------------------------------------------------


@rule("unsupported-claim")
def unsupported_claim(article: ArticleResult) -> Iterator[Finding]:
    for claim in article.claims:
        # A claim set aside (an editor's no-source mark) is not reported at all.
        if claim.needs_support and not claim.sources and not claim.suppressed:
            why = f" ({'; '.join(claim.reasons)})" if claim.reasons else ""
            yield _claim_finding(
                "unsupported-claim", article, claim,
                f"claim without a source{why}: {_quote(claim.text)}: add a citation or mark it "
                "as common knowledge",
            )


def weak_support_rule(below: float = WEAK_SUPPORT_BELOW) -> NamedRule:
    """The weak-support rule with its own threshold."""

    def check(article: ArticleResult) -> Iterator[Finding]:
        for claim in article.claims:
            for link in claim.sources:
                if link.how != "marker" or link.score is None or link.score >= below:
                    continue
                cited = link.marker or f"reference {link.reference + 1}"
                doi = f" ({link.doi})" if link.doi else ""
                yield _claim_finding(
                    "weak-support", article, claim,
                    f"{_quote(claim.text)} cites {cited}{doi}, which seems barely related to it "
                    f"(similarity {link.score:.2f}): check that the source says this",
                )

    return NamedRule("weak-support", check)


weak_support = weak_support_rule()


@rule("unknown-citation")
def unknown_citation(article: ArticleResult) -> Iterator[Finding]:
    for unknown in article.unknown_citations:
        yield _finding(
            "unknown-citation", article.path, unknown.line,
            f"marker {unknown.marker} points to no reference ({unknown.target!r} is not in the "
            "reference list): add the reference or correct the marker",
            subject=unknown.marker, place=unknown.place,
        )


# --- references: the registry's answer ---------------------------------------------------


@rule("doi-not-found")
def doi_not_found(article: ArticleResult) -> Iterator[Finding]:
    for ref in _with_status(article, "not-found"):
        why = f" ({ref.reason})" if ref.reason else ""
        yield _ref_finding(
            "doi-not-found", article, ref,
            f"DOI {_written_doi(ref)} does not exist in the registry{why}: check it for typos "
            "or replace it with the work's DOI",
        )


@rule("doi-invalid")
def doi_invalid(article: ArticleResult) -> Iterator[Finding]:
    for ref in _with_status(article, "invalid"):
        yield _ref_finding(
            "doi-invalid", article, ref,
            f"{_written_doi(ref)!r} is not a valid DOI ({ref.reason or 'not a DOI'}): correct "
            "it or remove it",
        )


@rule("unverified-reference")
def unverified_reference(article: ArticleResult) -> Iterator[Finding]:
    for ref in _with_status(article, "unverified"):
        what = f"DOI {ref.doi}" if ref.doi else "the reference"
        # The reason is a clause that may hold its own parentheses ("cannot connect (...; after
        # 2 tries)"): it follows a colon, never goes inside a second pair.
        reason = (ref.reason or "no answer").removeprefix(f"{UNASKED}: ")
        yield _ref_finding(
            "unverified-reference", article, ref,
            f"{UNASKED} about {what}: {reason}; not a pass, not a failure: run again online "
            "or with a warm store",
        )


@rule("reference-without-doi")
def reference_without_doi(article: ArticleResult) -> Iterator[Finding]:
    for ref in article.references:
        if ref.status == "matched" and ref.doi:
            yield _ref_finding(
                "reference-without-doi", article, ref,
                f"no DOI written; the registry's best match is {ref.doi}"
                f"{_confidence(ref)}: add it",
            )
        elif ref.status == "no-doi":
            best = f" (best match confidence {ref.confidence:.2f})" if ref.confidence else ""
            yield _ref_finding(
                "reference-without-doi", article, ref,
                f"no DOI written and no confident match in the registry{best}: add the DOI if "
                "the work has one",
            )


@rule("retracted-source")
def retracted_source(article: ArticleResult) -> Iterator[Finding]:
    # An error however the reference is linked: even a source linked only by inference
    # should not stand next to a claim once it has been retracted.
    for index, ref in enumerate(article.references):
        if ref.work is None or not ref.work.retracted:
            continue
        notices = [u for u in ref.work.updates if u.is_retraction]
        yield _ref_finding(
            "retracted-source", article, ref,
            f"{_work_name(ref)} has been retracted ({_notices(notices)}){_used_by(article, index)}"
            ": remove it, or cite it only as retracted",
        )


@rule("corrected-source")
def corrected_source(article: ArticleResult) -> Iterator[Finding]:
    for index, ref in enumerate(article.references):
        if ref.work is None or not ref.work.corrected:
            continue
        notices = [u for u in ref.work.updates if u.is_correction]
        yield _ref_finding(
            "corrected-source", article, ref,
            f"{_work_name(ref)} has a notice: {_kinds(notices)} ({_notices(notices)})"
            f"{_used_by(article, index)}: check that what you cite from it still holds",
        )


@rule("metadata-mismatch")
def metadata_mismatch(article: ArticleResult) -> Iterator[Finding]:
    for ref in article.references:
        if not ref.mismatches:
            continue
        details = "; ".join(
            f"{m.field} written {_value(m.written)}, registry {_value(m.registry)}"
            for m in ref.mismatches
        )
        yield _ref_finding(
            "metadata-mismatch", article, ref,
            f"the reference disagrees with the registry ({ref.doi or 'its match'}): {details}: "
            "correct the reference (or the DOI, if it names another work)",
        )


# --- references: the list itself --------------------------------------------------------


@rule("duplicate-reference")
def duplicate_reference(article: ArticleResult) -> Iterator[Finding]:
    first_by_key: dict[str, ReferenceResult] = {}
    for ref in article.references:
        keys = _identity_keys(ref)
        first = next((first_by_key[k] for k in keys if k in first_by_key), None)
        if first is not None:
            where = first.place or f"line {first.line}"
            if (first.path or article.path) != (ref.path or article.path):
                where = f"{first.path or article.path}:{first.line}"
            yield _ref_finding(
                "duplicate-reference", article, ref,
                f"this reference names the same work as the one at {where}: keep one and "
                "point every citation to it",
            )
        for key in keys:
            first_by_key.setdefault(key, ref)


@rule("uncited-reference")
def uncited_reference(article: ArticleResult) -> Iterator[Finding]:
    if article.is_bibliography:  # nothing in it cites
        return
    cited = {link.reference for claim in article.claims for link in claim.sources}
    for index, ref in enumerate(article.references):
        if index not in cited:
            yield _ref_finding(
                "uncited-reference", article, ref,
                "no claim or marker points to this reference: cite it where it is used, or "
                "remove it",
            )


# --- helpers -----------------------------------------------------------------------------


def excerpt(text: str, limit: int = 60) -> str:
    """The start of ``text`` on one line, cut at a word boundary, with an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def _quote(text: str) -> str:
    return f"“{excerpt(text)}”"


def _finding(
    rule: str, path: str, line: int, message: str, *, subject: str, place: str | None = None
) -> Finding:
    return Finding(rule=rule, severity=DEFAULT_SEVERITY[rule], path=path, line=max(line, 1),
                   message=message, subject=subject, place=place)


def _claim_finding(rule: str, article: ArticleResult, claim: ClaimResult, message: str) -> Finding:
    return _finding(rule, article.path, claim.line, message, subject=claim.text,
                    place=claim.place)


def _ref_finding(rule: str, article: ArticleResult, ref: ReferenceResult, message: str) -> Finding:
    return _finding(rule, ref.path or article.path, ref.line, message, subject=ref.text,
                    place=ref.place)


def _with_status(article: ArticleResult, status: str) -> Iterator[ReferenceResult]:
    return (ref for ref in article.references if ref.status == status)


def _written_doi(ref: ReferenceResult) -> str:
    return ref.written_doi or ref.doi or "?"


def _confidence(ref: ReferenceResult) -> str:
    return f" (confidence {ref.confidence:.2f})" if ref.confidence is not None else ""


def _work_name(ref: ReferenceResult) -> str:
    title = excerpt(ref.title, 50) if ref.title else ""
    return f"{ref.doi} “{title}”" if title else str(ref.doi or "the cited work")


def _notices(updates: list[Update]) -> str:
    """Each notice DOI once, with who reported it: ``notice 10.x/y, per publisher``."""
    sources: dict[str | None, list[str]] = {}
    for update in updates:
        names = sources.setdefault(update.doi, [])
        if update.source and update.source not in names:
            names.append(update.source)
    parts = []
    for doi, names in sources.items():
        said = f", per {' and '.join(sorted(names))}" if names else ""
        parts.append(f"notice {doi or 'without a DOI'}{said}")
    return "; ".join(parts)


def _kinds(updates: list[Update]) -> str:
    names = dict.fromkeys(u.kind.replace("_", " ") for u in updates)
    return " and ".join(names)


def _used_by(article: ArticleResult, index: int) -> str:
    uses = [
        f"{claim.place or claim.line} ({link.how})"
        for claim in article.claims
        for link in claim.sources
        if link.reference == index
    ]
    if not uses:
        return ""
    if any(claim.place for claim in article.claims):  # "page 1, line 19": no "line" before it
        return f"; cited at {'; '.join(uses)}"
    return f"; cited at line{'s' if len(uses) > 1 else ''} {', '.join(uses)}"


def _value(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    return repr(excerpt(str(value), 80)) if isinstance(value, str) else str(value)


_NON_WORD = re.compile(r"[^\w]+")


def _identity_keys(ref: ReferenceResult) -> list[str]:
    """What makes two references the same work: the DOI, or the title and year."""
    keys = []
    if ref.doi and ref.status not in ("invalid",):
        keys.append("doi:" + ref.doi.casefold())
    if ref.work is not None and ref.work.title:
        title = _NON_WORD.sub(" ", clean_text(ref.work.title).casefold()).strip()
        keys.append(f"title:{title}:{ref.work.year}")
    elif ref.text.strip():
        keys.append("text:" + _NON_WORD.sub(" ", ref.text.casefold()).strip())
    return keys
