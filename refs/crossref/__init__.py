"""Async Crossref REST client: batching, rate limits, retries, typed errors.

Raw Crossref JSON stays inside this package; callers get :class:`refs.Work` records and
per-DOI :class:`Outcome` verdicts.

:class:`CrossrefClient` is imported on first use: it brings httpx (~0.06 s), which a caller
that only reads settings or outcomes, such as an offline check, never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from refs.crossref.outcome import ClientStats, Outcome, OutcomeStatus
from refs.crossref.settings import CrossrefSettings, user_agent

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = [
    "ClientStats",
    "CrossrefClient",
    "CrossrefSettings",
    "Outcome",
    "OutcomeStatus",
    "user_agent",
]


def __getattr__(name: str) -> Any:
    if name == "CrossrefClient":
        from refs.crossref.client import CrossrefClient

        return CrossrefClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
