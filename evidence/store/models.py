"""The database tables, as SQLAlchemy 2.0 typed models.

Every change here is an Alembic migration (``alembic/versions/``); ``tests/test_migrations.py``
runs ``alembic check`` so models and migrations cannot drift apart.

* ``WorkRecord`` (work) with ``WorkAuthor`` (work_author) and ``WorkUpdate`` (work_update):
  what a DOI names, as read from the registry or imported from a file.
* ``Lookup`` (lookup): the registry's negative answers, so they are not asked again.
* ``Article`` -> ``Reference`` and ``Claim``; ``Link`` is the claim -> reference association
  object that carries how it was made, its score and the editors' verdict.
* ``SourceEvent`` (source_event): a change the registry made to a stored work after it was
  fetched (a retraction, a correction... seen by ``evidence recheck``), kept as history;
  ``SourceAlert`` (source_alert) ties one to each article that cites the work;
  ``RecheckCursor`` (recheck_cursor): where the last complete walk of the notices began.
* ``CheckJob`` (check_job): an article submitted to the job engine, keyed by a digest of its
  bytes and options; ``RegistryBudget`` (registry_budget) and ``DoiClaim`` (doi_claim): the
  registry's limits and the DOIs being asked, shared by every process of one contact.
* ``Event`` (the audit trail), ``Comment`` (editors' notes on claims), ``Token`` (API tokens),
  ``WebSession`` (the pages' signed-in browsers, each under a token).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    TIMESTAMP,
    CheckConstraint,
    Date,
    Dialect,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from evidence.vocabulary import How, JobState, ReferenceStatus, Role, SourceChange, Verdict

__all__ = [
    "NAMING_CONVENTION",
    "REGISTRY_ORIGINS",
    "Article",
    "Base",
    "BibBlock",
    "CheckJob",
    "Claim",
    "Comment",
    "Direction",
    "DoiClaim",
    "Event",
    "How",
    "JobState",
    "Link",
    "Lookup",
    "MatchRecord",
    "ReferenceStatus",
    "RecheckCursor",
    "Reference",
    "RegistryBudget",
    "Role",
    "SourceAlert",
    "SourceEvent",
    "Token",
    "UTCDateTime",
    "Verdict",
    "WebSession",
    "WorkAuthor",
    "WorkRecord",
    "WorkUpdate",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, fixed from revision 1 so SQLite batch migrations can address them."""

REGISTRY_ORIGINS = frozenset({"crossref", "doi.org"})
"""Origins that are the registry's word; a file import never overwrites their metadata."""


class Direction(StrEnum):
    UPDATED_BY = "updated-by"  # a notice about this work (Work.updates)
    UPDATE_TO = "update-to"  # this work is a notice about another (Work.notice_of)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _one_of(column: str, values: type[StrEnum], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class UTCDateTime(TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE`` that always hands back aware UTC datetimes.

    SQLite keeps no zone, so values are stored as naive UTC there and made aware on the way
    out. A naive datetime is refused: it is a local time of unknown zone, a bug to catch early.
    """

    impl = TIMESTAMP(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware one (datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), str: Text()}


_JSON = JSON(none_as_null=True)


# --- works -------------------------------------------------------------------------------


class WorkRecord(Base):
    """One work: by DOI (lower case), or by ``fingerprint`` when it has no DOI."""

    __tablename__ = "work"
    __table_args__ = (CheckConstraint("doi = lower(doi)", name="doi_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doi: Mapped[str | None] = mapped_column(unique=True)
    fingerprint: Mapped[str | None] = mapped_column(unique=True)
    citation_key: Mapped[str | None]
    type: Mapped[str | None]
    title: Mapped[str] = mapped_column(default="")
    title_raw: Mapped[str | None]
    container_title: Mapped[str | None]
    short_container_title: Mapped[str | None]
    volume: Mapped[str | None]
    issue: Mapped[str | None]
    pages: Mapped[str | None]
    publisher: Mapped[str | None]
    issn: Mapped[list[str] | None] = mapped_column(_JSON)
    issued_year: Mapped[int | None]
    issued_month: Mapped[int | None]
    issued_day: Mapped[int | None]
    abstract: Mapped[str | None]
    url: Mapped[str | None]
    raw: Mapped[Any] = mapped_column(_JSON, nullable=True)
    origin: Mapped[str]
    source_url: Mapped[str | None]
    fetched_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    authors: Mapped[list[WorkAuthor]] = relationship(
        order_by="WorkAuthor.position", cascade="all, delete-orphan", passive_deletes=True
    )
    updates: Mapped[list[WorkUpdate]] = relationship(
        order_by="(WorkUpdate.direction, WorkUpdate.position)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class WorkAuthor(Base):
    __tablename__ = "work_author"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    family: Mapped[str | None]
    given: Mapped[str | None]
    literal: Mapped[str | None]
    orcid: Mapped[str | None]


class WorkUpdate(Base):
    """A notice about a work (``updated-by``), or the work a notice is about (``update-to``)."""

    __tablename__ = "work_update"
    __table_args__ = (
        UniqueConstraint("work_id", "direction", "kind", "notice_doi", "source"),
        _one_of("direction", Direction, "direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"))
    direction: Mapped[str]
    position: Mapped[int]
    kind: Mapped[str]
    notice_doi: Mapped[str | None]
    source: Mapped[str | None]
    date_year: Mapped[int | None]
    date_month: Mapped[int | None]
    date_day: Mapped[int | None]
    label: Mapped[str | None]


class Lookup(Base):
    """A negative answer of the registry: it said there is no such DOI."""

    __tablename__ = "lookup"
    __table_args__ = (CheckConstraint("doi = lower(doi)", name="doi_lower_case"),)

    doi: Mapped[str] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(default="not-found")
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_url: Mapped[str | None]


class MatchRecord(Base):
    """The registry's answer to a free-text reference: its best DOI, or none above threshold.

    Kept so that a warm store checks references without DOIs with no network at all.
    """

    __tablename__ = "match"

    query_hash: Mapped[str] = mapped_column(primary_key=True)
    text: Mapped[str]
    doi: Mapped[str | None]
    confidence: Mapped[float]
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)


class BibBlock(Base):
    """A block of an imported .bib file exactly as written (``@entry``, ``@string``,
    ``@preamble``), in file order, so that an export gives the file back as it came: every
    entry (also one sharing a DOI or a key with another), key, field, macro and brace.

    ``work_id`` is the work an entry was read as; exporting with the registry's metadata
    replaces the fields the registry knows and says what changed.
    """

    __tablename__ = "bib_block"
    __table_args__ = (UniqueConstraint("source", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str]  # the imported file's path, absolute; importing it again replaces
    position: Mapped[int]
    kind: Mapped[str]  # entry, string, preamble
    citation_key: Mapped[str | None]  # as written, before any renaming of a repeated key
    line: Mapped[int]
    raw: Mapped[str]
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- articles, claims, references, links -------------------------------------------------


class Article(Base):
    """One version of one document; ``previous`` links it to the version before."""

    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("document_key", "content_hash"),
        # Two submissions at once cannot both become version N + 1 of a document: the
        # second one's insert fails and it is retried on top of the first (or refused).
        Index("uq_article_document_key_number", "document_key", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_key: Mapped[str] = mapped_column(index=True)
    # 1 for a document's first version, then 2, 3... Always written; the column is nullable
    # only because SQLite cannot make an added column NOT NULL without rebuilding the table,
    # and dropping the old article table would cascade-delete every claim and reference.
    number: Mapped[int] = mapped_column(nullable=True)
    name: Mapped[str]
    content_hash: Mapped[str]
    format: Mapped[str]
    title: Mapped[str | None]
    text: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    # Markers that point to no reference: [{"marker", "target", "line"}]; None = none.
    unknown_citations: Mapped[list[dict[str, Any]] | None] = mapped_column(_JSON)

    previous: Mapped[Article | None] = relationship(remote_side=[id])
    references: Mapped[list[Reference]] = relationship(
        back_populates="article",
        order_by="Reference.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article",
        order_by="Claim.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Reference(Base):
    """An entry of an article's reference list, as written, and what it resolved to."""

    __tablename__ = "reference"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        _one_of("status", ReferenceStatus, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str]
    line: Mapped[int | None]
    place: Mapped[str | None]  # "page 2, line 14" where the file has no lines (Word, PDF)
    written_doi: Mapped[str | None]
    status: Mapped[str]
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    confidence: Mapped[float | None]
    citation_key: Mapped[str | None]
    source_path: Mapped[str | None]  # the file it is written in (a .bib); None: the article
    reason: Mapped[str | None]  # why unverified / not found / invalid
    # Written details the registry disagrees with, as the check found them:
    # [{"field", "written", "registry"}]; None = none.
    mismatches: Mapped[list[dict[str, str]] | None] = mapped_column(_JSON)

    article: Mapped[Article] = relationship(back_populates="references")
    work: Mapped[WorkRecord | None] = relationship()
    links: Mapped[list[Link]] = relationship(
        back_populates="reference", cascade="all, delete-orphan", passive_deletes=True
    )


class Claim(Base):
    """A sentence of an article; ``version`` guards editors' changes (optimistic locking)."""

    __tablename__ = "claim"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str]
    line: Mapped[int | None]
    place: Mapped[str | None]  # "page 2, line 14" where the file has no lines (Word, PDF)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    needs_support: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None]
    no_source_reason: Mapped[str | None]
    version: Mapped[int] = mapped_column()

    article: Mapped[Article] = relationship(back_populates="claims")
    links: Mapped[list[Link]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", passive_deletes=True
    )
    comments: Mapped[list[Comment]] = relationship(
        order_by="Comment.at", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class Link(Base):
    """Claim -> reference (association object): how it was made, its score, the verdict."""

    __tablename__ = "link"
    __table_args__ = (
        UniqueConstraint("claim_id", "reference_id"),
        _one_of("how", How, "how"),
        _one_of("verdict", Verdict, "verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    reference_id: Mapped[int] = mapped_column(
        ForeignKey("reference.id", ondelete="CASCADE"), index=True
    )
    how: Mapped[str]
    score: Mapped[float | None]
    why: Mapped[str | None]  # inferred links: what made the linker pick it
    verdict: Mapped[str] = mapped_column(default=Verdict.UNREVIEWED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column()

    claim: Mapped[Claim] = relationship(back_populates="links")
    reference: Mapped[Reference] = relationship(back_populates="links")

    __mapper_args__ = {"version_id_col": version}


# --- audit trail, comments, tokens -------------------------------------------------------


class Event(Base):
    """Who did what to which object, when, with the object before and after."""

    __tablename__ = "event"
    __table_args__ = (Index(None, "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str]
    action: Mapped[str]
    object_type: Mapped[str]
    object_id: Mapped[int | None]
    before: Mapped[Any] = mapped_column(_JSON, nullable=True)
    after: Mapped[Any] = mapped_column(_JSON, nullable=True)


class Comment(Base):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str]
    text: Mapped[str]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Token(Base):
    """An API token; only its hash is kept."""

    __tablename__ = "token"
    __table_args__ = (_one_of("role", Role, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    role: Mapped[str]
    hash: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the pages' cookie names one of these, never an API token.

    Only the hash of the cookie's secret is kept. A session ends when its person signs out
    (``ended_at``), when it expires (``expires_at``) or when its token is revoked.
    """

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("token.id", ondelete="CASCADE"),
                                          index=True)
    hash: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# --- what the registry changed after the check (evidence recheck) -------------------------


class SourceEvent(Base):
    """A change the registry made to a stored work, as ``evidence recheck`` saw it.

    Rows are only ever added: a later notice is a new row, never an edit of an older one,
    so the store keeps the history of what was seen when.
    """

    __tablename__ = "source_event"
    __table_args__ = (
        _one_of("kind", SourceChange, "kind"),
        CheckConstraint("doi = lower(doi)", name="doi_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    doi: Mapped[str] = mapped_column(index=True)  # kept should the work row ever go
    kind: Mapped[str]
    notice_doi: Mapped[str | None]
    notice_type: Mapped[str | None]  # the registry's own word (partial_retraction, erratum)
    source: Mapped[str | None]  # who said so: publisher, retraction-watch
    notice_date: Mapped[str | None]  # as dated by the notice: 2023, 2023-07 or 2023-07-06
    detail: Mapped[str | None]  # for a metadata change: what changed
    via: Mapped[str]  # notices (the walk of update notices) or works (re-fetched records)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SourceAlert(Base):
    """An article (version) that cites a work a ``SourceEvent`` is about; editors work
    through these, and acknowledging one is an ``Event`` of the audit trail."""

    __tablename__ = "source_alert"
    __table_args__ = (UniqueConstraint("event_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("source_event.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecheckCursor(Base):
    """Where the next walk of the registry's update notices starts: the index date at which
    the last complete one began (saved only once a walk has read every page)."""

    __tablename__ = "recheck_cursor"

    name: Mapped[str] = mapped_column(primary_key=True)  # "notices"
    from_index_date: Mapped[date] = mapped_column(Date)
    walked_at: Mapped[datetime]
    requests: Mapped[int]


# --- the job engine (evidence.jobs) --------------------------------------------------------


class CheckJob(Base):
    """An article submitted for a check by a worker: its bytes (and its bibliography files'
    texts) until it is done, and what became of it.

    ``digest`` (of the bytes, the name's format and the options) is unique: the same text
    submitted twice is one check. ``state`` is queued, running, done or failed; the job engine
    (procrastinate) keeps its own row, ``engine_job_id``, for retries and crashed workers.
    """

    __tablename__ = "check_job"
    __table_args__ = (_one_of("state", JobState, "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    format: Mapped[str | None]  # as the submitter gave it; None: the name's extension says
    # Dropped (None) once the job is done and its version stored; a failed job keeps them.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # [[name, text], ...] of the bibliography files the article came with; None: none.
    bibliographies: Mapped[list[list[str]] | None] = mapped_column(_JSON)
    # The normalised DOIs the article (and its bibliographies) write, read at submit time
    # so that workers ask for them ahead of the job; None: not known.
    dois: Mapped[list[str] | None] = mapped_column(_JSON)
    options: Mapped[dict[str, Any]] = mapped_column(_JSON)
    state: Mapped[str]
    attempts: Mapped[int] = mapped_column(default=0)
    engine_job_id: Mapped[int | None]
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"))
    error: Mapped[str | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class RegistryBudget(Base):
    """One kind of registry request (single, list, resolver) of one contact: its rate and
    concurrency, and the next send time (seconds since the epoch, on the database's clock,
    so that every machine reads one clock)."""

    __tablename__ = "registry_budget"

    contact: Mapped[str] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(primary_key=True)
    rate: Mapped[float]
    concurrency: Mapped[int]
    next_at: Mapped[float]
    held_until: Mapped[float]


class DoiClaim(Base):
    """A DOI one process is asking the registry for; the others wait for its answer."""

    __tablename__ = "doi_claim"

    doi: Mapped[str] = mapped_column(primary_key=True)
    owner: Mapped[str]
    claimed_at: Mapped[datetime]
