"""Submitting an article: read it, check it (``evidence check``'s pipeline), store it.

A text already stored under the same name is not checked again: its version is given back.
A new version may name the version it replaces (``replaces``, optimistic like the editors'
writes): when another version was stored since, it is refused with the newest one
(:class:`SupersededVersion`, 409). Without it, a new version goes on top of the newest one,
and two stored at once are numbered one after the other, never both as the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from evidence.articles.model import Article as ReadArticle
from evidence.store.articles import document_key, find_version, newest_replaced, store_check
from evidence.store.models import Article
from evidence.web.errors import ApiError
from evidence.web.offload import run_check
from evidence.web.service import Service

if TYPE_CHECKING:
    from evidence.articles import Article as ParsedArticle
    from evidence.results import CheckResult
    from refs.crossref import CrossrefClient

__all__ = ["Submitted", "guess_bibliography_format", "submit_article"]

@dataclass(frozen=True, slots=True)
class Submitted:
    id: int
    previous_id: int | None
    number: int
    created: bool


def guess_bibliography_format(text: str) -> str:
    """CSL-JSON starts with ``[`` or ``{``; anything else is read as BibTeX."""
    return "csl-json" if text.lstrip().startswith(("[", "{")) else "bibtex"


async def submit_article(
    svc: Service,
    *,
    name: str,
    text: str,
    format: str = "text",
    bibliography: str | None = None,
    bibliography_format: str | None = None,
    actor: str,
    replaces: int | None = None,
    article: ReadArticle | None = None,
) -> Submitted:
    """Check and store one article; the stored version.

    :param replaces: the id of the version the client read and replaces (None: the newest).
    :param article: the article already read (an uploaded Word file or PDF, whose ``text``
        is the text its reader laid out); ``text`` and ``format`` are then its own.
    :raises InputError: the article or its bibliography cannot be read at all.
    :raises SupersededVersion: ``replaces`` is no longer the newest version (409).
    :raises ApiError: ``replaces`` names no article (404) or one of another document (409).
    """
    from evidence.articles import parse_article
    from evidence.check import check_parsed, parse_bibliography

    known = await run_in_threadpool(_known, svc, name, text)
    if known is not None:
        return known
    if replaces is not None:
        # Refused before the check, which is the slow part; save_check asks again.
        await run_in_threadpool(_check_replaces, svc, name, replaces)

    async def check(client: CrossrefClient | None) -> tuple[ParsedArticle, CheckResult]:
        parsed = article if article is not None else parse_article(text, path=name,
                                                                   format=format)
        bibliographies = []
        if bibliography and bibliography.strip():
            fmt = bibliography_format or guess_bibliography_format(bibliography)
            bibliographies.append(parse_bibliography(bibliography, path=f"{name}.bib",
                                                     format=fmt))
        result = await check_parsed([(parsed, bibliographies)], settings=svc.settings,
                                    sessions=svc.sessions, client=client)
        return parsed, result

    # Never on the event loop: a large article is minutes of CPU (evidence.web.offload).
    checked, result = await run_check(svc, check)

    def save() -> Submitted:
        new_id, created = store_check(svc.sessions, checked, result.articles[0], name=name,
                                      actor=actor, replaces=replaces)
        with svc.sessions() as session:
            row = session.get(Article, new_id)
            assert row is not None  # just stored or found, and versions are never deleted
            return Submitted(id=new_id, previous_id=row.previous_id, number=row.number,
                             created=created)

    return await run_in_threadpool(save)


def _known(svc: Service, name: str, text: str) -> Submitted | None:
    with svc.sessions() as session:
        found = find_version(session, name=name, text=text)
        if found is None:
            return None
        row = session.get(Article, found)
        assert row is not None  # found by the query above, in this session
        return Submitted(id=found, previous_id=row.previous_id, number=row.number,
                         created=False)


def _check_replaces(svc: Service, name: str, replaces: int) -> None:
    """Refuse a ``replaces`` naming no article (404) or a version of another document (409:
    the request is well formed; the stored article it names is what conflicts)."""
    with svc.sessions() as session:
        row = session.get(Article, replaces)
        if row is None:
            raise ApiError(404, f"replaces: no article {replaces}")
        if row.document_key != document_key(name):
            raise ApiError(409, f"replaces: article {replaces} is a version of {row.name!r}, "
                                f"not of {name!r}")
        newest_replaced(session, name=name, replaces=replaces)
