"""DOIs to works, through the store first and the registry second.

The store is the cache: a DOI the registry already described (or said does not exist) is not
asked for again unless ``refresh``; offline, nothing is asked at all and what the store lacks
(a work imported from a file included) is ``unverified``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.registry import registry_client
from evidence.store import queries
from evidence.store.engine import reading
from evidence.vocabulary import ReferenceStatus
from refs import Work, doi_problem, normalize_doi
from refs.crossref import Outcome

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = ["OFFLINE_REASON", "Claims", "Resolution", "SharedResolver", "resolution_of",
           "resolve_dois", "store_outcomes", "stored_answers"]

OFFLINE_REASON = "no answer of the registry in the store, and offline: it was not asked"
"""Why a DOI is unverified offline (an entry imported from a file is no answer of the
registry). It says what happened and names no flag or command:
each shell (the CLI, the service) adds what its own user can do about it."""


CLAIM_ROUNDS = 3
"""Rounds of claiming, asking and waiting for other processes before giving up on a DOI."""


class Claims(Protocol):
    """DOIs being asked for by several processes at once (``evidence.jobs.claims``)."""

    async def claim(self, dois: Sequence[str]) -> list[str]:
        """Those of ``dois`` this process asks for; another process is asking the rest."""
        ...

    async def release(self, dois: Sequence[str]) -> None: ...

    async def wait(self, dois: Sequence[str], *, timeout: float) -> None:
        """Until no other process is asking for any of ``dois``."""
        ...


class SharedResolver(Protocol):
    """The DOIs of many checks at once, looked up and asked together (``evidence.jobs.batch``)."""

    async def resolve(self, dois: Sequence[str]) -> dict[str, Resolution]:
        """An answer for each of ``dois`` (valid and normalised), from the store or the
        registry; those it could not get are ``unverified``."""
        ...


@dataclass(frozen=True, slots=True)
class Resolution:
    """What became of one DOI asked: ``doi`` is normalised when valid, else as written."""

    doi: str
    status: ReferenceStatus  # resolved, not-found, invalid or unverified
    work: Work | None = None
    reason: str | None = None
    cached: bool = False


async def resolve_dois(
    dois: Sequence[str],
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    refresh: bool = False,
    client: CrossrefClient | None = None,
    progress: Callable[[int], None] | None = None,
    claims: Claims | None = None,
    shared: SharedResolver | None = None,
) -> list[Resolution]:
    """One Resolution per DOI asked, in order; works found are stored before returning.

    With ``claims``, a DOI another process is asking for is not asked again here: its answer
    is read from the store once that process has stored it. With ``shared`` (a worker's), the
    store and the registry are asked by it, together with the DOIs of the other checks.
    """
    known: dict[str, Resolution] = {}
    wanted: list[str] = []
    for text in dois:
        problem = doi_problem(text)
        if problem is not None:
            known[text] = Resolution(text, ReferenceStatus.INVALID, reason=problem)
        elif (doi := normalize_doi(text)) not in wanted:
            wanted.append(doi)
    if shared is not None and not refresh and not settings.offline:
        known.update(await shared.resolve(wanted))
        if progress is not None:
            progress(len(wanted))
        return [known[text] if text in known else known[normalize_doi(text)] for text in dois]
    if not refresh:
        known.update(stored_answers(sessions, wanted))
    missing = [doi for doi in wanted if doi not in known]
    if progress is not None:
        progress(len(wanted) - len(missing))
    if missing and settings.offline:
        known.update({d: Resolution(d, ReferenceStatus.UNVERIFIED, reason=OFFLINE_REASON)
                      for d in missing})
    elif missing and claims is None:
        known.update(await _ask_and_store(missing, sessions, settings, client, progress))
    elif missing:
        assert claims is not None
        known.update(await _ask_once(missing, sessions, settings, client, progress, claims))
    return [known[text] if text in known else known[normalize_doi(text)] for text in dois]


async def _ask_and_store(
    dois: list[str],
    sessions: sessionmaker[Session],
    settings: Settings,
    client: CrossrefClient | None,
    progress: Callable[[int], None] | None,
) -> dict[str, Resolution]:
    outcomes = await _ask_registry(dois, settings, client, progress)
    store_outcomes(sessions, outcomes, doi_url=settings.doi_url)
    return {o.doi: resolution_of(o) for o in outcomes}


async def _ask_once(
    dois: list[str],
    sessions: sessionmaker[Session],
    settings: Settings,
    client: CrossrefClient | None,
    progress: Callable[[int], None] | None,
    claims: Claims,
) -> dict[str, Resolution]:
    """Ask for the DOIs no other process is asking for; read the others' answers stored."""
    answered: dict[str, Resolution] = {}
    left = dois
    for _ in range(CLAIM_ROUNDS):
        mine = await claims.claim(left)
        try:
            # Another process may have stored some of them between our look and our claim.
            answered.update(stored_answers(sessions, mine) if mine else {})
            asking = [doi for doi in mine if doi not in answered]
            if asking:
                answered.update(await _ask_and_store(asking, sessions, settings, client,
                                                     progress))
        finally:
            await claims.release(mine)
        others = [doi for doi in left if doi not in answered]
        if not others:
            break
        await claims.wait(others, timeout=settings.registry_wait)
        answered.update(stored_answers(sessions, others))
        left = [doi for doi in others if doi not in answered]
        if not left:
            break
    reason = "another process was asking the registry for it, and no answer was stored"
    return answered | {d: Resolution(d, ReferenceStatus.UNVERIFIED, reason=reason)
                       for d in dois if d not in answered}


def stored_answers(sessions: sessionmaker[Session], dois: list[str]) -> dict[str, Resolution]:
    # Ended by COMMIT (``reading``): a ROLLBACK drops every statement psycopg prepared on
    # the connection, for this read and for whatever runs on it next (PostgreSQL's CPU for
    # a job's two DOIs: 0.5 ms, 0.25 with COMMIT; with several workers most jobs read here).
    with reading(sessions) as session:
        # A work imported from a file is the author's word, not the registry's: its DOI is
        # still asked about (and offline it stays unverified), never taken as resolved.
        works = queries.get_works(session, dois, registry_only=True)
        absent = queries.known_not_found(session, [d for d in dois if d not in works])
    found = {d: Resolution(d, ReferenceStatus.RESOLVED, work=w, cached=True)
             for d, w in works.items()}
    said_no = {
        d: Resolution(d, ReferenceStatus.NOT_FOUND, cached=True,
                      reason="the registry has no such DOI (stored answer)")
        for d in absent
    }
    return found | said_no


async def _ask_registry(
    dois: list[str],
    settings: Settings,
    client: CrossrefClient | None,
    progress: Callable[[int], None] | None,
) -> list[Outcome]:
    if client is not None:
        return await client.works(dois, progress=progress)
    async with registry_client(settings) as own:
        return await own.works(dois, progress=progress)


def store_outcomes(sessions: sessionmaker[Session], outcomes: list[Outcome], *,
                   doi_url: str) -> None:
    now = datetime.now(UTC)
    # One batch upsert per answer (a list request answers for up to 50 DOIs): a statement
    # per work cost about a millisecond each, 14% of a cold run (benchmarks/RESULTS.md).
    found: dict[tuple[str, str | None], list[Work]] = {}
    with sessions.begin() as session:
        for outcome in outcomes:
            if outcome.status == "found" and outcome.work is not None:
                by_negotiation = (outcome.source or "").startswith(doi_url)
                origin = "doi.org" if by_negotiation else "crossref"
                found.setdefault((origin, outcome.source), []).append(outcome.work)
            elif outcome.status == "not-found":
                queries.record_not_found(session, outcome.doi, source_url=outcome.source)
        for (origin, source), works in found.items():
            queries.upsert_works(session, works, origin=origin, source_url=source, fetched_at=now)


def resolution_of(outcome: Outcome) -> Resolution:
    # The client's word for a DOI it found is "found"; the rest are already ours.
    status = (ReferenceStatus.RESOLVED if outcome.status == "found"
              else ReferenceStatus(outcome.status))
    return Resolution(outcome.doi, status, work=outcome.work, reason=outcome.reason)
