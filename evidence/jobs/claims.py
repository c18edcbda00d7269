"""DOIs being asked for: several processes never ask the registry for the same DOI at once.

Before asking, a process claims the DOIs it lacks (a ``doi_claim`` row each); those another
process holds it waits for, then reads from the store. A claim older than ``stale_after``
(its process died mid-ask) may be taken over, so a crash never leaves a DOI unaskable.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from evidence.store.engine import reading
from evidence.store.models import DoiClaim

__all__ = ["DoiClaims"]

CLAIM_POLL = 0.1
"""Seconds between looks at the DOIs another process is asking for."""

# One statement text whatever the number of DOIs (an array, not a VALUES row each): the ORM
# insert of a list's worth compiled anew for each length, ~10 ms of a worker's CPU a claim
# of 400 DOIs read ahead (issue 14, many workers). Rows in sorted order, so two processes
# claiming overlapping sets lock them in one order; another's claim is taken over only once
# stale, one's own too when renewing (claimed when read ahead, now asked).
_CLAIM = text("""
INSERT INTO doi_claim (doi, owner, claimed_at)
SELECT doi, :owner, :now FROM unnest(CAST(:dois AS text[])) WITH ORDINALITY AS t(doi, n)
 ORDER BY n
ON CONFLICT (doi) DO UPDATE SET owner = excluded.owner, claimed_at = excluded.claimed_at
 WHERE doi_claim.claimed_at < :stale OR (:renew AND doi_claim.owner = :owner)
RETURNING doi
""")
_RELEASE = text("DELETE FROM doi_claim WHERE doi = ANY(CAST(:dois AS text[])) AND owner = :owner")


class DoiClaims:
    """Claims on DOIs in the store's ``doi_claim`` table (PostgreSQL)."""

    def __init__(self, sessions: sessionmaker[Session], *, stale_after: float = 120.0) -> None:
        self.sessions = sessions
        self.stale_after = stale_after
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def claim(self, dois: Sequence[str], *, renew: bool = False) -> list[str]:
        """Those of ``dois`` this process now asks for; the rest another process is asking.

        ``renew``: those this process holds already are its too (claimed when read ahead).
        """
        return await asyncio.to_thread(self._claim, sorted(set(dois)), renew)

    async def release(self, dois: Sequence[str]) -> None:
        await asyncio.to_thread(self._release, list(dois))

    async def wait(self, dois: Sequence[str], *, timeout: float) -> None:
        """Until no other process holds a fresh claim on any of ``dois`` (or ``timeout``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await asyncio.to_thread(self._held_elsewhere, list(dois)):
            if loop.time() >= deadline:
                return
            await asyncio.sleep(CLAIM_POLL)

    def _claim(self, dois: list[str], renew: bool = False) -> list[str]:
        if not dois:
            return []
        now = datetime.now(UTC)
        stale = now - timedelta(seconds=self.stale_after)
        with self.sessions.begin() as session:
            claimed = session.scalars(_CLAIM, {"dois": dois, "owner": self.owner, "now": now,
                                               "stale": stale, "renew": renew})
            return sorted(claimed.all())

    def _release(self, dois: list[str]) -> None:
        if not dois:
            return
        with self.sessions.begin() as session:
            session.execute(_RELEASE, {"dois": dois, "owner": self.owner})

    def _held_elsewhere(self, dois: list[str]) -> bool:
        stale = datetime.now(UTC) - timedelta(seconds=self.stale_after)
        query = select(DoiClaim.doi).where(DoiClaim.doi.in_(dois), DoiClaim.owner != self.owner,
                                           DoiClaim.claimed_at >= stale).limit(1)
        with reading(self.sessions) as session:  # COMMIT keeps the prepared statements
            return session.scalars(query).first() is not None
