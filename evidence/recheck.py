"""``evidence recheck``: what the registry changed for the works the store holds, stored.

A plain core function (:func:`recheck`) that the CLI, the service or a periodic job calls.

Two ways to ask, chosen by counting requests:

* **the notice walk**: the registry lists its update notices (retractions, corrections,
  expressions of concern, withdrawals, new versions) indexed since a day, in cursor-paged
  lists of 1,000 (``refs.crossref.notices``). The walk costs ``ceil(T / 1000)`` requests for
  ``T`` notices, however many works are stored; those whose ``update-to`` names a stored
  work are kept, and those works are read again (in ``filter=doi:`` batches).
* **re-fetching every stored work** in ``filter=doi:`` batches of 50: ``ceil(N / 50)``
  requests for ``N`` works; it also sees changed titles, years and authors (no notice says
  those).

The walk is taken unless re-fetching costs fewer requests: with a store of at most one batch
(50 works) re-fetching is taken without asking; otherwise the walk's first page tells ``T``,
and the rest of the walk is given up for the batches when ``ceil(N / 50)`` is smaller than
the pages left. At 1,000 notices a page and 50 works a batch, the walk wins once the store
holds more than ``T / 20`` works (figures: benchmarks/RESULTS.md).

Everything is asked before anything is stored; then the works' new state, an event per
change, an alert per citing article and the walk's position are stored in one transaction.
The position (the day the walk began) is saved only after a complete walk or re-fetch: an
outage leaves it, and the store, as they were, and raises :class:`RecheckIncomplete`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.errors import EvidenceError
from evidence.sourcechanges import record_changes, update_change, with_notice
from evidence.store.models import utcnow
from evidence.store.source_events import (
    Citing,
    SeenChange,
    add_alerts,
    add_events,
    citing_articles,
    known_changes,
    lock_rechecks,
    oldest_fetch,
    read_cursor,
    save_cursor,
    stored_dois,
)
from evidence.vocabulary import ALERTING_CHANGES
from evidence.wording import counted
from refs import Update, Work
from refs.crossref import CrossrefSettings, Outcome
from refs.crossref.notices import MAX_ROWS
from refs.errors import RegistryUnavailable

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = ["Change", "RecheckIncomplete", "RecheckResult", "Strategy", "client_settings",
           "incomplete_json", "recheck", "recheck_store", "refetch_is_cheaper", "result_json"]

Strategy = Literal["notices", "works"]


class RecheckIncomplete(EvidenceError):
    """The registry could not be asked about everything: nothing was stored, and this is not
    "nothing changed"."""


@dataclass(frozen=True, slots=True)
class Change:
    """A change seen for the first time, with the articles citing the work."""

    change: SeenChange
    title: str | None
    citing: tuple[Citing, ...]

    @property
    def alerting(self) -> bool:
        """A retraction, withdrawal, correction or expression of concern of a cited work."""
        return self.change.kind in ALERTING_CHANGES and bool(self.citing)


@dataclass(frozen=True, slots=True)
class RecheckResult:
    strategy: Strategy | None  # None: nothing stored to recheck, nothing asked
    since: date | None  # the index date the walk started from
    stored: int  # works with a DOI in the store
    requests: int
    notices: int = 0  # notices the walk read
    changes: tuple[Change, ...] = field(default=())
    position: date | None = None  # the walk's position saved for next time, if it was

    @property
    def alerting(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.alerting)


SECONDS_PER_BATCH = 1.0
"""What one list request may take, waits for the rate limit included (the polite pool allows
3 a second): a recheck's own client waits for the registry at least this per batch of the
store, so that re-fetching a large store is not cut short by the wait meant for one check."""


def client_settings(settings: Settings, stored: int) -> CrossrefSettings:
    """The registry client's settings for a recheck of ``stored`` works."""
    from evidence.registry import crossref_settings

    base = crossref_settings(settings)
    batches = math.ceil(stored / base.batch_size)
    return replace(base, wait=max(base.wait, batches * SECONDS_PER_BATCH))


def refetch_is_cheaper(stored: int, notices_left: int, *, batch: int = 50,
                       rows: int = MAX_ROWS) -> bool:
    """Whether re-fetching ``stored`` works costs fewer requests than walking the rest."""
    return math.ceil(stored / batch) < math.ceil(notices_left / rows)


async def recheck(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    since: date | None = None,
    client: CrossrefClient | None = None,
    strategy: Strategy | None = None,
) -> RecheckResult:
    """Ask the registry what changed for the stored works; store it; say what changed.

    :param since: walk the notices indexed on or after this day, not from the saved position.
    :param strategy: force the walk or the re-fetch (benchmarks); None decides by counting.
    :param client: the registry client to use (its ``wait`` bounds each call); None: one of
        the recheck's own, waiting as long as the store's batches need (``client_settings``).
    :raises RecheckIncomplete: the registry could not be asked about everything.
    """
    began = utcnow()
    with sessions() as session:
        dois = stored_dois(session)
        cursor = read_cursor(session)
        oldest = oldest_fetch(session)
    if not dois:
        return RecheckResult(None, None, 0, 0)
    if client is None:
        from refs.crossref.client import CrossrefClient

        async with CrossrefClient(client_settings(settings, len(dois))) as own:
            return await recheck(sessions, settings, since=since, client=own, strategy=strategy)
    saved = cursor.from_index_date if cursor else None
    start = since or saved or (oldest or began).date()
    before = client.stats.requests
    try:
        found, how, notices = await _ask(client, dois, start, strategy)
    except RegistryUnavailable as exc:
        raise RecheckIncomplete(f"the registry could not be asked ({exc}); nothing was "
                                f"stored") from exc
    requests = client.stats.requests - before
    # A walk from a later day than the saved one leaves a gap behind it: keep the old position.
    position = began.date() if since is None or saved is None or since <= saved else None
    changes = _store(sessions, dois, found, began=began, via=how, position=position,
                     requests=requests)
    return RecheckResult(how, start, len(dois), requests, notices, changes, position)


def recheck_store(settings: Settings, *, since: date | None = None) -> RecheckResult:
    """A recheck of the store at ``settings.database_url``, start to end: what a periodic
    job calls (synchronous; opens and closes its own engine and registry client).

    :raises RecheckIncomplete: the registry could not be asked about everything.
    :raises StoreError: the store cannot be opened.
    """
    import asyncio

    from evidence.store.engine import open_store, session_factory

    engine = open_store(settings.database_url)
    try:
        return asyncio.run(recheck(session_factory(engine), settings, since=since))
    finally:
        engine.dispose()


def result_json(result: RecheckResult) -> dict[str, Any]:
    """The JSON of ``recheck --json`` (and of a job that runs a recheck)."""
    return {
        "version": 1,
        "complete": True,
        "strategy": result.strategy,
        "since": _day(result.since),
        "position": _day(result.position),
        "stored": result.stored,
        "requests": result.requests,
        "notices": result.notices,
        "changes": [_change_json(c) for c in result.changes],
    }


def incomplete_json(reason: str) -> dict[str, Any]:
    """The JSON of a recheck the registry stopped: no ``changes`` key, so that a reader who
    looks only for changes cannot take an outage for "nothing changed"."""
    return {"version": 1, "complete": False, "error": reason}


def _change_json(change: Change) -> dict[str, Any]:
    seen = change.change
    return {
        "doi": seen.doi, "title": change.title, "kind": seen.kind.value,
        "notice_doi": seen.notice_doi, "notice_type": seen.notice_type, "source": seen.source,
        "notice_date": seen.notice_date, "detail": seen.detail, "alerting": change.alerting,
        "cited_by": [{"id": c.article_id, "name": c.name, "version": c.number,
                      "current": c.current} for c in change.citing],
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- asking ------------------------------------------------------------------------------

Found = dict[str, tuple[Work, list[SeenChange]]]
"""By DOI: the registry's record now, and the changes it shows against the stored one."""


async def _ask(client: CrossrefClient, dois: dict[str, int], start: date,
               strategy: Strategy | None) -> tuple[Found, Strategy, int]:
    batch = client.settings.batch_size
    if strategy == "works" or (strategy is None and len(dois) <= batch):
        return await _refetch(client, sorted(dois)), "works", 0
    targets: dict[str, list[Update]] = {}
    seen = 0
    async for page in client.notices(start):
        seen += len(page.notices)
        for notice in page.notices:
            for entry in notice.notice_of:
                doi = (entry.doi or "").lower()
                if doi in dois and notice.doi:
                    targets.setdefault(doi, []).append(
                        Update(entry.kind, notice.doi.lower(), entry.source, entry.date,
                               entry.label))
        if strategy is None and seen < page.total and refetch_is_cheaper(
                len(dois), page.total - seen, batch=batch):
            return await _refetch(client, sorted(dois)), "works", seen
    return await _notices_found(client, targets), "notices", seen


async def _refetch(client: CrossrefClient, dois: Sequence[str]) -> Found:
    """Every stored work read again; a change is whatever differs from the stored record."""
    outcomes = await client.works(dois)
    _refuse_silence(outcomes)
    return {o.doi: (o.work, []) for o in outcomes if o.status == "found" and o.work is not None}


async def _notices_found(client: CrossrefClient, targets: dict[str, list[Update]]) -> Found:
    """The works the walk's notices update, read again, each with what its notices say."""
    if not targets:
        return {}
    outcomes = await client.works(sorted(targets))
    _refuse_silence(outcomes)
    found: Found = {}
    for outcome in outcomes:
        if outcome.status != "found" or outcome.work is None:
            continue
        work = outcome.work
        for update in targets[outcome.doi]:
            work = with_notice(work, update)
        found[outcome.doi] = (work, [update_change(outcome.doi, u) for u in targets[outcome.doi]])
    return found


def _refuse_silence(outcomes: Sequence[Outcome]) -> None:
    silent = [o for o in outcomes if o.status == "unverified"]
    if silent:
        raise RegistryUnavailable(f"{len(silent)} of {counted(len(outcomes), 'work')} "
                                  "unanswered, e.g. "
                                  f"{silent[0].doi}: {silent[0].reason}")


# --- storing -----------------------------------------------------------------------------


def _store(sessions: sessionmaker[Session], dois: dict[str, int], found: Found, *,
           began: datetime, via: Strategy, position: date | None,
           requests: int) -> tuple[Change, ...]:
    from evidence.store.queries import get_works, upsert_works

    out: list[Change] = []
    with sessions() as session, session.begin():
        lock_rechecks(session)
        stored = get_works(session, found)
        known = known_changes(session, found)
        new: dict[str, list[SeenChange]] = {}
        for doi, (work, announced) in found.items():
            if doi not in stored:
                continue
            seen = {c.key for c in announced}
            candidates = announced + [c for c in record_changes(stored[doi], work)
                                      if c.key not in seen]
            was = {(u.kind, u.doi) for u in stored[doi].updates}
            fresh = [c for c in candidates if c.key not in known
                     and (c.notice_type, c.notice_doi) not in was]
            if fresh:
                new[doi] = list({c.key: c for c in fresh}.values())
        changed = [found[doi][0] for doi in new]
        if changed:
            upsert_works(session, changed, origin="crossref", fetched_at=began)
        citing = citing_articles(session, [dois[d] for d in new])
        for doi, fresh in sorted(new.items()):
            cites = tuple(citing.get(dois[doi], ()))
            ids = add_events(session, fresh, dois, seen_at=began, via=via)
            for event_id, change in zip(ids, fresh, strict=True):
                item = Change(change, found[doi][0].title, cites)
                if item.alerting:
                    add_alerts(session, event_id, [c.article_id for c in cites])
                out.append(item)
        if position is not None:
            save_cursor(session, position, walked_at=began, requests=requests)
    return tuple(out)
