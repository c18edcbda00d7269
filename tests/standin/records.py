"""The works the stand-in serves: the recorded Crossref responses, and generated load data.

Recorded works are real ``GET /works/{doi}`` bodies from tests/fixtures/crossref/works/ (see
tests/fixtures/PROVENANCE.md). Generated works use Crossref's test prefix 10.5555, say in their
title and publisher that they are generated, and carry ``"generated-by": "tests/standin"``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "GENERATED_PREFIX",
    "RECORDED_NOTICES",
    "RECORDED_WORKS",
    "csl_for_generated",
    "generated_doi",
    "generated_message",
    "generated_notice",
    "recorded_messages",
    "recorded_notices",
    "updated_message",
]

RECORDED_WORKS = Path(__file__).resolve().parents[1] / "fixtures" / "crossref" / "works"
RECORDED_NOTICES = (RECORDED_WORKS.parent / "lists"
                    / "rcrossref__journals-1932-6203-works-rows-30-cursor-2A.json")
"""A real list answer (PLOS ONE, recorded 2021-08-17) holding five update notices: two
retractions and three corrections of PLOS ONE works (tests/fixtures/PROVENANCE.md)."""
GENERATED_PREFIX = "10.5555/standin."
"""Crossref's test prefix; every DOI under it here is generated, never a real work."""


@cache
def recorded_messages() -> dict[str, dict[str, Any]]:
    """Every recorded work's ``message``, by lower-case DOI."""
    messages: dict[str, dict[str, Any]] = {}
    for path in sorted(RECORDED_WORKS.glob("*.json")):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        messages[message["DOI"].lower()] = message
    return messages


@cache
def recorded_notices() -> dict[str, dict[str, Any]]:
    """The recorded notices (items with ``update-to``), by lower-case DOI, as recorded."""
    items = json.loads(RECORDED_NOTICES.read_text(encoding="utf-8"))["message"]["items"]
    return {item["DOI"].lower(): item for item in items if item.get("update-to")}


def generated_doi(index: int, *, agency: str = "crossref") -> str:
    """The ``index``-th generated DOI (``10.5555/standin.000001``; ``...datacite.000001``)."""
    kind = "" if agency == "crossref" else f"{agency}."
    return f"{GENERATED_PREFIX}{kind}{index:06d}"


def generated_message(doi: str) -> dict[str, Any]:
    """A Crossref-shaped record for a generated DOI, marked as generated everywhere it shows."""
    number = int(doi.rsplit(".", 1)[-1])
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [f"Generated stand-in work {number} (load data, not a real work)"],
        "author": [{"given": "Generated", "family": f"Author {number % 97}", "sequence": "first"}],
        "container-title": ["Generated Journal of Stand-in Load"],
        "publisher": "evidence tests/standin (generated)",
        "issued": {"date-parts": [[2000 + number % 25, 1 + number % 12]]},
        "volume": str(1 + number // 100),
        "page": f"{number % 1000}-{number % 1000 + 9}",
        "URL": f"https://doi.org/{doi}",
        "generated-by": "tests/standin",
    }


def csl_for_generated(doi: str) -> dict[str, Any]:
    """A CSL-JSON item for a generated non-Crossref DOI (what content negotiation returns)."""
    message = generated_message(doi)
    return {
        "DOI": doi,
        "type": "dataset",
        "title": message["title"][0],
        "author": message["author"],
        "issued": message["issued"],
        "publisher": message["publisher"],
        "URL": message["URL"],
    }


def generated_notice(
    index: int, target: str, kind: str, *, indexed: datetime, updated: date | None = None
) -> dict[str, Any]:
    """A generated notice (``10.5555/standin.notice.000001``) of ``kind`` about ``target`` (a
    generated DOI: never a real work's), indexed at ``indexed``, dated ``updated``."""
    if not target.startswith(GENERATED_PREFIX):
        raise ValueError(f"a generated notice is about a generated work, not {target}")
    doi = f"{GENERATED_PREFIX}notice.{index:06d}"
    when = updated or indexed.date()
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [f"{kind.replace('_', ' ').title()}: generated stand-in notice {index}"],
        "publisher": "evidence tests/standin (generated)",
        "issued": {"date-parts": [[when.year, when.month, when.day]]},
        "indexed": {"date-parts": [[indexed.year, indexed.month, indexed.day]],
                    "date-time": indexed.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "update-to": [{"DOI": target, "type": kind, "label": kind.replace("_", " ").title(),
                       "source": "publisher",
                       "updated": {"date-parts": [[when.year, when.month, when.day]]}}],
        "URL": f"https://doi.org/{doi}",
        "generated-by": "tests/standin",
    }


def updated_message(message: dict[str, Any], notice: dict[str, Any]) -> dict[str, Any]:
    """A generated work's record once ``notice`` (see :func:`generated_notice`) updates it:
    what the registry shows on a work after a notice is registered (``updated-by``)."""
    if not message["DOI"].startswith(GENERATED_PREFIX):
        raise ValueError(f"only a generated record is changed, not {message['DOI']}")
    (entry,) = notice["update-to"]
    updated_by = [*message.get("updated-by", []), {**entry, "DOI": notice["DOI"]}]
    return {**message, "updated-by": updated_by}
