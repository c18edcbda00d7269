"""Submitting an article: read it, check it (``evidence check``'s pipeline), store it.

The check's CPU-bound steps run in the service's worker processes, its registry requests on
the service's shared client (``evidence.checksteps``). A worker that dies mid-check gives a
500 and stores nothing.

A text already stored under the same name is not checked again: its version is given back.
A new version may name the version it replaces (``replaces``, optimistic like the editors'
writes): when another version was stored since, it is refused with the newest one
(:class:`SupersededVersion`, 409). Without it, a new version goes on top of the newest one,
and two stored at once are numbered one after the other, never both as the same number.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from evidence.check import RegistryAnswers, WrittenReference, ask_registry
from evidence.checksteps import (
    ArticleInput,
    StoreAs,
    Submitted,
    audit_and_store,
    guess_bibliography_format,
    read_article,
)
from evidence.store.articles import document_key
from evidence.store.models import Article
from evidence.store.newest import find_version, newest_replaced
from evidence.web.checkpool import CheckCrashed
from evidence.web.errors import ApiError
from evidence.web.offload import check_limiter, in_worker_thread
from evidence.web.service import Service

if TYPE_CHECKING:
    from refs.crossref import CrossrefClient

__all__ = ["Submitted", "check_replaces", "guess_bibliography_format", "submit_article"]


async def submit_article(
    svc: Service,
    *,
    name: str,
    text: str | None = None,
    data: bytes | None = None,
    format: str | None = "text",
    bibliography: str | None = None,
    bibliography_format: str | None = None,
    actor: str,
    replaces: int | None = None,
    document: str | None = None,
) -> Submitted:
    """Check and store one article, given as its ``text`` or its file's bytes (``data``);
    the stored version.

    :param format: the text's format; for ``data``, None lets the file's name say.
    :param replaces: the id of the version the client read and replaces (None: the newest).
    :param document: the document this is a version of, when its name is not ``name``
        (a new version sent as a file of another format keeps its own name).
    :raises InputError: the article or its bibliography cannot be read at all.
    :raises SupersededVersion: ``replaces`` is no longer the newest version (409).
    :raises ApiError: ``replaces`` names no article (404) or one of another document (409);
        the check's worker process ended before it did (500, nothing stored).
    """
    document = document or name
    if text is not None:
        known = await run_in_threadpool(_known, svc, document, text)
        if known is not None:
            return known
    if replaces is not None:
        # Refused before the check, which is the slow part; the store asks again.
        await run_in_threadpool(check_replaces, svc, document, replaces)
    given = ArticleInput(name=name, text=text, data=data, format=format,
                         bibliography=bibliography, bibliography_format=bibliography_format)
    store = StoreAs(database_url=svc.settings.database_url, name=name, actor=actor,
                    replaces=replaces, document=document)
    # Never on the event loop, nor in the service's process: a large article is minutes of
    # CPU and a million objects (evidence.checksteps).
    async with check_limiter(svc):
        try:
            read = await svc.checks.run(read_article, given)
            if read.text is not None and not read.text.strip():
                # As `evidence check` says of an empty file (a text sent as JSON must not be
                # blank either): nothing to check, and an empty version would be stored.
                raise ApiError(400, f"{name}: the article is empty (no text in it); nothing "
                                    "to check, nothing stored")
            if read.text is not None:  # a file's text, known only now
                known = await run_in_threadpool(_known, svc, document, read.text)
                if known is not None:
                    return known
            answers = await in_worker_thread(svc, partial(_ask, svc, read.written))
            return await svc.checks.run(audit_and_store, read, answers, store)
        except CheckCrashed as exc:
            raise ApiError(500, f"the check of {name!r} stopped before it ended (its worker "
                                "process was ended); nothing of it was stored: submit it "
                                "again") from exc


async def _ask(
    svc: Service, written: list[WrittenReference], client: CrossrefClient | None
) -> RegistryAnswers:
    return await ask_registry([written], settings=svc.settings, sessions=svc.sessions,
                              client=client)


def _known(svc: Service, name: str, text: str) -> Submitted | None:
    with svc.sessions() as session:
        found = find_version(session, name=name, text=text)
        if found is None:
            return None
        row = session.get(Article, found)
        assert row is not None  # found by the query above, in this session
        return Submitted(id=found, previous_id=row.previous_id, number=row.number,
                         created=False)


def check_replaces(svc: Service, name: str, replaces: int) -> None:
    """Refuse a ``replaces`` naming no article (404) or a version of another document (409:
    the request is well formed; the stored article it names is what conflicts).

    :raises SupersededVersion: ``replaces`` is not the newest version of ``name`` (409).
    """
    with svc.sessions() as session:
        row = session.get(Article, replaces)
        if row is None:
            raise ApiError(404, f"replaces: no article {replaces}")
        if row.document_key != document_key(name):
            raise ApiError(409, f"replaces: article {replaces} is a version of {row.name!r}, "
                                f"not of {name!r}")
        newest_replaced(session, name=name, replaces=replaces)
