"""Async Crossref REST client: batching, rate limits, retries, typed errors.

Raw Crossref JSON stays inside this package; callers get :class:`refs.Work` records and
per-DOI :class:`Outcome` verdicts.
"""

from __future__ import annotations

from refs.crossref.client import CrossrefClient
from refs.crossref.outcome import ClientStats, Outcome, OutcomeStatus
from refs.crossref.settings import CrossrefSettings, user_agent

__all__ = [
    "ClientStats",
    "CrossrefClient",
    "CrossrefSettings",
    "Outcome",
    "OutcomeStatus",
    "user_agent",
]
