"""Submitting an article: read it, check it (``evidence check``'s pipeline), store it.

A text already stored under the same name is not checked again: its version is given back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from evidence.store.articles import find_version, save_check
from evidence.store.models import Article
from evidence.web.service import Service

__all__ = ["Submitted", "guess_bibliography_format", "submit_article"]


@dataclass(frozen=True, slots=True)
class Submitted:
    id: int
    previous_id: int | None
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
) -> Submitted:
    """Check and store one article; the stored version.

    :raises InputError: the article or its bibliography cannot be read at all.
    """
    from evidence.articles import parse_article
    from evidence.check import check_parsed, parse_bibliography

    known = await run_in_threadpool(_known, svc, name, text)
    if known is not None:
        return known
    article = parse_article(text, path=name, format=format)
    bibliographies = []
    if bibliography and bibliography.strip():
        fmt = bibliography_format or guess_bibliography_format(bibliography)
        bibliographies.append(parse_bibliography(bibliography, path=f"{name}.bib", format=fmt))
    result = await check_parsed([(article, bibliographies)], settings=svc.settings,
                                sessions=svc.sessions, client=svc.client)

    def save() -> Submitted:
        try:
            with svc.sessions.begin() as session:
                new_id = save_check(session, article, result.articles[0], name=name, actor=actor)
                row = session.get(Article, new_id)
                previous = row.previous_id if row is not None else None
        except IntegrityError:
            # The same text sent twice at once: the other request stored it first.
            again = _known(svc, name, text)
            if again is None:
                raise
            return again
        return Submitted(id=new_id, previous_id=previous, created=True)

    return await run_in_threadpool(save)


def _known(svc: Service, name: str, text: str) -> Submitted | None:
    with svc.sessions() as session:
        found = find_version(session, name=name, text=text)
        if found is None:
            return None
        row = session.get(Article, found)
        return Submitted(id=found, previous_id=row.previous_id if row else None, created=False)
