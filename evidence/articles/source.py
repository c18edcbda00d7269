"""Where readable text stands in the source: line numbers and clean-to-source offsets.

Readers turn markup into readable text (a ``Block``) and keep, for every run of readable
characters, the source offsets it came from (a ``Projection``). Lookups bisect a list of runs,
so mapping is ``O(log n)`` and building is linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

from evidence.articles.model import MarkerKind

__all__ = ["Block", "BlockKind", "LineIndex", "Projection", "RawMarker", "Reading"]

BlockKind = Literal["paragraph", "heading", "list-item"]

# White space, and characters that show nothing (zero-width, soft hyphen, BOM) but split words.
# A single ordinary space stays inside its run (1:1 with the source): fewer, longer pieces.
_BLANKS = "\\s\u200b-\u200d\u2060\u00ad\ufeff"
_GAP = re.compile(rf"[{_BLANKS}]{{2,}}|[^\S ]|[\u200b-\u200d\u2060\u00ad\ufeff]")


class LineIndex:
    """1-based line of a character offset."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset)

    def start(self, line: int) -> int:
        """Offset where 1-based ``line`` starts (the end of the text past the last line)."""
        return self._starts[line - 1] if line <= len(self._starts) else self._starts[-1]

    @property
    def count(self) -> int:
        return len(self._starts)


class Projection:
    """Readable text built piece by piece, each piece remembering its source span.

    ``exact`` pieces are copies of the source (character ``i`` of the piece is source
    ``src + i``); other pieces (a decoded entity, a collapsed space) map wholly to their span.
    White space is collapsed to one space and never leads or trails.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._clean: list[int] = []
        self._src: list[int] = []
        self._src_end: list[int] = []
        self._exact: list[bool] = []
        self._length = 0
        self._pending: tuple[int, int] | None = None
        self.breaks: list[int] = []
        """Clean offsets where the source had a line break (reference lists split there)."""

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def __len__(self) -> int:
        return self._length

    def add(self, text: str, src: int, src_end: int | None = None) -> None:
        """Append ``text`` read from ``src`` (``src_end`` given when it is not a copy)."""
        exact = src_end is None
        pos = 0
        for gap in _GAP.finditer(text):
            self._add_run(text[pos : gap.start()], src, pos, exact, src_end)
            at = src + gap.start() if exact else src
            self.space(at, src + gap.end() if exact else (src_end or src))
            if "\n" in gap.group() and self._length:
                self.breaks.append(self._length)
            pos = gap.end()
        self._add_run(text[pos:], src, pos, exact, src_end)

    def space(self, src: int, src_end: int) -> None:
        """White space at ``src``: shown as one space if text follows."""
        if self._length and self._pending is None:
            self._pending = (src, src_end)

    def line_break(self, src: int) -> None:
        self.space(src, src)
        if self._length:
            self.breaks.append(self._length)

    def truncate(self, length: int) -> None:
        """Drop the readable text after ``length`` (a superscript marker taken out)."""
        while self._parts and self._clean[-1] >= length:
            self._length = self._clean[-1]
            for stack in (self._parts, self._clean, self._src, self._src_end, self._exact):
                stack.pop()
        if self._parts and self._length > length:
            keep = length - self._clean[-1]
            self._parts[-1] = self._parts[-1][:keep]
            if self._exact[-1]:
                self._src_end[-1] = self._src[-1] + keep
            self._length = length
        self._pending = None
        self.breaks = [b for b in self.breaks if b < length]

    def source(self, index: int) -> int:
        """Source offset of readable character ``index`` (``len`` maps past the last piece)."""
        if not self._parts:
            return 0
        if index >= self._length:
            return self._src_end[-1]
        piece = bisect_right(self._clean, index) - 1
        if self._exact[piece]:
            return self._src[piece] + index - self._clean[piece]
        return self._src[piece]

    def source_end(self, end: int) -> int:
        """Source offset just after readable character ``end - 1``."""
        if end <= 0 or not self._parts:
            return self.source(0)
        piece = bisect_right(self._clean, end - 1) - 1
        if self._exact[piece]:
            return self._src[piece] + end - self._clean[piece]
        return self._src_end[piece]

    def _add_run(self, run: str, src: int, pos: int, exact: bool, src_end: int | None) -> None:
        if run.startswith(" "):  # a lone space at a piece's edge is a gap like any other
            self.space(src + pos if exact else src, src + pos + 1 if exact else (src_end or src))
            run, pos = run[1:], pos + 1
        trailing = run.endswith(" ")
        run = run.rstrip(" ")
        if run:
            if self._pending is not None:
                self._push(" ", self._pending[0], self._pending[1], exact=False)
                self._pending = None
            if exact:
                self._push(run, src + pos, src + pos + len(run), exact=True)
            else:
                self._push(run, src, src_end if src_end is not None else src, exact=False)
        if trailing:
            end = src + pos + len(run)
            self.space(end if exact else src, end + 1 if exact else (src_end or src))

    def _push(self, text: str, src: int, src_end: int, *, exact: bool) -> None:
        self._parts.append(text)
        self._clean.append(self._length)
        self._src.append(src)
        self._src_end.append(src_end)
        self._exact.append(exact)
        self._length += len(text)


@dataclass(frozen=True, slots=True)
class RawMarker:
    """A marker found by a reader from markup (HTML ``<sup>``, a link to doi.org).

    ``clean`` is where it stands in the block's readable text; ``start``/``end`` its source span.
    """

    clean: int
    start: int
    end: int
    kind: MarkerKind
    targets: tuple[str, ...]
    clean_end: int | None = None
    """Where it ends in the readable text when its words stay there (a JATS ``<xref>``):
    markers the text patterns find inside it are the same citation, not another."""


@dataclass(slots=True)
class Block:
    """A paragraph, heading or list item as readable text, before it is cut into sentences."""

    kind: BlockKind
    projection: Projection
    label: str | None = None
    """Number of an ordered-list item, or the id of a footnote definition."""
    footnote: bool = False
    in_references: bool = False
    """The markup says this block belongs to a reference list (HTML id/class)."""
    level: int = 0
    key: str | None = None
    """Citation key of a reference-list entry the markup names (JATS ``id``, ``\\bibitem``)."""
    markers: list[RawMarker] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.projection.text


@dataclass(slots=True)
class Reading:
    """What a reader of a binary format (Word, PDF) gives: the text it built and its blocks.

    ``text`` is the readable text the reader laid out (one paragraph to a line, pages and
    table cells kept apart); lines and spans point into it, as into a text file's source.
    """

    text: str
    blocks: list[Block]
    title: str | None = None
    problems: tuple[str, ...] = ()
    places: tuple[tuple[int, str], ...] = ()
    """Where each stretch of ``text`` stands in the file, by its start (``Article.places``)."""
