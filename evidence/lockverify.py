"""``evidence lock --verify``: does the registry still say what the lock says?

Every locked DOI is asked again (in the client's list batches; the store is neither read nor
written), and each answer is compared with the locked one on what the audit and the linker
read. A DOI the registry could not be asked about is kept apart: an outage is never "nothing
changed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evidence.config import Settings
from evidence.lock import Lock, LockedWork, record_digest, work_to_table
from refs import Update, Work
from refs.crossref import Outcome

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = ["Verdict", "changes", "field_changes", "verify_lock"]

FIELDS = {
    "title": "title",
    "issued": "year",
    "authors": "authors",
    "container": "journal",
    "short-container": "journal abbreviation",
    "volume": "volume",
    "issue": "issue",
    "pages": "pages",
    "type": "type",
    "abstract": "abstract",
}
"""Locked fields whose change is reported, with the word the report uses."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What verifying a lock found: changes by DOI, DOIs not verified (with why), and DOIs
    whose record changed only in what no check reads (its digest)."""

    changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unverified: Mapping[str, str] = field(default_factory=dict)
    drifted: tuple[str, ...] = ()
    asked: int = 0


async def verify_lock(
    lock: Lock, settings: Settings, client: CrossrefClient | None = None
) -> Verdict:
    """Ask the registry about every locked DOI and compare."""
    dois = sorted(lock.works)
    if client is None:
        from evidence.registry import registry_client
        from refs.crossref.deadline import registry_deadline

        with registry_deadline(settings.registry_wait):
            async with registry_client(settings) as own:
                outcomes = await own.works(dois)
    else:
        outcomes = await client.works(dois)
    changed: dict[str, tuple[str, ...]] = {}
    unverified: dict[str, str] = {}
    drifted: list[str] = []
    for doi, outcome in zip(dois, outcomes, strict=True):
        if outcome.status in ("unverified", "invalid"):
            unverified[doi] = outcome.reason or "no answer"
            continue
        found = changes(lock.works[doi], outcome)
        if found:
            changed[doi] = tuple(found)
        elif outcome.work is not None and lock.works[doi].digest not in (
                None, record_digest(outcome.work.raw)):
            drifted.append(doi)
    return Verdict(changed=changed, unverified=unverified, drifted=tuple(drifted),
                   asked=len(dois))


def changes(entry: LockedWork, outcome: Outcome) -> list[str]:
    """What the registry says now that the lock does not, notices first."""
    if entry.status == "resolved" and outcome.status == "not-found":
        return [f"no longer in the registry ({outcome.reason or 'not found'})"]
    if entry.status == "not-found":
        if outcome.status == "found" and outcome.work is not None:
            return [f"now in the registry: {outcome.work.title!r}"]
        return []
    if entry.work is None or outcome.work is None:
        return []
    return [*_notices(entry.work, outcome.work), *field_changes(entry.work, outcome.work)]


def _notices(old: Work, new: Work) -> list[str]:
    before = {(u.kind, u.doi) for u in old.updates}
    now = {(u.kind, u.doi) for u in new.updates}
    out = [f"{_what(u)}: notice {u.doi or '(no DOI)'}{_said(u)}"
           for u in sorted(new.updates, key=_order) if (u.kind, u.doi) not in before]
    out += [f"notice {u.doi or '(no DOI)'} ({u.kind}) is no longer listed"
            for u in sorted(old.updates, key=_order) if (u.kind, u.doi) not in now]
    return out


def _order(update: Update) -> tuple[bool, str, str]:
    return (not update.is_retraction, update.kind, update.doi or "")


def _what(update: Update) -> str:
    if update.is_retraction:
        return f"retracted ({update.kind.replace('_', ' ')})"
    if update.is_correction:
        return f"corrected ({update.kind.replace('_', ' ')})"
    return f"updated ({update.kind.replace('_', ' ')})"


def _said(update: Update) -> str:
    parts = [p for p in (update.source, update.date.isoformat() if update.date else None) if p]
    return f" ({', '.join(parts)})" if parts else ""


def field_changes(old: Work, new: Work) -> list[str]:
    """What changed between two records of a work in the fields a check reads."""
    before, now = work_to_table(old), work_to_table(new)
    out = []
    for key, word in FIELDS.items():
        a, b = before.get(key), now.get(key)
        if a == b:
            continue
        if key == "issued":
            a, b = old.year, new.year
            if a == b:
                continue  # the same year, a finer date: nothing a check reads changed
        out.append(f"{word} changed: {_show(a)} -> {_show(b)}")
    return out


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        names = [a.get("family") or a.get("literal") or a.get("given") or "?" for a in value]
        return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    text = str(value)
    return repr(text if len(text) <= 80 else text[:77] + "...")
