"""What the check jobs are doing: the one view and serialiser of a job (CLI and API)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from evidence.store.models import CheckJob
from evidence.vocabulary import JobState

__all__ = ["JobView", "job_counts", "job_dict", "job_view", "job_views", "live_workers"]


@dataclass(frozen=True, slots=True)
class JobView:
    id: int
    name: str
    state: JobState
    attempts: int
    article_id: int | None
    error: str | None
    submitted_at: datetime
    finished_at: datetime | None


_COLUMNS = (CheckJob.id, CheckJob.name, CheckJob.state, CheckJob.attempts, CheckJob.article_id,
            CheckJob.error, CheckJob.submitted_at, CheckJob.finished_at)


def job_views(session: Session, *, ids: Sequence[int] | None = None,
              limit: int | None = None) -> list[JobView]:
    """Jobs newest first (``ids``: those only)."""
    query = select(*_COLUMNS).order_by(CheckJob.id.desc())
    if ids is not None:
        query = query.where(CheckJob.id.in_(ids))
    if limit is not None:
        query = query.limit(limit)
    return [JobView(r[0], r[1], JobState(r[2]), *r[3:]) for r in session.execute(query)]


def job_view(session: Session, job_id: int) -> JobView | None:
    found = job_views(session, ids=[job_id])
    return found[0] if found else None


def job_counts(session: Session, ids: Sequence[int] | None = None) -> Counter[JobState]:
    """How many jobs are in each state (``ids``: among those)."""
    query = select(CheckJob.state, func.count()).group_by(CheckJob.state)
    if ids is not None:
        query = query.where(CheckJob.id.in_(ids))
    return Counter({JobState(state): count for state, count in session.execute(query)})


def live_workers(session: Session, *, within: float) -> int:
    """How many workers sent a heartbeat in the last ``within`` seconds (the engine's
    ``procrastinate_workers``, by the database's clock)."""
    query = text("SELECT count(*) FROM procrastinate_workers "
                 "WHERE last_heartbeat > now() - make_interval(secs => :within)")
    return int(session.execute(query, {"within": within}).scalar_one())


def job_dict(view: JobView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "state": view.state.value,
        "attempts": view.attempts,
        "article_id": view.article_id,
        "error": view.error,
        "submitted_at": view.submitted_at.isoformat(),
        "finished_at": view.finished_at.isoformat() if view.finished_at else None,
    }
