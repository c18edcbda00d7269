"""Submitting check jobs: each article's bytes stored under a digest, then a job deferred.

The digest covers the bytes, the format the name gives them and the check's options: the
same text submitted twice (by two people, two runs, two server processes) is one job and one
check. The row is written before the job is deferred; a row whose deferral was lost (a crash
in between) is deferred again when the same text is submitted again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procrastinate import App
from procrastinate.types import JSONValue
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from evidence.jobs.engine import CHECK_TASK
from evidence.store.models import CheckJob
from evidence.vocabulary import JobState

__all__ = ["DEFER_BATCH", "Submission", "job_digest", "submit_checks"]

DEFER_BATCH = 500
"""Jobs deferred in one statement."""


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    name: str
    created: bool  # False: the same text (and options) was submitted before


def job_digest(content: bytes, *, name: str, options: dict[str, Any]) -> str:
    """SHA-256 of what decides a check's outcome: the bytes, their format, the options."""
    digest = hashlib.sha256()
    digest.update(Path(name).suffix.lower().encode("utf-8") + b"\0")
    digest.update(json.dumps(options, sort_keys=True).encode("utf-8") + b"\0")
    digest.update(content)
    return digest.hexdigest()


async def submit_checks(
    app: App,
    sessions: sessionmaker[Session],
    files: Sequence[tuple[str, bytes]],
    *,
    options: dict[str, Any] | None = None,
) -> list[Submission]:
    """Store and defer a check of each ``(name, bytes)``; one Submission each, in order."""
    options = options or {}
    rows = await asyncio.to_thread(_store, sessions, files, options)
    undeferred = [row_id for row_id, _name, _created, deferred in rows if not deferred]
    for start in range(0, len(undeferred), DEFER_BATCH):
        chunk = undeferred[start:start + DEFER_BATCH]
        arguments: list[dict[str, JSONValue]] = [{"check_job": row_id} for row_id in chunk]
        engine_ids = await app.configure_task(CHECK_TASK).batch_defer_async(*arguments)
        await asyncio.to_thread(_deferred, sessions, dict(zip(chunk, engine_ids, strict=True)))
    return [Submission(row_id, name, created) for row_id, name, created, _ in rows]


def _store(
    sessions: sessionmaker[Session], files: Sequence[tuple[str, bytes]], options: dict[str, Any]
) -> list[tuple[int, str, bool, bool]]:
    """(id, name, created, deferred already) per file; one transaction for them all."""
    out: list[tuple[int, str, bool, bool]] = []
    with sessions.begin() as session:
        for name, content in files:
            digest = job_digest(content, name=name, options=options)
            statement = insert(CheckJob).values(
                digest=digest, name=name, format=Path(name).suffix.lower().lstrip(".") or None,
                content=content, options=options, state=JobState.QUEUED, attempts=0,
            ).on_conflict_do_nothing(index_elements=[CheckJob.digest]).returning(CheckJob.id)
            new_id = session.scalars(statement).first()
            if new_id is not None:
                out.append((new_id, name, True, False))
                continue
            row = session.scalars(select(CheckJob).where(CheckJob.digest == digest)).one()
            out.append((row.id, row.name, False, row.engine_job_id is not None))
    return out


def _deferred(sessions: sessionmaker[Session], engine_ids: dict[int, int]) -> None:
    with sessions.begin() as session:
        for row_id, engine_id in engine_ids.items():
            session.execute(update(CheckJob).where(CheckJob.id == row_id)
                            .values(engine_job_id=engine_id))
