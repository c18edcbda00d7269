"""The domain's words, defined once: what check results, the store's columns, the reports and
the API's schemas all say.

Each is a ``StrEnum``, so a member is its stored and JSON value (``How.MARKER == "marker"``);
the values are the ones DESIGN.md documents and the database's check constraints allow, and
must not change without a migration.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ALERTING_CHANGES",
    "BIBLIOGRAPHY_FORMATS",
    "ArticleFormat",
    "ClaimStatus",
    "How",
    "JobState",
    "NOTICE_CHANGES",
    "REGISTRY_WORK_STATUSES",
    "ReferenceStatus",
    "Role",
    "SourceChange",
    "Verdict",
]


class How(StrEnum):
    """How a claim came to be linked to a reference."""

    MARKER = "marker"  # an explicit citation marker in the text
    INFERRED = "inferred"  # text similarity: related, not confirmed
    EDITOR = "editor"  # a person linked it


class JobState(StrEnum):
    """Where a check job stands (``evidence jobs``, ``GET /api/jobs/{id}``)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReferenceStatus(StrEnum):
    """What became of a reference's DOI (``unverified``: the registry could not be asked)."""

    RESOLVED = "resolved"
    MATCHED = "matched"
    NOT_FOUND = "not-found"
    INVALID = "invalid"
    UNVERIFIED = "unverified"
    NO_DOI = "no-doi"


class Verdict(StrEnum):
    """An editor's word on a link."""

    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Role(StrEnum):
    """What a token's holder may do: a reviewer reads and comments, an editor also changes
    links and marks, an admin also manages tokens (the order is the stored constraint's)."""

    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class ClaimStatus(StrEnum):
    """What a sentence rests on, as the reports and the pages show it."""

    SUPPORTED = "supported"
    RELATED = "related"  # only inferred links: similarity is not support
    UNSUPPORTED = "unsupported"
    NO_SOURCE_NEEDED = "no-source-needed"  # suppressed inline, or marked so by an editor
    NOT_A_CLAIM = "not-a-claim"


class ArticleFormat(StrEnum):
    """What a document is written in; stored with each article version."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    LATEX = "latex"
    JATS = "jats"
    DOCX = "docx"
    PDF = "pdf"
    BIBTEX = "bibtex"  # a bibliography checked on its own
    CSL_JSON = "csl-json"

    @property
    def label(self) -> str:
        """The format's name as a person reads it: "plain text", "Word"."""
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    ArticleFormat.TEXT: "plain text", ArticleFormat.MARKDOWN: "Markdown",
    ArticleFormat.HTML: "HTML", ArticleFormat.LATEX: "LaTeX", ArticleFormat.JATS: "JATS XML",
    ArticleFormat.DOCX: "Word", ArticleFormat.PDF: "PDF", ArticleFormat.BIBTEX: "BibTeX",
    ArticleFormat.CSL_JSON: "CSL-JSON",
}


REGISTRY_WORK_STATUSES: frozenset[ReferenceStatus] = frozenset(
    {ReferenceStatus.RESOLVED, ReferenceStatus.MATCHED})
"""Statuses whose reference shows a work: the registry's record the check used. A stored
reference may point at a work row for another status (an imported entry's, kept for alerts),
which is the author's word, never shown as the registry's."""

BIBLIOGRAPHY_FORMATS: frozenset[ArticleFormat] = frozenset(
    {ArticleFormat.BIBTEX, ArticleFormat.CSL_JSON})
"""Formats of a bibliography checked on its own: no sentences, its entries as references."""


class SourceChange(StrEnum):
    """What the registry changed about a stored work after it was fetched (``evidence
    recheck``): a notice about it, or its record itself."""

    RETRACTION = "retraction"
    CORRECTION = "correction"  # also erratum, corrigendum, addendum, clarification
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    WITHDRAWAL = "withdrawal"
    NEW_VERSION = "new-version"
    METADATA_CHANGE = "metadata-change"  # the record's title, year, authors... changed


NOTICE_CHANGES: frozenset[SourceChange] = frozenset(
    set(SourceChange) - {SourceChange.METADATA_CHANGE})
"""Changes the registry announces with a notice (a work of its own that ``update-to`` it)."""

ALERTING_CHANGES: frozenset[SourceChange] = frozenset({
    SourceChange.RETRACTION, SourceChange.WITHDRAWAL, SourceChange.CORRECTION,
    SourceChange.EXPRESSION_OF_CONCERN})
"""Changes after which a citing article needs an editor's look (``recheck`` exits 1, the
service lists an alert): the ``retracted-source`` and ``corrected-source`` kinds."""
