"""Cutting a block's readable text into sentences with pysbd, and mending what it gets wrong.

pysbd's own ``Segmenter.segment`` looks every sentence up again from the start of the text
(quadratic, and it drops a sentence it cannot find), so this module takes the sentences pysbd
writes (``sbd.segment_chunk``, which finds the same ones faster) and finds them itself, left
to right. Long blocks are cut into chunks of about
``_CHUNK`` characters at likely boundaries first: pysbd slows down on long inputs.
Mended afterwards: a citation marker pysbd puts at the start of the next sentence
(``pain. [1] Next``) goes back to the sentence it cites for, and a cut after an abbreviation
that never ends a sentence (``vol. 9``, ``Dr. Smith``) is undone.
"""

from __future__ import annotations

import re

from evidence.articles.markers import find_markers
from evidence.articles.sbd import segment_chunk

__all__ = ["split_sentences"]

_CHUNK = 1000
_INNER_STOP = re.compile(r"[.!?\u2026\u3002]\S*\s")
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_NEVER_FINAL = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|Fig|Figs|vol|Vol|no|pp|p|ch|Ch|eq|Eq|approx|vs|cf|ca)"
    r"|\b(?:e\.g|i\.e))\.$"
)
"""Abbreviations after which a cut is undone whatever follows (``Dr. Harrison``, ``vol. 9``)."""
_SOFT_FINAL = re.compile(r"\bet al\.$")
"""``et al.`` may end a sentence; the cut is undone only before lower case, digits, brackets."""
_CONTINUES = re.compile(r"[a-z0-9(\[]")
_OPENERS = "[(^" + "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``; together they cover all of its words."""
    stripped = text.strip()
    if not stripped:
        return []
    if not _INNER_STOP.search(stripped):  # nowhere to cut: spare pysbd (most of the time)
        start = text.find(stripped)
        return [(start, start + len(stripped))]
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _chunks(text):
        spans.extend(_segment(text, chunk_start, chunk_end))
    return _mend(text, spans)


def _chunks(text: str) -> list[tuple[int, int]]:
    chunks, start = [], 0
    while len(text) - start > _CHUNK:
        cut = _cut_before(text, start, start + _CHUNK)
        chunks.append((start, cut))
        start = cut
    chunks.append((start, len(text)))
    return chunks


def _cut_before(text: str, start: int, limit: int) -> int:
    """The last likely boundary in ``text[start:limit]``, else the last space, else ``limit``."""
    cut = -1
    for match in _BOUNDARY.finditer(text, start, limit):
        if not _NEVER_FINAL.search(text, max(start, match.start() - 8), match.start() + 1):
            cut = match.end()
    if cut <= start:
        cut = text.rfind(" ", start + 1, limit) + 1
    return cut if cut > start else limit


def _segment(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    if not chunk.strip():
        return []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in segment_chunk(chunk):
        piece = piece.strip()
        at = chunk.find(piece, cursor) if piece else -1
        if at < 0:
            continue  # rewritten by pysbd: its words fall into the neighbouring span below
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return [(start + s, start + e) for s, e in _cover(chunk, spans)]


def _cover(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans widened so that no word of ``chunk`` falls between them."""
    if not spans:
        stripped = chunk.strip()
        offset = chunk.find(stripped)
        return [(offset, offset + len(stripped))]
    covered: list[tuple[int, int]] = []
    lead = chunk[: spans[0][0]]
    first_start = spans[0][0] - len(lead.lstrip()) if lead.strip() else spans[0][0]
    spans[0] = (first_start, spans[0][1])
    for index, (start, end) in enumerate(spans):
        following = spans[index + 1][0] if index + 1 < len(spans) else len(chunk)
        gap = chunk[end:following]
        if gap.strip():
            end += len(gap.rstrip())
        covered.append((start, end))
    return covered


def _mend(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    mended: list[tuple[int, int]] = []
    for start, end in spans:
        if mended:
            previous_start, previous_end = mended[-1]
            moved = _leading_markers_end(text, start, end)
            if moved == end or _joins(text[previous_start:previous_end], text[start:end]):
                mended[-1] = (previous_start, end)
                continue
            if moved > start:
                mended[-1] = (previous_start, moved)
                start = _skip_space(text, moved, end)
                if start >= end:
                    continue
        mended.append((start, end))
    return mended


def _joins(previous: str, current: str) -> bool:
    if _NEVER_FINAL.search(previous[-8:]):
        return True
    return bool(_SOFT_FINAL.search(previous[-8:])) and bool(_CONTINUES.match(current))


def _leading_markers_end(text: str, start: int, end: int) -> int:
    """End of the citation markers (and closing punctuation) that open ``text[start:end]``."""
    pos = start
    before = max(0, start - 1)  # a caret marker needs the character before it
    for _, m_start, m_end, _ in find_markers(text[before:end]):
        if before + m_start < start:
            continue
        if text[pos : before + m_start].strip(" .,;") or text[before + m_start] not in _OPENERS:
            break  # a narrative "Hayden et al. (2021) found" is the sentence's own subject
        pos = before + m_end
    if pos == start:
        return start
    while pos < end and text[pos] in ".,;":
        pos += 1
    return pos


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos
