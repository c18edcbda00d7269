"""The works the stand-in serves: the recorded Crossref responses, and generated load data.

Recorded works are real ``GET /works/{doi}`` bodies from tests/fixtures/crossref/works/ (see
tests/fixtures/PROVENANCE.md). Generated works use Crossref's test prefix 10.5555, say in their
title and publisher that they are generated, and carry ``"generated-by": "tests/standin"``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "GENERATED_PREFIX",
    "RECORDED_WORKS",
    "csl_for_generated",
    "generated_doi",
    "generated_message",
    "recorded_messages",
]

RECORDED_WORKS = Path(__file__).resolve().parents[1] / "fixtures" / "crossref" / "works"
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
