"""Works for store tests: the recorded Crossref records, and generated ones (prefix 10.5555)."""

from __future__ import annotations

import json
from pathlib import Path

from refs.work import PartialDate, Person, Update, Work, work_from_crossref
from tests.conftest import FIXTURES

RECORDED = sorted((FIXTURES / "crossref" / "works").glob("*.json"))


def recorded_work(path: Path) -> Work:
    return work_from_crossref(json.loads(path.read_text(encoding="utf-8"))["message"])


def recorded_works() -> list[Work]:
    return [recorded_work(path) for path in RECORDED]


def generated_work(n: int, *, doi: bool = True, title: str | None = None) -> Work:
    """A made-up work under Crossref's test prefix 10.5555; no real DOI's metadata."""
    return Work(
        doi=f"10.5555/generated.{n}" if doi else None,
        title=title if title is not None else f"Generated work number {n}",
        authors=(Person(family=f"Family{n}", given="Given"), Person(literal="Test Consortium")),
        issued=PartialDate(2000 + n % 25, 1 + n % 12),
        type="journal-article",
        container_title="Journal of Generated Data",
        volume=str(n % 50),
        pages=f"{n}-{n + 9}",
        issn=("5555-5555",),
        updates=(Update("correction", f"10.5555/notice.{n}", "publisher", PartialDate(2024)),),
        raw={"generated": True, "n": n},
    )
