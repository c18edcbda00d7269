"""The match cache: free-text references and the registry's best DOI for each.

A reference is recognised by a hash of its whitespace- and case-normalised text, so the
same reference in two articles, or in a re-checked version, is asked about once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.store.models import MatchRecord, utcnow

__all__ = ["CachedMatch", "get_matches", "record_match", "reference_hash"]

CachedMatch = tuple[str | None, float]
"""(best DOI above threshold or None, its confidence)."""


def reference_hash(text: str) -> str:
    normal = " ".join(text.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def get_matches(session: Session, texts: Iterable[str]) -> dict[str, CachedMatch]:
    """Cached answers for the texts that have one, keyed by the text as given."""
    by_hash = {reference_hash(t): t for t in texts}
    if not by_hash:
        return {}
    rows = session.scalars(select(MatchRecord).where(MatchRecord.query_hash.in_(by_hash)))
    return {by_hash[r.query_hash]: (r.doi, r.confidence) for r in rows}


def record_match(session: Session, text: str, *, doi: str | None, confidence: float) -> None:
    """Remember the registry's answer for ``text`` (replacing an older one)."""
    record = session.get(MatchRecord, reference_hash(text))
    if record is None:
        session.add(MatchRecord(query_hash=reference_hash(text), text=text, doi=doi,
                                confidence=confidence, asked_at=utcnow()))
    else:
        record.doi, record.confidence, record.asked_at = doi, confidence, utcnow()
