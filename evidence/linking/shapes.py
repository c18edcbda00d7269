"""The shapes of ``evidence.articles`` records the linker reads, as Protocols.

The linker needs only these fields; typing against them keeps it usable with any record
of the same shape (the tests' small stand-ins, the benchmark's one-sentence articles).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["ArticleLike", "MarkerLike", "ReferenceEntryLike", "SentenceLike"]


class MarkerLike(Protocol):
    """A citation marker: ``kind`` is pandoc, numeric, superscript, footnote, author-year or
    doi-link; ``targets`` are what it names (``"1"``, ``"hayden2021"``, ``"doi:10..."``)."""

    @property
    def text(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def targets(self) -> tuple[str, ...]: ...


class SentenceLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def paragraph(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def markers(self) -> Sequence[MarkerLike]: ...


class ReferenceEntryLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def label(self) -> str | None: ...
    @property
    def key(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...


class ArticleLike(Protocol):
    @property
    def sentences(self) -> Sequence[SentenceLike]: ...
    @property
    def references(self) -> Sequence[ReferenceEntryLike]: ...
