"""Submitting check jobs: each article's bytes stored under a digest, then a job deferred.

A job carries the article's file and the bibliography files that go with it (those it names,
found next to it, and those given with ``--bib``). The digest covers all their bytes, the
format the name gives the article and the check's options: the
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

from evidence.articles import decode_bytes, parse_bytes
from evidence.check import (
    BIBLIOGRAPHY_SUFFIXES,
    named_bibliography_paths,
    parse_submitted,
    written_dois,
)
from evidence.checkconfig import DEFAULT_MAX_ARTICLE_MB
from evidence.errors import InputError
from evidence.jobs.engine import CHECK_TASK
from evidence.store.models import CheckJob
from evidence.vocabulary import JobState

__all__ = ["DEFER_BATCH", "FROM_SERVICE", "JobFile", "Submission", "job_digest", "job_file",
           "read_file", "submit_checks"]

DEFER_BATCH = 500
"""Jobs deferred in one statement."""
FROM_SERVICE = "from_service"
"""The option of a job sent to the service: its worker reads the article as the service's
check in the request does, asking for no bibliography it names (``parse_submitted``)."""


@dataclass(frozen=True, slots=True)
class JobFile:
    """What one job carries: the article's file, and its bibliography files (name, bytes)."""

    name: str
    content: bytes
    bibliographies: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    name: str
    created: bool  # False: the same text (and options) was submitted before


def job_file(path: Path, given: Sequence[tuple[str, bytes]] = (), *,
             max_mb: float = DEFAULT_MAX_ARTICLE_MB, raise_limit: str = "") -> JobFile:
    """An article's file with the bibliographies it names (found next to it, as
    ``evidence check`` finds them) and ``given`` (``--bib``), within the article size limit
    in all: everything the worker needs, read before anything is queued.

    :param max_mb: the limit (``max-article-size``; 0: none); ``raise_limit`` tells the
        submitter how to raise it.
    :raises InputError: a file cannot be read, a named bibliography is missing (and none
        was given), or the whole is over the limit.
    """
    limit = int(max_mb * 1_000_000) if max_mb else None
    content = read_file(path)
    if limit is not None and len(content) > limit:
        raise InputError(_over(path, "the article is", len(content), max_mb, raise_limit))
    named: list[tuple[str, bytes]] = []
    if path.suffix.lower() not in BIBLIOGRAPHY_SUFFIXES:
        article = parse_bytes(content, path=str(path))
        named = [(str(bib), read_file(bib))
                 for bib in named_bibliography_paths(article, given=bool(given))]
    bibliographies = (*named, *given)
    size = len(content) + sum(len(data) for _, data in bibliographies)
    if limit is not None and size > limit:
        raise InputError(_over(path, "the article and its bibliographies are", size, max_mb,
                               raise_limit))
    return JobFile(str(path), content, bibliographies)


def _over(path: Path, what: str, size: int, max_mb: float, raise_limit: str) -> str:
    hint = f"; {raise_limit}" if raise_limit else ""
    return f"{path}: {what} {size} bytes, over the {max_mb:g} MB limit{hint}"


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def job_digest(content: bytes, *, name: str, options: dict[str, Any],
               format: str | None = None,
               bibliographies: Sequence[tuple[str, bytes]] = ()) -> str:
    """SHA-256 of what decides a check's outcome: the bytes, their format (given, or the
    name's extension), the options, and each bibliography's format and bytes."""
    digest = hashlib.sha256()
    digest.update((format or Path(name).suffix.lower()).encode("utf-8") + b"\0")
    digest.update(json.dumps(options, sort_keys=True).encode("utf-8") + b"\0")
    digest.update(content)
    for bib_name, bib_content in bibliographies:
        # Lengths first, so that no split of the same bytes into files gives the same digest.
        header = f"\0{Path(bib_name).suffix.lower()}\0{len(bib_content)}\0"
        digest.update(header.encode("utf-8") + bib_content)
    return digest.hexdigest()


async def submit_checks(
    app: App,
    sessions: sessionmaker[Session],
    files: Sequence[JobFile],
    *,
    options: dict[str, Any] | None = None,
    format: str | None = None,
    ahead: bool = True,
) -> list[Submission]:
    """Store and defer a check of each file; one Submission each, in order.

    :param format: the files' format when their names' extensions do not say it (the
        service's ``format`` field); None: each name's extension.
    :param ahead: read each file here for the DOIs the workers may ask for ahead of its
        job. False for a file the service received (a PDF is seconds to minutes of reading:
        not in the server's process); its job asks for its own DOIs when it runs.
    """
    options = options or {}
    rows = await asyncio.to_thread(_store, sessions, files, options, format, ahead)
    undeferred = [row_id for row_id, _name, _created, deferred in rows if not deferred]
    for start in range(0, len(undeferred), DEFER_BATCH):
        chunk = undeferred[start:start + DEFER_BATCH]
        arguments: list[dict[str, JSONValue]] = [{"check_job": row_id} for row_id in chunk]
        engine_ids = await app.configure_task(CHECK_TASK).batch_defer_async(*arguments)
        await asyncio.to_thread(_deferred, sessions, dict(zip(chunk, engine_ids, strict=True)))
    return [Submission(row_id, name, created) for row_id, name, created, _ in rows]


def _store(
    sessions: sessionmaker[Session], files: Sequence[JobFile], options: dict[str, Any],
    format: str | None, ahead: bool,
) -> list[tuple[int, str, bool, bool]]:
    """(id, name, created, deferred already) per file; one transaction for them all.

    :raises InputError: a bibliography is not text (nothing of the submission is stored).
    """
    out: list[tuple[int, str, bool, bool]] = []
    # Before the transaction: CPU.
    named = not options.get(FROM_SERVICE)
    cited = [_cited_dois(file, format, named=named) if ahead else None for file in files]
    with sessions.begin() as session:
        for file, dois in zip(files, cited, strict=True):
            name = file.name
            digest = job_digest(file.content, name=name, options=options, format=format,
                                bibliographies=file.bibliographies)
            statement = insert(CheckJob).values(
                digest=digest, name=name, format=format, content=file.content,
                bibliographies=[[bib, decode_bytes(data, path=bib)[0]]
                                for bib, data in file.bibliographies] or None,
                options=options, state=JobState.QUEUED, attempts=0, dois=dois,
            ).on_conflict_do_nothing(index_elements=[CheckJob.digest]).returning(CheckJob.id)
            new_id = session.scalars(statement).first()
            if new_id is not None:
                out.append((new_id, name, True, False))
                continue
            row = session.scalars(select(CheckJob).where(CheckJob.digest == digest)).one()
            out.append((row.id, row.name, False, row.engine_job_id is not None))
    return out


def _cited_dois(file: JobFile, format: str | None, *, named: bool) -> list[str] | None:
    """The DOIs the job's check will ask for, so that workers can ask for them ahead; None
    when the file cannot be read (the job says why when it runs)."""
    try:
        bibliographies = [(bib, decode_bytes(data, path=bib)[0])
                          for bib, data in file.bibliographies]
        article, parsed = parse_submitted(file.content, name=file.name, format=format,
                                          bibliographies=bibliographies, named=named)
    except Exception:  # noqa: BLE001 - asking ahead is an optimisation; the job says why
        return None
    return written_dois(article, parsed)


def _deferred(sessions: sessionmaker[Session], engine_ids: dict[int, int]) -> None:
    with sessions.begin() as session:
        for row_id, engine_id in engine_ids.items():
            session.execute(update(CheckJob).where(CheckJob.id == row_id)
                            .values(engine_job_id=engine_id))
