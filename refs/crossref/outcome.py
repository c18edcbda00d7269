"""What the client says about each DOI it was asked, and what it counted on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from refs.work import Work

__all__ = ["ClientStats", "Outcome", "OutcomeStatus"]

OutcomeStatus = Literal["found", "not-found", "unverified", "invalid"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict on one DOI.

    ``found``: ``work`` holds the record, read from ``source``. ``not-found``: the registry
    said it has no such DOI. ``unverified``: the registry could not be asked or gave no answer
    we can trust (timeout, 429, 5xx, HTML), never a verdict. ``invalid``: not a DOI at all.
    ``reason`` says why for every status but ``found``.
    """

    doi: str
    status: OutcomeStatus
    work: Work | None = None
    reason: str | None = None
    source: str | None = None


@dataclass
class ClientStats:
    """Requests the client sent (every try counts), for benchmarks and tests."""

    requests: int = 0
    answered: int = 0  # requests the registry answered at all (any status): it was reached
    single_requests: int = 0
    list_requests: int = 0
    search_requests: int = 0
    notice_requests: int = 0
    agency_requests: int = 0
    content_negotiation_requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    late: int = 0  # requests kept back, not sent, because they would have left past their slot


class OutcomeTally:
    """Outcomes by DOI as they come in, telling ``progress`` how many are new (internal)."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.outcomes: dict[str, Outcome] = {}
        self._progress = progress

    def add(self, outcome: Outcome, *, key: str | None = None) -> None:
        self._record([(key or outcome.doi, outcome)])

    def add_many(self, outcomes: Iterable[Outcome]) -> None:
        self._record([(outcome.doi, outcome) for outcome in outcomes])

    def _record(self, pairs: list[tuple[str, Outcome]]) -> None:
        fresh = 0
        for key, outcome in pairs:
            fresh += key not in self.outcomes
            self.outcomes[key] = outcome
        if fresh and self._progress is not None:
            self._progress(fresh)
