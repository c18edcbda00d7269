"""References without a DOI, matched to one through the match cache and the registry.

The cache answers first, so a warm store needs no network; what it lacks is asked of the
registry (a few at a time: the client paces itself), and every answer, "no match" included,
is kept. A registry that cannot be asked leaves the reference ``unverified``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from evidence.audit.rules import UNASKED
from evidence.store import queries
from evidence.store.matches import get_matches, record_match
from evidence.vocabulary import ReferenceStatus
from refs import RegistryUnavailable, Work
from refs.match import ParsedReference, match_reference

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = ["MatchOutcome", "match_references"]

CONCURRENT_SEARCHES = 4


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """What became of one reference without a DOI: matched, no DOI, or unverified."""

    status: ReferenceStatus
    doi: str | None = None
    work: Work | None = None
    confidence: float | None = None
    reason: str | None = None  # why unverified
    checks: tuple[str, ...] = ()  # the match's field-by-field checks (not kept in the cache)


async def match_references(
    references: Sequence[tuple[str, ParsedReference | None]],
    *,
    sessions: sessionmaker[Session],
    client: CrossrefClient | None,
    refresh: bool = False,
    offline_reason: str = "offline",
) -> dict[str, MatchOutcome]:
    """An outcome per reference text; ``references`` pairs each text with its parse."""
    wanted = dict(references)
    outcomes = {} if refresh else _from_cache(sessions, list(wanted))
    missing = [text for text in wanted if text not in outcomes]
    if not missing:
        return outcomes
    if client is None:
        outcomes.update({t: MatchOutcome(ReferenceStatus.UNVERIFIED, reason=offline_reason)
                         for t in missing})
        return outcomes
    gate = asyncio.Semaphore(CONCURRENT_SEARCHES)

    async def one(text: str) -> tuple[str, MatchOutcome]:
        async with gate:
            return text, await _ask(text, wanted[text], client)

    asked = dict(await asyncio.gather(*(one(text) for text in missing)))
    _remember(sessions, asked)
    return outcomes | asked


def _from_cache(sessions: sessionmaker[Session], texts: list[str]) -> dict[str, MatchOutcome]:
    with sessions() as session:
        cached = get_matches(session, texts)
        works = queries.get_works(session, [doi for doi, _ in cached.values() if doi])
    outcomes = {}
    for text, (doi, confidence) in cached.items():
        if doi is None:
            outcomes[text] = MatchOutcome(ReferenceStatus.NO_DOI, confidence=confidence)
        elif doi in works:
            outcomes[text] = MatchOutcome(ReferenceStatus.MATCHED, doi, works[doi], confidence)
    return outcomes


async def _ask(text: str, parsed: ParsedReference | None, client: CrossrefClient) -> MatchOutcome:
    try:
        match = await match_reference(parsed if parsed is not None else text, client)
    except RegistryUnavailable as exc:
        return MatchOutcome(ReferenceStatus.UNVERIFIED,
                            reason=f"{UNASKED}: {exc}")
    if match.work is not None and match.work.doi:
        return MatchOutcome(ReferenceStatus.MATCHED, match.work.doi, match.work,
                            match.confidence, checks=match.reasons)
    return MatchOutcome(ReferenceStatus.NO_DOI, confidence=match.confidence,
                        checks=match.reasons)


def _remember(sessions: sessionmaker[Session], asked: dict[str, MatchOutcome]) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as session:
        for text, outcome in asked.items():
            if outcome.status == "unverified":
                continue
            if outcome.work is not None:
                queries.upsert_work(session, outcome.work, origin="crossref", fetched_at=now)
            record_match(session, text, doi=outcome.doi, confidence=outcome.confidence or 0.0)
