"""Saving a checked article: a new version with its references, claims and links.

Saving the same name and text again gives back the stored version; a changed text is a new
version following the newest one (see ``evidence.store.newest``), and the editors' work on
that one is carried to it (see ``evidence.store.carry_over``).

Every function but ``store_check`` takes the session first and never commits.

Usage::

    with Session.begin() as session:
        article_id = save_check(session, article, result.articles[0], name="spine-pain.md")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article as ParsedArticle
from evidence.errors import StoreError
from evidence.results import (
    ArticleResult,
    ClaimResult,
    ReferenceResult,
    SourceLink,
    UnknownCitation,
)
from evidence.store.articles import content_hash, document_key
from evidence.store.carry_over import carry_over
from evidence.store.models import Article, Base, How, Verdict, WorkRecord, utcnow
from evidence.store.newest import find_version, lock_version, newest_replaced

__all__ = [
    "HOW_RANK",
    "SAVE_ATTEMPTS",
    "save_check",
    "store_check",
]

_CLAIM = Base.metadata.tables["claim"]
_REFERENCE = Base.metadata.tables["reference"]
_LINK = Base.metadata.tables["link"]

HOW_RANK = {How.MARKER.value: 0, How.EDITOR.value: 1, How.INFERRED.value: 2}
"""When a claim points to one reference twice, the link kept is the strongest kind."""


SAVE_ATTEMPTS = 20
"""Stores tried while other versions of the same document keep taking the next number.

A failed try is cheap (the article's insert fails before its claims are written) and waits
for the other writer's commit, so each try is lost to a version that was really stored: of
k writers at once, the last one stores at its k-th try."""


def store_check(
    sessions: sessionmaker[Session],
    article: ParsedArticle,
    result: ArticleResult,
    *,
    name: str,
    actor: str = "evidence",
    replaces: int | None = None,
    then: Callable[[Session, int], None] | None = None,
    document: str | None = None,
) -> tuple[int, bool]:
    """``save_check`` in its own transaction, again while other writers take the number.

    Returns the version's id and whether this call stored it (False: that text was stored
    already, perhaps by a writer racing this one). The service and ``evidence check`` both
    store through here, so two of them writing one document at once never fork it.
    ``then(session, version_id)`` runs in the same transaction (a check job marks itself
    done with the version it stored: both happen, or neither).

    :raises SupersededVersion: ``replaces`` is not the newest version of the document.
    :raises StoreError: other writers kept taking the number ``SAVE_ATTEMPTS`` times.
    """
    for _ in range(SAVE_ATTEMPTS):
        try:
            with sessions.begin() as session:
                known = find_version(session, name=document or name, text=article.text)
                stored = known if known is not None else _save_new(
                    session, article, result, name=name, actor=actor, replaces=replaces,
                    document=document or name)
                if then is not None:
                    then(session, stored)
                return stored, known is None
        except IntegrityError:
            continue  # another writer stored a version first: try again on top of it
    raise StoreError(f"could not store {name!r}: {SAVE_ATTEMPTS} other versions of it were "
                     "stored at the same time; try again")


def save_check(
    session: Session,
    article: ParsedArticle,
    result: ArticleResult,
    *,
    name: str,
    actor: str = "evidence",
    replaces: int | None = None,
    document: str | None = None,
) -> int:
    """Store one checked article with its references, claims and links; its id.

    The same name and text already stored gives back that version's id, untouched. Otherwise
    a new version is stored, linked to the newest one of the same name, and the editors'
    work on that one is carried over (see the module's docstring).

    Another writer storing a version of the same document at the same time makes the flush
    or the commit raise ``IntegrityError`` (the version number is taken): the caller runs
    this again in a new transaction, on top of that version, or gives up.

    :param name: the version's name (a path or any label); versions share it, unless
        ``document`` is given.
    :param actor: who is recorded as carrying editors' work over (the submitter).
    :param replaces: the id of the version the caller read and means to replace; None
        replaces whatever version is newest.
    :param document: the name of the document whose next version this is, when the
        version's own name differs (a new version uploaded as a file of another format:
        ``spine-pain.pdf`` after ``spine-pain.docx``); None: ``name``.
    :raises SupersededVersion: ``replaces`` is not the newest version of the document.
    """
    document = document or name
    known = find_version(session, name=document, text=article.text)
    if known is not None:
        return known
    return _save_new(session, article, result, name=name, actor=actor, replaces=replaces,
                     document=document)


def _save_new(session: Session, article: ParsedArticle, result: ArticleResult, *, name: str,
              actor: str, replaces: int | None, document: str) -> int:
    """``save_check`` once no version of ``document`` with this text is stored."""
    previous = newest_replaced(session, name=document, replaces=replaces)
    if previous is not None:
        # Editors' writes on ``previous`` hold this lock too: each one either commits before
        # the carry-over below reads its claims (and is carried), or waits and then finds
        # that ``previous`` is superseded (409). None is accepted and left behind.
        lock_version(session, previous.id)
    row = Article(
        document_key=document_key(document),
        name=name,
        content_hash=content_hash(article.text),
        format=result.format or article.format,
        title=result.title or article.title,
        text=article.text,
        created_at=utcnow(),
        previous_id=previous.id if previous is not None else None,
        number=previous.number + 1 if previous is not None else 1,
        unknown_citations=_unknown_citations(result.unknown_citations),
    )
    session.add(row)
    session.flush()
    reference_ids = _add_references(session, row, result)
    claim_ids = _add_claims(session, row, result.claims)
    _add_links(session, claim_ids, result.claims, reference_ids)
    if previous is not None:
        carry_over(session, previous=previous, current=row, actor=actor)
    return row.id


def _add_references(session: Session, article: Article, result: ArticleResult) -> list[int]:
    """Insert the references as plain rows (as ``_add_claims`` does); their ids, in order."""
    references = result.references
    if not references:
        return []
    dois = sorted({r.doi.lower() for r in references if r.doi})
    query = select(WorkRecord.doi, WorkRecord.id).where(WorkRecord.doi.in_(dois))
    work_ids = {doi: work_id for doi, work_id in session.execute(query)} if dois else {}
    rows = [
        {
            "article_id": article.id,
            "position": position,
            "text": ref.text,
            "line": ref.line,
            "place": ref.place,
            "written_doi": ref.written_doi,
            "status": ref.status,
            "work_id": work_ids.get(ref.doi.lower()) if ref.doi else None,
            "confidence": ref.confidence,
            "citation_key": ref.key,
            "source_path": _source_path(ref, result.path),
            "reason": ref.reason,
            "mismatches": _mismatches(ref),
        }
        for position, ref in enumerate(references)
    ]
    session.execute(insert(_REFERENCE), rows)
    query_ids = select(_REFERENCE.c.position, _REFERENCE.c.id).where(
        _REFERENCE.c.article_id == article.id)
    ids = {position: reference_id for position, reference_id in session.execute(query_ids)}
    return [ids[position] for position in range(len(references))]


def _source_path(ref: ReferenceResult, article_path: str) -> str | None:
    """The file a reference is written in, kept only when it is not the article itself."""
    return ref.path if ref.path and ref.path != article_path else None


def _mismatches(ref: ReferenceResult) -> list[dict[str, str]] | None:
    if not ref.mismatches:
        return None
    return [{"field": m.field, "written": m.written, "registry": m.registry}
            for m in ref.mismatches]


def _unknown_citations(unknown: Sequence[UnknownCitation]) -> list[dict[str, Any]] | None:
    if not unknown:
        return None
    # "place" only where the file has no lines of its own (Word, PDF): the line says it
    return [{"marker": u.marker, "target": u.target, "line": u.line}
            | ({"place": u.place} if u.place else {}) for u in unknown]


def _add_claims(session: Session, article: Article, claims: Sequence[ClaimResult]) -> list[int]:
    """Insert the claims; their ids, in order.

    Core ``executemany`` over plain dicts, not ORM objects: the largest accepted article has
    about 54,000 claims, and as ORM objects (with their states and links) they were over a
    million tracked objects alive at once, whose full garbage collections stopped every
    thread of the service, its event loop included, for up to 1.5 s (issue 16).
    """
    if not claims:
        return []
    rows = [
        {
            "article_id": article.id,
            "position": position,
            "text": claim.text,
            "line": claim.line,
            "place": claim.place,
            "needs_support": claim.needs_support,
            "reason": "; ".join(claim.reasons) or None,
            "no_source_reason": claim.suppressed,
            "version": 1,  # what the ORM's version counter starts at (Claim.version)
        }
        for position, claim in enumerate(claims)
    ]
    session.execute(insert(_CLAIM), rows)
    del rows
    # Ids by position (unique per article), read back in one query: on both databases, unlike
    # RETURNING over an executemany.
    query = select(_CLAIM.c.position, _CLAIM.c.id).where(_CLAIM.c.article_id == article.id)
    ids = {position: claim_id for position, claim_id in session.execute(query)}
    return [ids[position] for position in range(len(claims))]


def _add_links(
    session: Session,
    claim_ids: list[int],
    claims: Sequence[ClaimResult],
    reference_ids: list[int],
) -> None:
    """Insert the claims' links, as plain rows in one ``executemany`` (see ``_add_claims``)."""
    now = utcnow()
    rows = [
        {
            "claim_id": claim_id,
            "reference_id": reference_ids[source.reference],
            "how": source.how,
            "score": source.score,
            "why": source.why,
            "verdict": Verdict.UNREVIEWED.value,
            "created_at": now,
            "updated_at": now,
            "version": 1,  # the ORM's version counter's start (Link.version)
        }
        for claim_id, claim in zip(claim_ids, claims, strict=True)
        for source in _strongest(claim.sources)
        # a result that names no stored reference is a caller's bug; skip it
        if 0 <= source.reference < len(reference_ids)
    ]
    if rows:
        session.execute(insert(_LINK), rows)


def _strongest(sources: Sequence[SourceLink]) -> list[SourceLink]:
    """One link per reference (the table's unique key), the strongest kind first."""
    best: dict[int, SourceLink] = {}
    for source in sorted(sources, key=lambda s: HOW_RANK.get(s.how, 9)):
        best.setdefault(source.reference, source)
    return list(best.values())
