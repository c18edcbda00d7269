"""Small, realistic check results built by hand, shared by the audit and report tests.

Real works come from recorded Crossref responses (tests/fixtures/crossref/works); made-up
works use the test prefix 10.5555 only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from evidence.audit.rules import audit
from evidence.results import (
    ArticleResult,
    CheckResult,
    ClaimResult,
    ReferenceResult,
    SourceLink,
    UnknownCitation,
)
from refs import PartialDate, Person, Work, work_from_crossref
from tests.conftest import FIXTURES

RETRACTED_DOI = "10.1177/0956797614520714"
CORRECTED_DOI = "10.1371/journal.pone.0033693"
PATH = "docs/spine.md"


@dataclass(frozen=True)
class Mismatch:
    """Stands for ``refs.match.Mismatch(field, written, registry)`` (same attributes)."""

    field: str
    written: object
    registry: object


@cache
def recorded(doi: str) -> Work:
    name = doi.replace("/", "__") + ".json"
    data = json.loads((FIXTURES / "crossref" / "works" / name).read_text(encoding="utf-8"))
    return work_from_crossref(data["message"])


def made_up(suffix: str, title: str, year: int = 2021) -> Work:
    """A generated work under the test prefix: never a real DOI."""
    return Work(doi=f"10.5555/{suffix}", title=title, issued=PartialDate(year),
                authors=(Person(family="Tester", given="Ada"),),
                container_title="Journal of Generated Data", type="journal-article")


def claim(text: str, line: int, *sources: SourceLink, needs: bool = True,
          reasons: tuple[str, ...] = ()) -> ClaimResult:
    return ClaimResult(text=text, line=line, needs_support=needs, reasons=reasons,
                       sources=sources)


def ref(text: str, line: int, status: str = "resolved", work: Work | None = None,
        **extra: object) -> ReferenceResult:
    doi = extra.pop("doi", work.doi if work else None)
    return ReferenceResult(text=text, line=line, doi=doi, status=status,  # type: ignore[arg-type]
                           work=work, **extra)  # type: ignore[arg-type]


def marker(index: int, label: str, doi: str | None, score: float | None = None) -> SourceLink:
    return SourceLink(reference=index, doi=doi, how="marker", marker=label, score=score)


def inferred(index: int, doi: str | None, score: float) -> SourceLink:
    return SourceLink(reference=index, doi=doi, how="inferred", score=score)


def article(claims: tuple[ClaimResult, ...] = (), references: tuple[ReferenceResult, ...] = (),
            **extra: object) -> ArticleResult:
    return ArticleResult(path=PATH, title="Physical therapy for spine pain", claims=claims,
                         references=references, **extra)  # type: ignore[arg-type]


def spine_article() -> ArticleResult:
    """An article with one of everything: what the report tests render."""
    exercise = made_up("spine.exercise", "Exercise therapy for chronic low back pain", 2021)
    return article(
        claims=(
            claim("Physical therapy is a common first treatment for back pain.", 3, needs=False),
            claim("Exercise therapy reduces pain in chronic low back pain [1].", 5,
                  marker(0, "[1]", exercise.doi, score=0.41)),
            claim("Dishonest people were found to be more creative [2].", 7,
                  marker(1, "[2]", RETRACTED_DOI, score=0.05)),
            claim("About 80% of plans cover twenty sessions a year.", 9,
                  reasons=("statistic: '80%'",)),
            claim("Methylphenidate exposure is linked to dopamine neuron loss in mice.", 11,
                  inferred(2, CORRECTED_DOI, 0.62)),
            claim("Guidelines recommend staying active [4].", 13),
        ),
        references=(
            ref("[1] Tester A. Exercise therapy for chronic low back pain. 2021.", 20,
                work=exercise),
            ref("[2] Gino F, Wiltermuth SS. Evil genius? Psychological Science. 2014.", 21,
                work=recorded(RETRACTED_DOI)),
            ref("[3] Sadasivan S, et al. Methylphenidate exposure induces dopamine neuron loss. "
                "PLoS ONE. 2012.", 22,
                work=recorded(CORRECTED_DOI)),
            ref("[5] Unrelated handbook of spinal care.", 23, status="no-doi"),
        ),
        unknown_citations=(UnknownCitation(marker="[4]", target="4", line=13),),
    )


def spine_result() -> CheckResult:
    art = spine_article()
    return CheckResult(articles=(art,), findings=tuple(audit(art)),
                       notes=("some references could not be verified",))
