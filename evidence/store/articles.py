"""Checked articles in the store: saving a check, carrying editors' work to a new version.

An article is stored once per document (``document_key``, from its name) and content: saving
the same text again gives back the stored version; a changed text is a new version linked to
the one before by ``previous_id`` and numbered (``number``: 1, 2, ...; unique per document,
so two versions stored at once cannot both follow the same one). Editors' work on the version
before (verdicts, hand-made links, "needs no source" marks, comments) is carried to claims
whose normalised text did not change; the other claims are new and unreviewed.

Every function takes the session first and never commits.

Usage::

    with Session.begin() as session:
        article_id = save_check(session, article, result.articles[0], name="spine-pain.md")
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from evidence.articles.markers import strip_markers
from evidence.articles.model import Article as ParsedArticle
from evidence.errors import EvidenceError, StoreError
from evidence.folding import plain_words
from evidence.results import (
    ArticleResult,
    ClaimResult,
    ReferenceResult,
    SourceLink,
    UnknownCitation,
)
from evidence.store.models import (
    Article,
    Base,
    Claim,
    Comment,
    Event,
    How,
    Link,
    Reference,
    Verdict,
    WorkRecord,
    utcnow,
)

__all__ = [
    "HOW_RANK",
    "SAVE_ATTEMPTS",
    "SupersededVersion",
    "content_hash",
    "document_key",
    "find_version",
    "latest_version",
    "lock_version",
    "newest_of",
    "newest_replaced",
    "normalise_claim",
    "save_check",
    "store_check",
    "version_state",
]

_CLAIM = Base.metadata.tables["claim"]
_LINK = Base.metadata.tables["link"]

HOW_RANK = {How.MARKER.value: 0, How.EDITOR.value: 1, How.INFERRED.value: 2}
"""When a claim points to one reference twice, the link kept is the strongest kind."""


class SupersededVersion(EvidenceError):
    """The version a new one was to replace is no longer the newest; ``current`` is."""

    def __init__(self, message: str, current: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.current = current

    def __reduce__(self) -> tuple[type[SupersededVersion], tuple[str, dict[str, Any] | None]]:
        # Raised in the service's check workers too, and pickled back to the service.
        return type(self), (str(self), self.current)


def document_key(name: str) -> str:
    """What ties versions of one document together: its name, trimmed, case kept."""
    return name.strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_claim(text: str) -> str:
    """A claim's text with markers, case, accents, punctuation and spacing dropped.

    Two versions' claims are "the same claim" when this is equal: renumbering ``[2]`` to
    ``[3]``, citing by author and year instead, or retyping a quote mark does not make a
    claim new.
    """
    return plain_words(strip_markers(text))


def find_version(session: Session, *, name: str, text: str) -> int | None:
    """The id of the stored version of ``name`` with exactly this text, if any."""
    query = select(Article.id).where(
        Article.document_key == document_key(name), Article.content_hash == content_hash(text)
    )
    return session.scalars(query).first()


def latest_version(session: Session, *, name: str) -> Article | None:
    """The newest stored version of the document called ``name``."""
    query = (
        select(Article)
        .where(Article.document_key == document_key(name))
        .order_by(Article.number.desc(), Article.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


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
) -> tuple[int, bool]:
    """``save_check`` in its own transaction, again while other writers take the number.

    Returns the version's id and whether this call stored it (False: that text was stored
    already, perhaps by a writer racing this one). The service and ``evidence check`` both
    store through here, so two of them writing one document at once never fork it.

    :raises SupersededVersion: ``replaces`` is not the newest version of ``name``.
    :raises StoreError: other writers kept taking the number ``SAVE_ATTEMPTS`` times.
    """
    for _ in range(SAVE_ATTEMPTS):
        try:
            with sessions.begin() as session:
                known = find_version(session, name=name, text=article.text)
                if known is not None:
                    return known, False
                return save_check(session, article, result, name=name, actor=actor,
                                  replaces=replaces), True
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
) -> int:
    """Store one checked article with its references, claims and links; its id.

    The same name and text already stored gives back that version's id, untouched. Otherwise
    a new version is stored, linked to the newest one of the same name, and the editors'
    work on that one is carried over (see the module's docstring).

    Another writer storing a version of the same document at the same time makes the flush
    or the commit raise ``IntegrityError`` (the version number is taken): the caller runs
    this again in a new transaction, on top of that version, or gives up.

    :param name: the document's name (a path or any label); versions share it.
    :param actor: who is recorded as carrying editors' work over (the submitter).
    :param replaces: the id of the version the caller read and means to replace; None
        replaces whatever version is newest.
    :raises SupersededVersion: ``replaces`` is not the newest version of ``name``.
    """
    known = find_version(session, name=name, text=article.text)
    if known is not None:
        return known
    previous = newest_replaced(session, name=name, replaces=replaces)
    if previous is not None:
        # Editors' writes on ``previous`` hold this lock too: each one either commits before
        # the carry-over below reads its claims (and is carried), or waits and then finds
        # that ``previous`` is superseded (409). None is accepted and left behind.
        lock_version(session, previous.id)
    row = Article(
        document_key=document_key(name),
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
    references = _add_references(session, row, result)
    claim_ids = _add_claims(session, row, result.claims)
    _add_links(session, claim_ids, result.claims, references)
    if previous is not None:
        carry_over(session, previous=previous, current=row, actor=actor)
    return row.id


def lock_version(session: Session, article_id: int) -> None:
    """Hold the version ``article_id`` until the transaction ends: writes on it and the
    storing of the version after it take turns.

    A no-op ``UPDATE``, not ``SELECT ... FOR UPDATE``: it locks the row on PostgreSQL and,
    being a write, takes SQLite's one write lock, which a ``SELECT`` would not (SQLite has
    no row locks). Reads after it see what the writer before it committed.
    """
    session.execute(update(Article).where(Article.id == article_id)
                    .values(number=Article.number)
                    .execution_options(synchronize_session=False))


def newest_of(session: Session, article_id: int) -> Article | None:
    """The newest version of the document ``article_id`` belongs to (None: no such article)."""
    key = select(Article.document_key).where(Article.id == article_id).scalar_subquery()
    query = (select(Article).where(Article.document_key == key)
             .order_by(Article.number.desc(), Article.id.desc()).limit(1))
    return session.scalars(query).first()


def version_state(row: Article) -> dict[str, Any]:
    """A stored version as a stale submission is shown it: which one is newest now."""
    return {"id": row.id, "name": row.name, "number": row.number,
            "previous_id": row.previous_id, "created_at": row.created_at}


def carry_over(session: Session, *, previous: Article, current: Article, actor: str) -> int:
    """Copy the editors' work on ``previous`` to the unchanged claims of ``current``.

    Carried: "needs no source" marks; verdicts on links to a reference that is still there
    (same work, else same DOI, else same text); hand-made links; comments (copied with
    their author and time, so the discussion goes on beside the claim). Each claim that
    received something gets a ``claim.carry-over`` event. How many claims received something.
    """
    # Only the claims that hold editors' work become ORM objects (a version can have tens
    # of thousands of claims: see ``_add_claims``); the rest are compared as (id, text) rows.
    first = _first_claim_by_text(session, previous.id)
    worked = _claims_by_id(session, _with_editors_work(session, previous.id) & set(first.values()))
    if not worked:
        return 0
    old_refs = {r.id: _reference_identity(r) for r in _references(session, previous.id)}
    new_refs: dict[tuple[str, str], Reference] = {}
    for reference in _references(session, current.id):
        new_refs.setdefault(_reference_identity(reference), reference)
    pairs: list[tuple[int, Claim]] = []
    for claim_id, text in _claim_texts(session, current.id):
        old = worked.get(first.get(normalise_claim(text), -1))
        if old is not None:
            pairs.append((claim_id, old))
    receiving = _claims_by_id(session, {claim_id for claim_id, _ in pairs})
    carried = 0
    for claim_id, old in pairs:
        claim = receiving[claim_id]
        moved = _carry_claim(session, old, claim, old_refs, new_refs)
        if moved:
            carried += 1
            session.add(
                Event(
                    at=utcnow(),
                    actor=actor,
                    action="claim.carry-over",
                    object_type="claim",
                    object_id=claim.id,
                    before={"claim": old.id, "article": previous.id},
                    after={"claim": claim.id, "article": current.id, "carried": moved},
                )
            )
    session.flush()
    return carried


def newest_replaced(session: Session, *, name: str, replaces: int | None) -> Article | None:
    """The newest version of ``name``, which a new one will follow.

    :raises SupersededVersion: ``replaces`` is given and is not that version.
    """
    newest = latest_version(session, name=name)
    if replaces is None or (newest is not None and newest.id == replaces):
        return newest
    if newest is None:
        raise SupersededVersion(f"article {replaces} is not a version of {name!r}", None)
    raise SupersededVersion(
        f"article {replaces} is not the newest version of {name!r}: version {newest.number} "
        f"(article {newest.id}) is; read it and submit your changes on top of it",
        version_state(newest),
    )


# --- writing a check ---------------------------------------------------------------------


def _add_references(session: Session, article: Article, result: ArticleResult) -> list[Reference]:
    references = result.references
    dois = sorted({r.doi.lower() for r in references if r.doi})
    query = select(WorkRecord.doi, WorkRecord.id).where(WorkRecord.doi.in_(dois))
    work_ids = {doi: work_id for doi, work_id in session.execute(query)} if dois else {}
    rows = [
        Reference(
            article_id=article.id,
            position=position,
            text=ref.text,
            line=ref.line,
            place=ref.place,
            written_doi=ref.written_doi,
            status=ref.status,
            work_id=work_ids.get(ref.doi.lower()) if ref.doi else None,
            confidence=ref.confidence,
            citation_key=ref.key,
            source_path=_source_path(ref, result.path),
            reason=ref.reason,
            mismatches=_mismatches(ref),
        )
        for position, ref in enumerate(references)
    ]
    session.add_all(rows)
    session.flush()
    return rows


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
    references: list[Reference],
) -> None:
    """Insert the claims' links, as plain rows in one ``executemany`` (see ``_add_claims``)."""
    now = utcnow()
    rows = [
        {
            "claim_id": claim_id,
            "reference_id": references[source.reference].id,
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
        if 0 <= source.reference < len(references)
    ]
    if rows:
        session.execute(insert(_LINK), rows)


def _strongest(sources: Sequence[SourceLink]) -> list[SourceLink]:
    """One link per reference (the table's unique key), the strongest kind first."""
    best: dict[int, SourceLink] = {}
    for source in sorted(sources, key=lambda s: HOW_RANK.get(s.how, 9)):
        best.setdefault(source.reference, source)
    return list(best.values())


# --- carrying editors' work over ---------------------------------------------------------


def _carry_claim(
    session: Session,
    old: Claim,
    new: Claim,
    old_refs: dict[int, tuple[str, str]],
    new_refs: dict[tuple[str, str], Reference],
) -> list[dict[str, object]]:
    moved: list[dict[str, object]] = []
    if old.no_source_reason and not new.no_source_reason:
        new.no_source_reason = old.no_source_reason
        moved.append({"no_source_reason": old.no_source_reason})
    links = {link.reference_id: link for link in new.links}
    for link in old.links:
        if link.verdict == Verdict.UNREVIEWED and link.how != How.EDITOR:
            continue
        target = new_refs.get(old_refs[link.reference_id])
        if target is None:
            continue  # the reference left the article; the old version keeps the verdict
        mine = links.get(target.id)
        if mine is None:
            mine = Link(
                claim_id=new.id,
                reference_id=target.id,
                how=link.how,
                score=link.score,
                why=link.why,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
            session.add(mine)
        mine.verdict = link.verdict
        moved.append({"reference": target.id, "how": link.how, "verdict": link.verdict})
    if old.comments:
        session.add_all(Comment(claim_id=new.id, actor=c.actor, text=c.text, at=c.at)
                        for c in old.comments)
        moved.append({"comments": [c.id for c in old.comments]})
    return moved


def _claim_texts(session: Session, article_id: int) -> list[tuple[int, str]]:
    """The article's claims as (id, text), in order."""
    query = (select(_CLAIM.c.id, _CLAIM.c.text).where(_CLAIM.c.article_id == article_id)
             .order_by(_CLAIM.c.position))
    return list(session.execute(query))


def _first_claim_by_text(session: Session, article_id: int) -> dict[str, int]:
    """Normalised text -> the id of the article's first claim with that text."""
    found: dict[str, int] = {}
    for claim_id, text in _claim_texts(session, article_id):
        found.setdefault(normalise_claim(text), claim_id)
    return found


def _with_editors_work(session: Session, article_id: int) -> set[int]:
    """Ids of the article's claims that hold something to carry (see ``_carry_claim``)."""
    reviewed = select(Link.claim_id).where(
        (Link.verdict != Verdict.UNREVIEWED.value) | (Link.how == How.EDITOR.value))
    query = select(Claim.id).where(
        Claim.article_id == article_id,
        Claim.no_source_reason.is_not(None)
        | Claim.id.in_(reviewed)
        | Claim.id.in_(select(Comment.claim_id)),
    )
    return set(session.scalars(query))


_ID_BATCH = 500
"""Ids per ``IN (...)`` when loading claims by id (SQLite caps a statement's parameters)."""


def _claims_by_id(session: Session, ids: set[int]) -> dict[int, Claim]:
    """These claims, with their links and comments loaded."""
    ordered = sorted(ids)
    found: dict[int, Claim] = {}
    for start in range(0, len(ordered), _ID_BATCH):
        query = (select(Claim).where(Claim.id.in_(ordered[start:start + _ID_BATCH]))
                 .options(selectinload(Claim.links), selectinload(Claim.comments)))
        found.update((claim.id, claim) for claim in session.scalars(query))
    return found


def _references(session: Session, article_id: int) -> list[Reference]:
    query = (
        select(Reference)
        .where(Reference.article_id == article_id)
        .order_by(Reference.position)
        .options(selectinload(Reference.work))
    )
    return list(session.scalars(query))


def _reference_identity(reference: Reference) -> tuple[str, str]:
    """The same work, else the same DOI, else the same text: the same reference."""
    if reference.work_id is not None:
        return ("work", str(reference.work_id))
    if reference.written_doi:
        return ("doi", reference.written_doi.lower())
    return ("text", normalise_claim(reference.text))

