"""Editors' changes to claims and links, each kept in the audit trail (the event table).

Every change names the ``version`` of the link or claim it was made on (optimistic
concurrency): the write is one ``UPDATE ... WHERE version = :read`` and, when another editor
changed the row in between, nothing is written and :class:`StaleVersion` carries the row as
it now is. Every function takes the session first and never commits.

Events are filed under the claim (``object_type="claim"``), so that a claim's trail is one
query; ``before`` and ``after`` are snapshots of the link or claim, naming it.

Usage::

    with Session.begin() as session:
        link = set_verdict(session, link_id=7, verdict="confirmed", version=1, actor="ada")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from evidence.errors import EvidenceError, InputError
from evidence.store.articles import normalise_claim
from evidence.store.models import (
    Article,
    Claim,
    Comment,
    Event,
    How,
    Link,
    Reference,
    Verdict,
    utcnow,
)
from evidence.store.newest import SupersededVersion, lock_version, newest_of, version_state
from evidence.store.views import (
    ClaimView,
    CommentView,
    LinkView,
    comment_view,
    get_claim,
    link_view,
)

__all__ = [
    "MAX_COMMENT",
    "MAX_REASON",
    "AlreadyLinked",
    "NotHandMade",
    "EventView",
    "RecordNotFound",
    "StaleVersion",
    "add_comment",
    "add_link",
    "claim_trail",
    "claim_trails",
    "mark_no_source",
    "remove_link",
    "set_verdict",
]

MAX_REASON = 2000
MAX_COMMENT = 10_000


class RecordNotFound(EvidenceError):
    """No such article, claim, link or reference."""


class StaleVersion(EvidenceError):
    """The row changed since the caller read it; ``current`` is how it stands now."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current


class NotHandMade(InputError):
    """Only a hand-made link can be removed; the others are found again by each check."""


class AlreadyLinked(EvidenceError):
    """The claim already links to that reference; ``current`` is the link."""

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: int | None
    before: Any
    after: Any


def set_verdict(
    session: Session, *, link_id: int, verdict: str, version: int, actor: str
) -> LinkView:
    """Confirm, reject or un-review a link read at ``version``; the link as it now is."""
    if verdict not in {v.value for v in Verdict}:
        raise InputError(f"verdict must be confirmed, rejected or unreviewed, not {verdict!r}")
    before = _link(session, link_id)
    _on_newest_version(session, before.claim_id)
    _compare_and_set(session, Link, link_id, version, verdict=verdict, updated_at=utcnow())
    after = _link(session, link_id)
    _record(session, actor, "link.verdict", before.claim_id, before.snapshot(), after.snapshot())
    return after


def add_link(
    session: Session, *, claim_id: int, reference_id: int, version: int, actor: str
) -> LinkView:
    """Link a claim (read at ``version``) to a reference of its article by hand (confirmed)."""
    claim = _claim(session, claim_id)
    _on_newest_version(session, claim_id)
    reference = session.get(Reference, reference_id)
    if reference is None or reference.article_id != claim.article_id:
        raise RecordNotFound(f"article of claim {claim_id} has no reference {reference_id}")
    existing = session.scalars(select(Link).where(
        Link.claim_id == claim_id, Link.reference_id == reference_id)).first()
    if existing is not None:
        current = link_view(existing).snapshot()
        raise AlreadyLinked(f"claim {claim_id} already links to reference {reference_id}",
                            current)
    _compare_and_set(session, Claim, claim_id, version)
    now = utcnow()
    link = Link(claim_id=claim_id, reference_id=reference_id, how=How.EDITOR.value, score=None,
                verdict=Verdict.CONFIRMED.value, created_at=now, updated_at=now)
    session.add(link)
    session.flush()
    view = link_view(link)
    _record(session, actor, "link.add", claim_id, None, view.snapshot())
    return view


def remove_link(session: Session, *, link_id: int, version: int, actor: str) -> LinkView:
    """Remove a hand-made link read at ``version``; the link as it was.

    Links found by a marker or by similarity are found again on every check; they are
    rejected, not removed (:class:`NotHandMade` says so).
    """
    before = _link(session, link_id)
    if before.how != How.EDITOR:
        raise NotHandMade(
            f"link {link_id} was found by {before.how}, and a new check would find it again: "
            "reject it instead of removing it"
        )
    _on_newest_version(session, before.claim_id)
    result = session.execute(delete(Link).where(Link.id == link_id, Link.version == version))
    if _rowcount(result) != 1:
        _stale(session, Link, link_id, version)
    _record(session, actor, "link.remove", before.claim_id, before.snapshot(), None)
    return before


def mark_no_source(
    session: Session, *, claim_id: int, reason: str | None, version: int, actor: str
) -> ClaimView:
    """Mark a claim (read at ``version``) as needing no source, with why; None unmarks it."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise InputError(f"a reason is at most {MAX_REASON} characters")
    before = _claim(session, claim_id)
    _on_newest_version(session, claim_id)
    _compare_and_set(session, Claim, claim_id, version, no_source_reason=reason)
    after = _claim(session, claim_id)
    action = "claim.no-source" if reason else "claim.needs-source"
    _record(session, actor, action, claim_id, before.snapshot(), after.snapshot())
    return after


def add_comment(session: Session, *, claim_id: int, text: str, actor: str) -> CommentView:
    """A note on a claim; comments are not versioned (two people may comment at once)."""
    text = text.strip()
    if not text or len(text) > MAX_COMMENT:
        raise InputError(f"a comment is 1 to {MAX_COMMENT} characters")
    _claim(session, claim_id)
    _on_newest_version(session, claim_id)
    comment = Comment(claim_id=claim_id, actor=actor, text=text, at=utcnow())
    session.add(comment)
    session.flush()
    return comment_view(comment)


def claim_trail(session: Session, claim_id: int) -> list[EventView]:
    """Every event on a claim and on the same claim in earlier versions, oldest first.

    "The same claim" in an earlier version is the one with the same normalised text, as
    when editors' work is carried over.
    """
    return claim_trails(session, [claim_id]).get(claim_id, [])


def claim_trails(session: Session, claim_ids: Sequence[int]) -> dict[int, list[EventView]]:
    """``claim_trail`` of each of these claims, in a few queries whatever their number.

    An article page shows up to 10,000 claims with their histories: claim by claim, each
    trail read every claim of each earlier version again.
    """
    lineages = _lineages(session, claim_ids)
    wanted = sorted({i for ids in lineages.values() for i in ids})
    by_claim: dict[int, list[Event]] = {}
    for start in range(0, len(wanted), _ID_BATCH):
        query = select(Event).where(Event.object_type == "claim",
                                    Event.object_id.in_(wanted[start:start + _ID_BATCH]))
        for event in session.scalars(query):
            if event.object_id is not None:
                by_claim.setdefault(event.object_id, []).append(event)
    trails: dict[int, list[EventView]] = {}
    for claim_id, ids in lineages.items():
        events = sorted((e for i in ids for e in by_claim.get(i, [])),
                        key=lambda e: (e.at, e.id))
        trails[claim_id] = [
            EventView(id=e.id, at=e.at, actor=e.actor, action=e.action,
                      object_type=e.object_type, object_id=e.object_id, before=e.before,
                      after=e.after)
            for e in events
        ]
    return trails


_ID_BATCH = 500
"""Ids per ``IN (...)`` (SQLite caps a statement's parameters)."""


# --- helpers -----------------------------------------------------------------------------


def _on_newest_version(session: Session, claim_id: int) -> None:
    """Lock the claim's version, then refuse the write if a newer version exists.

    A write on an older version would stay there, unseen on the newest one (editors' work
    is carried over once, when the new version is stored). Under the lock, a version being
    stored at this moment either is committed already (refused here) or waits for this
    write and carries it over.

    :raises SupersededVersion: a newer version exists; ``current`` names it (409).
    """
    article_id = session.scalar(select(Claim.article_id).where(Claim.id == claim_id))
    if article_id is None:
        raise RecordNotFound(f"no claim {claim_id}")
    lock_version(session, article_id)
    newest = newest_of(session, article_id)
    if newest is not None and newest.id != article_id:
        raise SupersededVersion(
            f"claim {claim_id} belongs to article {article_id}, an older version of "
            f"{newest.name!r}: version {newest.number} (article {newest.id}) has replaced it; "
            "make the change there", version_state(newest))


def _compare_and_set(
    session: Session, model: type[Link] | type[Claim], row_id: int, version: int,
    **values: Any,
) -> None:
    """One atomic write of ``values`` and ``version + 1``, only if the row is at ``version``."""
    table = model.__table__
    statement = (
        update(table)  # type: ignore[arg-type]  # the Core table: no ORM sync needed
        .where(table.c.id == row_id, table.c.version == version)
        # The column plus one, not the sent version plus one: that could pass the column's
        # range even when no row is at that version.
        .values(version=table.c.version + 1, **values)
    )
    if _rowcount(session.execute(statement)) != 1:
        _stale(session, model, row_id, version)
    session.expire_all()  # the ORM's copies are older than the row now


def _stale(session: Session, model: type[Link] | type[Claim], row_id: int, version: int) -> None:
    session.expire_all()
    if model is Link:
        current = _link(session, row_id).snapshot()
    else:
        current = _claim(session, row_id).snapshot()
    kind = model.__tablename__
    raise StaleVersion(
        f"{kind} {row_id} changed since you read it (you sent version {version}, it is at "
        f"version {current['version']}); reload and try again", current
    )


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0))


def _link(session: Session, link_id: int) -> LinkView:
    link = session.get(Link, link_id, populate_existing=True)
    if link is None:
        raise RecordNotFound(f"no link {link_id}")
    return link_view(link)


def _claim(session: Session, claim_id: int) -> ClaimView:
    session.expire_all()
    claim = get_claim(session, claim_id)
    if claim is None:
        raise RecordNotFound(f"no claim {claim_id}")
    return claim


def _record(session: Session, actor: str, action: str, claim_id: int, before: Any,
            after: Any) -> None:
    session.add(Event(at=utcnow(), actor=actor, action=action, object_type="claim",
                      object_id=claim_id, before=before, after=after))
    session.flush()


def _lineages(session: Session, claim_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each claim's id, then those of the same claim in each earlier version (the first
    claim of that version with the same normalised text), for the claims that exist."""
    lineages: dict[int, list[int]] = {}
    keys: dict[int, str] = {}
    heads: dict[int, list[int]] = {}  # article id -> claims whose lineage is walked there
    wanted = sorted(set(claim_ids))
    for start in range(0, len(wanted), _ID_BATCH):
        query = select(Claim.id, Claim.article_id, Claim.text).where(
            Claim.id.in_(wanted[start:start + _ID_BATCH]))
        for claim_id, article_id, text in session.execute(query):
            lineages[claim_id] = [claim_id]
            keys[claim_id] = normalise_claim(text)
            heads.setdefault(article_id, []).append(claim_id)
    for article_id, claims in heads.items():
        walking = claims
        version = session.get(Article, article_id)
        seen = {article_id}
        while walking and version is not None and version.previous_id is not None:
            if version.previous_id in seen:
                break  # a loop of versions would be a corrupt store; stop, as before
            seen.add(version.previous_id)
            first: dict[str, int] = {}
            earlier = (select(Claim.id, Claim.text)
                       .where(Claim.article_id == version.previous_id)
                       .order_by(Claim.position))
            for earlier_id, text in session.execute(earlier):
                first.setdefault(normalise_claim(text), earlier_id)
            still = []
            for claim_id in walking:
                found = first.get(keys[claim_id])
                if found is not None:
                    lineages[claim_id].append(found)
                    still.append(claim_id)
            walking = still
            version = session.get(Article, version.previous_id)
    return lineages
