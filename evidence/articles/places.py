"""Where a sentence, marker or reference stands in its file, in words a person can follow.

A text, Markdown, HTML, LaTeX or JATS file has lines of its own, and a record's line is the
place. A Word file or a PDF has none: its reader lays out a text to point into and records,
beside it, where each stretch of that text stands in the file (``Article.places``): a page and
the line on that page for a PDF, a paragraph, a table cell or a note for Word.
"""

from __future__ import annotations

from bisect import bisect_right

from evidence.articles.model import Article
from evidence.articles.source import LineIndex

__all__ = ["Places", "describe_place"]


class Places:
    """The places of one article's offsets and lines; ``None`` where the line says it."""

    def __init__(self, article: Article) -> None:
        self._offsets = [offset for offset, _ in article.places]
        self._labels = [label for _, label in article.places]
        self._lines = LineIndex(article.text) if article.places else None

    def at(self, offset: int) -> str | None:
        """Where the character at ``offset`` of ``Article.text`` stands in the file."""
        if not self._offsets:
            return None
        index = bisect_right(self._offsets, offset) - 1
        return self._labels[max(index, 0)]

    def of_line(self, line: int) -> str | None:
        """Where the start of ``line`` of ``Article.text`` stands in the file."""
        if self._lines is None:
            return None
        return self.at(self._lines.start(line))


def describe_place(line: int, place: str | None) -> str:
    """``"page 2, line 14"`` where the file has no lines of its own, else ``"line 14"``."""
    return place or f"line {line}"
