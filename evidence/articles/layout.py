"""The readable text a reader of a binary format lays out, one paragraph to a line.

A Word file or a PDF has no text of its own to point into, so its reader writes one: each
block on a line of its own, in reading order. ``Article.text`` is that text, and a finding's
line is the block's line in it (for Word: the n-th paragraph, table cell or note; for PDF:
the n-th paragraph, after a line that names the page it stands on). What a person can
follow is kept beside it: where each stretch of that text stands in the file (``places``).
"""

from __future__ import annotations

from evidence.articles.model import MarkerKind
from evidence.articles.source import Block, BlockKind, Projection, RawMarker

__all__ = ["Layout"]


class Layout:
    """Blocks and the text they are written in, built together."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._after_note = False
        self.blocks: list[Block] = []
        self.places: list[tuple[int, str]] = []
        """(offset, where it stands in the file) from that offset on: ``Article.places``."""

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def open(self, kind: BlockKind, label: str | None = None) -> Block:
        """A new block on a line of its own."""
        if self._length:
            self._write("\n")
        self._after_note = False
        block = Block(kind, Projection(), label=label)
        self.blocks.append(block)
        return block

    def place(self, where: str) -> None:
        """The text written from here on stands at ``where`` in the file (``"page 2, line 3"``)."""
        offset = self._length + (1 if self._after_note else 0)
        if self.places and self.places[-1][0] == offset:
            self.places[-1] = (offset, where)
        else:
            self.places.append((offset, where))

    def note(self, text: str) -> None:
        """A line that is no block (a page's number): a place to read, never a sentence."""
        if self._length:
            self._write("\n")
        self._write(" ".join(text.split()))
        self._after_note = True

    def write(self, block: Block, text: str) -> tuple[int, int]:
        """Append ``text`` to ``block`` (on its line); its span in the laid-out text."""
        text = text.replace("\n", " ").replace("\r", " ")
        if self._after_note:  # a block going on after a page's note: on the next line
            self._write("\n")
            self._after_note = False
        start = self._length
        self._write(text)
        block.projection.add(text, start)
        return start, self._length

    def line_break(self, block: Block) -> None:
        """A break inside a block (a reference list typed as one paragraph with breaks)."""
        start = self._length
        self._write(" ")
        block.projection.line_break(start)

    def marker(
        self,
        block: Block,
        text: str,
        kind: MarkerKind,
        targets: tuple[str, ...],
        *,
        keep: bool,
    ) -> None:
        """A marker the markup names; its words stay in the readable text when ``keep``."""
        if keep:
            start, end = self.write(block, text)
            after = len(block.projection)
            clean = after - len(" ".join(text.split()))
            block.markers.append(RawMarker(clean, start, end, kind, targets, after))
        else:
            start = self._length
            self._write(text)
            block.markers.append(
                RawMarker(len(block.projection), start, self._length, kind, targets)
            )

    def _write(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text)
