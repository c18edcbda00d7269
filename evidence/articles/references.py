"""The reference list: which blocks hold it, and its entries with labels and DOIs.

Found, in this order: footnote definitions (``[^1]: ...``); blocks under a heading such as
"References" or "Bibliography", up to the next heading; blocks the markup marks as a reference
list (HTML id/class). Under "Notes", only numbered notes and blocks that read like references
are taken (a page called "Notes" is prose as often as endnotes). When none of these exist,
the last run of blocks that look like references (authors at the start, a year, a DOI, "et
al.", volume and pages) is taken, as in an article that ends with bare references; blocks
after that run ("About the Author") stay text.
"""

from __future__ import annotations

import re

from evidence.articles.model import ReferenceEntry
from evidence.articles.source import Block, LineIndex
from refs import find_dois

__all__ = ["SECTION_HEADING", "looks_like_reference", "reference_score", "split_references"]

SECTION_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s+)?(?:references?|bibliography|works\s+cited|sources|literature(?:\s+cited)?"
    r"|notes|endnotes|footnotes|citations|reference\s+list|cited\s+works)\s*:?\s*$",
    re.IGNORECASE,
)
_NOTES_HEADING = re.compile(r"^\s*(?:\d+\.?\s+)?notes\s*:?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}[a-z]?\b")
_DOI_WRITTEN = re.compile(
    r"(?:\bdoi\s*[:=]?\s*|https?://(?:dx\.|www\.)?doi\.org/)(\S+)|\b(10\.\d+/\S+)", re.IGNORECASE
)
_URL = re.compile(r"https?://\S+")
_ET_AL = re.compile(r"\bet\s+al\b")
_NAME = r"[A-Z\u00c0-\u00de][\w'\u2019-]+"
_AUTHOR_START = re.compile(
    rf"^(?:{_NAME},\s*(?:[A-Z]\.?\s*|[A-Z][a-z]+\b)|{_NAME}\s+[A-Z]{{1,3}}(?:[,.]|\s+et\s+al\b)|{_NAME}\s+et\s+al\b)"
)
_TITLE = re.compile(r"[\"\u201c][^\"\u201d]{8,}[\"\u201d]|\*[^*]{8,}\*")
_VOLUME = re.compile(
    r"\bvol\.?\s*\d+|\b\d+\s*\(\d+\)\s*[:,]\s*\d+|\b\d+,\s?\d+\b|\bpp?\.\s*\d+|\b\d+\s*[-\u2013]\s*\d+\b"
    r"|\b(?:19|20)\d{2};\s*\d+"
)
_PROSE = re.compile(r"\b(?:found|showed|shows|suggests?|suggested|concluded|we|our|you|your)\b")
_LABEL = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s+")
_FOOTNOTE_LABEL = re.compile(r"^\[\^([^\]\s]+)\]:\s*")
_MIN_SCORE = 4
_MAX_LENGTH = 2000


def reference_score(text: str) -> int:
    """How much ``text`` looks like a bibliographic reference (0 = not at all)."""
    prose = _TITLE.sub("", text)
    score = 2 if _AUTHOR_START.match(text) else 0
    score += 2 if _DOI_WRITTEN.search(text) else (1 if _URL.search(text) else 0)
    score += sum(1 for cue in (_YEAR, _ET_AL, _TITLE, _VOLUME) if cue.search(text))
    return score - (2 if _PROSE.search(prose) else 0)


def looks_like_reference(text: str) -> bool:
    body = _LABEL.sub("", text, count=1)
    return len(body) <= _MAX_LENGTH and reference_score(body) >= _MIN_SCORE


def split_references(
    blocks: list[Block], texts: list[str], lines: LineIndex
) -> tuple[set[int], list[ReferenceEntry]]:
    """Indices of the blocks that hold references, and the entries they hold, in order."""
    footnotes = {
        i
        for i, (b, t) in enumerate(zip(blocks, texts, strict=True))
        if b.footnote or _FOOTNOTE_LABEL.match(t)
    }
    chosen = footnotes | _headed(blocks, texts) | _marked(blocks)
    if chosen == footnotes:
        chosen |= _trailing_run(blocks, texts)
    entries: list[ReferenceEntry] = []
    for index in sorted(chosen):
        entries.extend(_entries(blocks[index], texts[index], lines))
    return chosen, entries


def _headed(blocks: list[Block], texts: list[str]) -> set[int]:
    chosen: set[int] = set()
    inside = notes = False
    for index, (block, text) in enumerate(zip(blocks, texts, strict=True)):
        if block.kind == "heading" and not (inside and looks_like_reference(text)):
            inside = bool(SECTION_HEADING.match(text))
            notes = bool(_NOTES_HEADING.match(text))
        elif inside and (not notes or _note_entry(block, text)):
            chosen.add(index)
    return chosen


def _note_entry(block: Block, text: str) -> bool:
    """Under "Notes" (a title, or a docs page's remarks as often as endnotes), a block is a
    reference only when it is numbered as an endnote or reads like a reference: the prose
    of a page called "Notes" stays prose, whose claims are checked."""
    return bool(block.label or _LABEL.match(text) or looks_like_reference(text))


def _marked(blocks: list[Block]) -> set[int]:
    return {i for i, b in enumerate(blocks) if b.in_references and b.kind != "heading"}


def _trailing_run(blocks: list[Block], texts: list[str]) -> set[int]:
    """The last run of reference-looking blocks (headings inside the run do not break it)."""
    run: set[int] = set()
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].kind != "heading" and looks_like_reference(texts[index]):
            run.add(index)
        elif run and blocks[index].kind != "heading":
            break
    return run


def _entries(block: Block, text: str, lines: LineIndex) -> list[ReferenceEntry]:
    entries = []
    for start, end in _split_lines(block, text):
        entry = text[start:end].strip()
        label = block.label
        numbered, footnote = _LABEL.match(entry), _FOOTNOTE_LABEL.match(entry)
        if numbered is not None:
            label = numbered.group(1) or numbered.group(2)
            entry = entry[numbered.end() :]
        elif footnote is not None:
            label = footnote.group(1)
            entry = entry[footnote.end() :]
        if not entry:
            continue
        doi, doi_text = _doi(entry, block, start, end)
        line = lines.line(block.projection.source(start))
        entries.append(ReferenceEntry(entry, line, label, block.key, doi, doi_text))
    return entries


def _split_lines(block: Block, text: str) -> list[tuple[int, int]]:
    """One span per entry: lines each starting like a reference are separate entries."""
    bounds = [0, *block.projection.breaks, len(text)]
    spans = list(zip(bounds, bounds[1:], strict=False))
    if len(spans) > 1 and all(_starts_entry(text[s:e].strip()) for s, e in spans):
        return spans
    return [(0, len(text))]


def _starts_entry(line: str) -> bool:
    return bool(_LABEL.match(line) or _AUTHOR_START.match(line)) and bool(_YEAR.search(line))


def _doi(entry: str, block: Block, start: int, end: int) -> tuple[str | None, str | None]:
    found = find_dois(entry)
    if found:
        return found[0].doi, entry[found[0].start : found[0].end]
    for marker in block.markers:
        if marker.kind == "doi-link" and start <= marker.clean <= end:
            doi = marker.targets[0].removeprefix("doi:")
            return doi, doi
    written = _DOI_WRITTEN.search(entry)
    if written is None:
        return None, None
    return None, (written.group(1) or written.group(2)).rstrip(".,;")
