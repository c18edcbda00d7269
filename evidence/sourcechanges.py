"""What the registry changed about a work: its notices, and its record, in our words.

Crossref names an update's kind in its own words (``partial_retraction``, ``erratum``,
``new_version``...); a recheck keeps that word (``notice_type``) and files the change under one
:class:`~evidence.vocabulary.SourceChange`.
"""

from __future__ import annotations

from evidence.store.source_events import SeenChange
from evidence.vocabulary import SourceChange
from refs import Update, Work

__all__ = ["change_kind", "record_changes", "update_change", "with_notice"]

_KINDS: dict[str, SourceChange] = {
    "retraction": SourceChange.RETRACTION,
    "partial_retraction": SourceChange.RETRACTION,
    "removal": SourceChange.RETRACTION,
    "withdrawal": SourceChange.WITHDRAWAL,
    "expression_of_concern": SourceChange.EXPRESSION_OF_CONCERN,
    "new_version": SourceChange.NEW_VERSION,
    "correction": SourceChange.CORRECTION,
    "erratum": SourceChange.CORRECTION,
    "corrigendum": SourceChange.CORRECTION,
    "addendum": SourceChange.CORRECTION,
    "clarification": SourceChange.CORRECTION,
}
"""Crossref's update types (refs.work's spelling: lower case, ``_``) by our kind. A type not
listed here is a change to the record, with the registry's word kept as ``notice_type``."""


def change_kind(update_type: str) -> SourceChange:
    return _KINDS.get(update_type, SourceChange.METADATA_CHANGE)


def update_change(doi: str, update: Update) -> SeenChange:
    """The change a notice makes to the work ``doi`` (``update.doi``: the notice's DOI)."""
    return SeenChange(
        doi=doi, kind=change_kind(update.kind), notice_doi=update.doi, notice_type=update.kind,
        source=update.source, notice_date=update.date.isoformat() if update.date else None,
        detail=None if update.kind in _KINDS else f"notice of type {update.kind!r}",
    )


def with_notice(work: Work, update: Update) -> Work:
    """``work`` with ``update`` among its notices, if its record does not list it yet (the
    registry lists a notice on the work it updates some time after the notice itself)."""
    from dataclasses import replace

    if any((u.kind, u.doi) == (update.kind, update.doi) for u in work.updates):
        return work
    return replace(work, updates=(*work.updates, update))


def record_changes(stored: Work, fetched: Work) -> list[SeenChange]:
    """What differs between the stored record of a work and the registry's record now:
    each notice it did not list, then one metadata change naming the fields that moved."""
    from evidence.lockverify import field_changes

    doi = (fetched.doi or stored.doi or "").lower()
    before = {(u.kind, u.doi) for u in stored.updates}
    found = [update_change(doi, u) for u in fetched.updates if (u.kind, u.doi) not in before]
    fields = field_changes(stored, fetched)
    if fields:
        found.append(SeenChange(doi=doi, kind=SourceChange.METADATA_CHANGE,
                                detail="; ".join(fields)))
    return found
