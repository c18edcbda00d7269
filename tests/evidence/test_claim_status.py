"""A claim's status is one rule: the check report (a claim as checked), the API and the pages
(a stored claim, the editors' verdicts counted) give the same status for the same claim."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from evidence.report.describe import claim_status as report_status
from evidence.results import ClaimResult, SourceLink
from evidence.store.views import ClaimView, LinkView
from evidence.vocabulary import ClaimStatus, How, Verdict

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LINKS = [(), ((How.MARKER, Verdict.UNREVIEWED),), ((How.INFERRED, Verdict.UNREVIEWED),),
         ((How.INFERRED, Verdict.CONFIRMED),), ((How.INFERRED, Verdict.REJECTED),),
         ((How.EDITOR, Verdict.UNREVIEWED),), ((How.MARKER, Verdict.REJECTED),
                                               (How.INFERRED, Verdict.UNREVIEWED))]


def _checked(needs: bool, aside: str | None, links: tuple[tuple[How, Verdict], ...]
             ) -> ClaimResult:
    return ClaimResult(text="A claim.", line=1, needs_support=needs, suppressed=aside,
                       sources=tuple(SourceLink(reference=0, doi=None, how=how, verdict=verdict)
                                     for how, verdict in links))


def _stored(needs: bool, aside: str | None, links: tuple[tuple[How, Verdict], ...]
            ) -> ClaimView:
    return ClaimView(
        id=1, article_id=1, position=0, text="A claim.", line=1, needs_support=needs,
        reason=None, no_source_reason=aside, version=1, comments=(),
        links=tuple(LinkView(id=i, claim_id=1, reference_id=1, how=how, score=None,
                             verdict=verdict, version=1, created_at=NOW, updated_at=NOW)
                    for i, (how, verdict) in enumerate(links)))


@pytest.mark.parametrize(("needs", "aside", "links"),
                         list(itertools.product([True, False], [None, "common knowledge"], LINKS)))
def test_a_checked_and_a_stored_claim_stand_alike(
    needs: bool, aside: str | None, links: tuple[tuple[How, Verdict], ...]
) -> None:
    checked = _checked(needs, aside, links)
    assert checked.status == report_status(checked) == _stored(needs, aside, links).status


def test_the_rule() -> None:
    assert _checked(True, None, ()).status == ClaimStatus.UNSUPPORTED
    assert _checked(True, None, LINKS[2]).status == ClaimStatus.RELATED  # similarity only
    assert _checked(True, None, LINKS[3]).status == ClaimStatus.SUPPORTED  # confirmed
    assert _checked(True, None, LINKS[4]).status == ClaimStatus.UNSUPPORTED  # rejected
    assert _checked(True, "why", LINKS[2]).status == ClaimStatus.NO_SOURCE_NEEDED
    assert _checked(True, "why", LINKS[1]).status == ClaimStatus.SUPPORTED  # a citation wins
    assert _checked(False, None, LINKS[2]).status == ClaimStatus.NOT_A_CLAIM
    assert _checked(False, None, LINKS[5]).status == ClaimStatus.SUPPORTED
    assert _checked(True, None, LINKS[6]).status == ClaimStatus.RELATED
