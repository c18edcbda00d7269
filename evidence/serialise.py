"""The JSON objects of the domain, each written once for every place that shows one.

``evidence resolve --json``, the references of ``evidence check --format json`` and
``GET /api/works/{doi}`` all give a work through :func:`work_json`, so one DOI reads the
same wherever it is asked for. Likewise a reference, a claim, a claim's source (link) and a
finding: the check report writes them with these functions, and the API writes the same
objects with its own keys added (ids, versions, verdicts, comments). The API's pydantic
models are held to these shapes by a test (tests/evidence/test_shapes.py).
"""

from __future__ import annotations

from typing import Any

from evidence.articles.places import describe_place
from evidence.audit.baseline import fingerprint
from evidence.findings import Finding
from evidence.results import ClaimResult, ReferenceResult, SourceLink
from refs import Person, Update, Work

__all__ = [
    "CLAIM_KEYS",
    "FINDING_KEYS",
    "REFERENCE_KEYS",
    "SOURCE_KEYS",
    "WORK_KEYS",
    "claim_json",
    "finding_json",
    "no_work_json",
    "person_json",
    "reference_json",
    "source_json",
    "update_json",
    "work_json",
]

WORK_KEYS = (
    "doi", "title", "type", "year", "authors", "container_title", "volume", "issue", "pages",
    "publisher", "retracted", "corrected", "updates",
)
"""The keys of a work's JSON object, in the order they are written."""


def work_json(work: Work) -> dict[str, Any]:
    """A work as plain JSON values: what the registry says it is, and what happened to it."""
    return {
        "doi": work.doi,
        "title": work.title,
        "type": work.type,
        "year": work.year,
        "authors": [person_json(p) for p in work.authors],
        "container_title": work.container_title,
        "volume": work.volume,
        "issue": work.issue,
        "pages": work.pages,
        "publisher": work.publisher,
        "retracted": work.retracted,
        "corrected": work.corrected,
        "updates": [update_json(u) for u in work.updates],
    }


def no_work_json() -> dict[str, Any]:
    """The same keys with nothing known, for a DOI that resolved to no work."""
    empty: dict[str, Any] = {"authors": [], "updates": [], "retracted": False,
                             "corrected": False}
    return {key: empty.get(key) for key in WORK_KEYS}


def person_json(person: Person) -> dict[str, str | None]:
    """An author in its parts; ``literal`` for a name that has none (an organisation)."""
    return {"family": person.family, "given": person.given, "literal": person.literal,
            "orcid": person.orcid}


def update_json(update: Update) -> dict[str, str | None]:
    """A retraction, correction or other notice; ``date`` is ISO, as precise as known."""
    return {"kind": update.kind, "doi": update.doi, "source": update.source,
            "date": update.date.isoformat() if update.date else None, "label": update.label}


REFERENCE_KEYS = (
    "text", "line", "place", "doi", "status", "title", "retracted", "corrected", "written_doi",
    "confidence", "reason", "key", "path", "year", "updates", "mismatches", "work",
)
"""The keys of a reference's JSON object, in the order they are written."""


def reference_json(ref: ReferenceResult) -> dict[str, Any]:
    """A reference as written and what the registry said of it; ``path`` is where it is
    written when that is not the article's own text (a bibliography file)."""
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
            {"field": m.field, "written": m.written, "registry": m.registry}
            for m in ref.mismatches
        ],
        "work": work_json(work) if work is not None else None,  # as `resolve --json` gives it
    }


SOURCE_KEYS = ("doi", "how", "score", "reference", "marker", "why")
"""The keys of a claim's source (its link to a reference); ``why``: for an inferred link,
what made the linker pick the reference (``null`` for the others)."""


def source_json(link: SourceLink) -> dict[str, Any]:
    """A claim's link to a reference; ``reference`` is the reference's place in its article's
    list (the API, which has ids, gives the reference's id instead)."""
    return {
        "doi": link.doi,
        "how": link.how,
        "score": link.score,
        "reference": link.reference,
        "marker": link.marker,
        "why": link.why,
    }


CLAIM_KEYS = (
    "text", "line", "place", "needs_support", "score", "sources", "status", "reasons",
    "suppressed",
)
"""The keys of a claim's JSON object (a sentence, whether it needs a source, and what backs
it), in the order they are written."""


def claim_json(claim: ClaimResult) -> dict[str, Any]:
    """A sentence of an article: whether it needs a source, its sources, and how it stands;
    ``suppressed`` is why it needs none (an inline suppression, an editor's mark)."""
    return {
        "text": claim.text,
        "line": claim.line,
        "place": describe_place(claim.line, claim.place),
        "needs_support": claim.needs_support,
        "score": None if claim.score is None else round(claim.score, 3),
        "sources": [source_json(s) for s in claim.sources],
        "status": claim.status,
        "reasons": list(claim.reasons),
        "suppressed": claim.suppressed,
    }


FINDING_KEYS = ("rule", "severity", "path", "line", "place", "message", "column", "subject",
                "fingerprint")
"""The keys of a finding's JSON object, in the order they are written."""


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding; ``fingerprint`` is how a baseline knows it across edits."""
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

