"""The records an article is read into: sentences, citation markers and reference entries.

Every record keeps its 1-based line in the original file and its character span in
``Article.text`` (the decoded source), so that a finding can point at the place at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evidence.vocabulary import BIBLIOGRAPHY_FORMATS, ArticleFormat

__all__ = [
    "Article",
    "ArticleFormat",
    "BIBLIOGRAPHY_FORMATS",
    "Marker",
    "MarkerKind",
    "ReferenceEntry",
    "Sentence",
    "SentenceKind",
]

MarkerKind = Literal[
    "pandoc",
    "numeric",
    "superscript",
    "footnote",
    "author-year",
    "doi-link",
    "latex",
    "xref",
    "field",
]
"""``latex``: ``\\cite{key}`` and its kin; ``xref``: a JATS ``<xref ref-type="bibr">``;
``field``: a reference manager's citation field in a Word file (Zotero, Mendeley, EndNote)."""
SentenceKind = Literal["sentence", "heading", "list-item"]


@dataclass(frozen=True, slots=True)
class Marker:
    """A citation marker in the text.

    ``text`` is ``Article.text[start:end]``, as written (for HTML, the markup too).
    ``targets`` are the keys it points to: ``"1"``, ``"3"``, ``"4"``, ``"5"`` for ``[1, 3-5]``;
    ``"hayden2021"`` for ``[@hayden2021]``; ``"doi:10.1002/..."`` (normalised) for a DOI;
    ``"hayden 2021"`` (surname lower case, year) for ``(Hayden et al., 2021)``.
    """

    text: str
    line: int
    start: int
    end: int
    kind: MarkerKind
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence, heading or list item of the article body.

    ``text`` is the readable text (markup dropped, entities decoded, white space collapsed);
    ``start``/``end`` span it in ``Article.text``. ``paragraph`` is the 0-based index of the
    block (paragraph, heading or list item) it belongs to, in document order.
    """

    text: str
    line: int
    start: int
    end: int
    paragraph: int
    kind: SentenceKind
    markers: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """An entry of the article's reference list, as written.

    ``label`` is ``"1"`` for ``[1] ...`` or ``1. ...``, or a footnote id; ``doi`` is the
    written DOI in normal form (``refs.normalize_doi``); ``doi_text`` is the DOI as written
    (prefix such as ``doi:`` dropped), kept even when it is not a valid DOI.
    """

    text: str
    line: int
    label: str | None
    key: str | None
    doi: str | None
    doi_text: str | None


@dataclass(frozen=True, slots=True)
class Article:
    """An article read into sentences and references.

    ``text`` is the decoded source with line ends normalised to ``\\n``; ``bibliography``
    names the files of a pandoc ``bibliography:`` front matter as written (relative to the
    article's folder; the caller reads them); ``problems`` are notes on the reading, such as
    ``"decoded as cp1252"``.
    """

    path: str
    format: ArticleFormat
    title: str | None
    text: str
    sentences: tuple[Sentence, ...]
    references: tuple[ReferenceEntry, ...]
    bibliography: tuple[str, ...]
    problems: tuple[str, ...]
    places: tuple[tuple[int, str], ...] = ()
    """For a file whose lines are not ``text``'s (Word, PDF): where each stretch of ``text``
    stands in the file, in words a person can follow (``"page 2, line 14"``, ``"paragraph 7"``,
    ``"table 1, row 2, cell 1"``, ``"footnote 1"``), by the offset where it starts. Empty for
    the text formats, whose lines are the file's own (see ``evidence.articles.places``)."""
