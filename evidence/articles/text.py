"""Plain text into blocks: paragraphs split by blank lines, list items, heading-like lines.

Plain text has no markup, so structure is read from how lines look: a line that opens with
``1.``, ``[1]``, ``-``, ``*`` or ``•`` starts a list item; a paragraph of one short line with
no final full stop (``How does physical therapy help spine pain?``) is a heading.
"""

from __future__ import annotations

import re

from evidence.articles.references import SECTION_HEADING
from evidence.articles.source import Block, LineIndex, Projection

__all__ = ["read_text_blocks"]

_ITEM = re.compile(
    r"^[ \t]*(?:(?P<num>\d{1,3})[.)]|\[(?P<bracket>\d{1,4})\]|\((?P<letter>[a-z])\)"
    r"|[-*\u2022\u2023\u25e6\u25aa\u2043\u2013\u00b7])[ \t]+(?=\S)"
)
_MAX_HEADING_WORDS = 12
_MAX_QUESTION_WORDS = 16
_UNDERLINE = re.compile(r"^[ \t]*(?:=+|-+)[ \t]*$")
_ATX = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+")


def read_text_blocks(text: str, lines: LineIndex) -> list[Block]:
    """The blocks of a plain-text article, in order."""
    blocks: list[Block] = []
    for start, end in _paragraphs(text):
        blocks.extend(_units(text, start, end))
    return blocks


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of runs of non-blank lines."""
    spans = []
    for match in re.finditer(r"(?:^[ \t]*\S.*(?:\n|$))+", text, re.MULTILINE):
        spans.append((match.start(), match.end()))
    return spans


def _units(text: str, start: int, end: int) -> list[Block]:
    """A paragraph's list items (each its own block), or the paragraph as one block."""
    units: list[Block] = []
    current: Block | None = None
    line_start = start
    for line in text[start:end].splitlines(keepends=True):
        content_start, content_end = line_start, line_start + len(line.rstrip("\n"))
        item = _ITEM.match(line)
        line_start += len(line)
        if _UNDERLINE.match(line) and current is not None and current.kind == "paragraph":
            current.kind = "heading"  # setext-style underline
            continue
        if item is not None:
            label = item.group("num") or item.group("bracket")
            current = Block("list-item", Projection(), label=label)
            units.append(current)
            content_start += item.end()
        elif current is None or current.kind == "heading":
            current = Block("paragraph", Projection())
            units.append(current)
            atx = _ATX.match(line)
            if atx is not None or (not units[:-1] and SECTION_HEADING.match(line)):
                current.kind = "heading"  # "References" right above its first entry
                content_start += atx.end() if atx is not None else 0
        if len(current.projection):
            current.projection.line_break(content_start - 1)
        current.projection.add(text[content_start:content_end], content_start)
    for unit in units:
        if unit.kind == "paragraph" and _looks_like_heading(unit):
            unit.kind = "heading"
    return [u for u in units if len(u.projection)]


def _looks_like_heading(block: Block) -> bool:
    if block.projection.breaks:
        return False
    words = block.text.split()
    if not words or not (words[0][0].isupper() or words[0][0].isdigit()):
        return False
    last = block.text[-1]
    if last == "?":
        return len(words) <= _MAX_QUESTION_WORDS
    # A line ending in ":" introduces a list ("Some examples include:"): a sentence.
    return last not in ".!;,:\u2026" and len(words) <= _MAX_HEADING_WORDS
