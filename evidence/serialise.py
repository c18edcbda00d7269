"""The JSON object of a work, written once for every place that shows one.

``evidence resolve --json``, the references of ``evidence check --format json`` and
``GET /api/works/{doi}`` all give a work through :func:`work_json`, so one DOI reads the
same wherever it is asked for. The API's ``WorkOut`` model is held to this shape by a test.
"""

from __future__ import annotations

from typing import Any

from refs import Person, Update, Work

__all__ = ["WORK_KEYS", "no_work_json", "person_json", "update_json", "work_json"]

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
