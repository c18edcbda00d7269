"""A submitted article's check, split between a worker process and the service (issue 16).

A check is CPU (reading sentences, finding claims, linking, the audit, building the rows to
store), then I/O (the registry), then CPU again. The registry's requests must go through the
service's one Crossref client, so that its rate limits are shared by every check. So the check
runs in three steps:

1. :func:`read_article` in a worker process: read the article (its text, or an uploaded
   file) and its bibliography into the written references (small: they cross to the
   service) and the article itself, pickled (``Read.article``: the service holds it as one
   ``bytes`` object, never unpickling its hundreds of thousands of objects, so its own
   garbage collections stay short). An uploaded PDF of 400 pages took 31 s to read here.
2. ``evidence.check.ask_registry`` in the service, through its shared client (a worker thread
   with its own loop, ``evidence.web.offload``): store and registry I/O, little CPU.
3. :func:`audit_and_store` in a worker process: claims, links, findings, then the store, in one
   transaction; only the stored version's numbers come back. A worker killed before the commit
   stores nothing.

Why not the whole check in the worker with a client that sends its requests back over a pipe:
that needs a request/answer protocol both ways, the registry's deadline carried across by hand,
and a client in each process that only pretends to be one. Here every crossing is one call with
picklable arguments, and the registry step is the code ``evidence check`` runs. The cost is
pickling the article once each way: 0.13 s and 0.05 s for 15,000 sentences, against 1.2 s of
reading and 2.8 s of auditing; for the largest accepted article (54,259 sentences) the whole
submission took 3 to 7 % longer than in a thread (``benchmarks/long_paragraph.py``).
``evidence check`` (the CLI) still runs everything in its own process.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article
from evidence.check import (
    RegistryAnswers,
    WrittenReference,
    audit_articles,
    parse_bibliography,
    written_references,
)

__all__ = ["ArticleInput", "Read", "StoreAs", "Submitted", "audit_and_store",
           "pasted_bibliography_name", "read_article"]


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """A submitted article as the service received it: its text, or its file's bytes."""

    name: str
    text: str | None = None
    data: bytes | None = None
    """An uploaded file (Word, PDF, or any format its name or ``format`` says), read here:
    a large PDF is minutes of CPU."""
    format: str | None = "text"
    bibliography: str | None = None
    bibliography_format: str | None = None


@dataclass(frozen=True, slots=True)
class Read:
    written: list[WrittenReference]
    article: bytes
    """The read article, pickled: opaque to the service, unpickled by the worker that audits."""
    text: str | None = None
    """The text read from a file (``ArticleInput.data``): the service looks it up among the
    stored versions before going on."""


@dataclass(frozen=True, slots=True)
class StoreAs:
    database_url: str
    name: str
    actor: str
    replaces: int | None = None
    document: str | None = None
    """The document this is a version of, when not ``name`` (see ``save_check``)."""


@dataclass(frozen=True, slots=True)
class Submitted:
    id: int
    previous_id: int | None
    number: int
    created: bool


def guess_bibliography_format(text: str) -> str:
    """CSL-JSON starts with ``[`` or ``{``; anything else is read as BibTeX."""
    return "csl-json" if text.lstrip().startswith(("[", "{")) else "bibtex"


def pasted_bibliography_name(name: str, format: str) -> str:
    """The name of a bibliography pasted with article ``name``, in messages, findings and a
    check job's files: ``NAME.json`` for CSL-JSON, ``NAME.bib`` for BibTeX. The same whether
    the request or a worker checks it; a job reads the format from the extension."""
    return f"{name}.json" if format == "csl-json" else f"{name}.bib"


def read_article(given: ArticleInput) -> Read:
    """Step 1, in a worker: the article and its bibliography read.

    :raises InputError: the article or its bibliography cannot be read at all.
    """
    from evidence.articles import parse_article, parse_bytes

    if given.data is not None:
        parsed = parse_bytes(given.data, path=given.name, format=given.format)
    else:
        parsed = parse_article(given.text or "", path=given.name, format=given.format or "text")
    bibliographies = []
    if given.bibliography and given.bibliography.strip():
        fmt = given.bibliography_format or guess_bibliography_format(given.bibliography)
        bibliographies.append(parse_bibliography(
            given.bibliography, path=pasted_bibliography_name(given.name, fmt), format=fmt))
    return Read(written=written_references(parsed, bibliographies),
                article=pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL),
                text=parsed.text if given.data is not None else None)


def audit_and_store(read: Read, answers: RegistryAnswers, store: StoreAs) -> Submitted:
    """Step 3, in a worker: claims, links and findings, stored in one transaction.

    :raises SupersededVersion: ``store.replaces`` is no longer the newest version (409).
    """
    from evidence.store.models import Article as StoredArticle
    from evidence.store.saving import store_check

    article: Article = pickle.loads(read.article)  # made by read_article, in a worker
    result = audit_articles([article], [read.written], answers)
    sessions = _sessions(store.database_url)
    new_id, created = store_check(sessions, article, result.articles[0], name=store.name,
                                  actor=store.actor, replaces=store.replaces,
                                  document=store.document)
    with sessions() as session:
        row = session.get(StoredArticle, new_id)
        assert row is not None  # just stored or found, and versions are never deleted
        return Submitted(id=new_id, previous_id=row.previous_id, number=row.number,
                         created=created)


_SESSIONS: dict[str, sessionmaker[Session]] = {}
"""The worker's sessions on each store, made on its first step there (the service migrated it)."""


def _sessions(url: str) -> sessionmaker[Session]:
    if url not in _SESSIONS:
        from evidence.store.engine import make_engine, session_factory

        _SESSIONS[url] = session_factory(make_engine(url))
    return _SESSIONS[url]
