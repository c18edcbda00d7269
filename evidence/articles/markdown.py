"""Markdown into blocks with markdown-it-py, and pandoc front matter and footnotes.

markdown-it gives block structure with line maps but no character offsets inside a block, so
each text token is found again in the block's source lines, left to right; a token that
markdown-it rewrote (``&amp;``, ``\\*``) is placed word by word. Pandoc extras that CommonMark
does not know are read here: YAML front matter (``title``, ``bibliography``) and footnote
definitions (``[^1]: ...``), which CommonMark could swallow as link definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

from evidence.articles.markers import doi_from_href, numeric_targets
from evidence.articles.source import Block, BlockKind, LineIndex, Projection, RawMarker

__all__ = ["FrontMatter", "read_markdown_blocks"]

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY = re.compile(r"^([A-Za-z][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")
_ITEM = re.compile(r"^[ \t]+-[ \t]+(.+?)[ \t]*$")
_FOOTNOTE_DEF = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:[ \t]?")
_SKIPPED = {"fence", "code_block", "html_block", "hr"}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str | None
    bibliography: tuple[str, ...]


def read_markdown_blocks(text: str, lines: LineIndex) -> tuple[list[Block], FrontMatter]:
    """The blocks of a Markdown article in order, and what its front matter says."""
    front, body_start = _front_matter(text)
    masked, footnotes = _footnote_definitions(text, lines, body_start)
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    blocks = _walk(parser.parse(masked), text, lines) + footnotes
    blocks.sort(key=lambda b: b.projection.source(0))
    return blocks, front


def _front_matter(text: str) -> tuple[FrontMatter, int]:
    match = _FRONT.match(text)
    if match is None:
        return FrontMatter(None, ()), 0
    fields: dict[str, list[str]] = {}
    key = ""
    for line in (match.group(1) or "").splitlines():
        item, pair = _ITEM.match(line), _KEY.match(line)
        if pair is not None:
            key, value = pair.group(1).lower(), pair.group(2)
            fields[key] = _values(value) if value else []
        elif item is not None and key:
            fields[key].append(_unquote(item.group(1)))
    title = fields.get("title", [None])[0] if fields.get("title") else None
    return FrontMatter(title, tuple(fields.get("bibliography", []))), match.end()


def _values(value: str) -> list[str]:
    if value.startswith("[") and value.endswith("]"):
        return [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
    return [_unquote(value)]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _footnote_definitions(text: str, lines: LineIndex, body_start: int) -> tuple[str, list[Block]]:
    """Footnote definitions as blocks, and the text with them (and front matter) blanked."""
    out: list[str] = []
    blocks: list[Block] = []
    current: Block | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        start, content = offset, line.rstrip("\n")
        offset += len(line)
        definition = _FOOTNOTE_DEF.match(content)
        if start < body_start:
            out.append("\n" if line.endswith("\n") else "")
            continue
        if definition is not None:
            current = Block("paragraph", Projection(), label=definition.group(1), footnote=True)
            blocks.append(current)
            current.projection.add(content[definition.end() :], start + definition.end())
        elif current is not None and content.strip():
            current.projection.line_break(start - 1)
            current.projection.add(content, start)
        else:
            current = None
            out.append(line)
            continue
        out.append("\n" if line.endswith("\n") else "")
    return "".join(out), blocks


def _walk(tokens: list[Any], text: str, lines: LineIndex) -> list[Block]:
    blocks: list[Block] = []
    lists: list[bool] = []  # ordered?, innermost last
    label: str | None = None
    heading = 0
    skip_depth = 0
    for token in tokens:
        kind = token.type
        if kind in ("ordered_list_open", "bullet_list_open"):
            lists.append(kind == "ordered_list_open")
        elif kind in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            label = str(token.info) if lists and lists[-1] and token.info else None
        elif kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "heading_close":
            heading = 0
        elif kind == "inline" and token.map and not skip_depth:
            block_kind: BlockKind = "list-item" if lists else "paragraph"
            block_kind = "heading" if heading else block_kind
            block = Block(block_kind, Projection(), label=label if lists else None, level=heading)
            region = (lines.start(token.map[0] + 1), lines.start(token.map[1] + 1))
            _inline(block, token.children or [], text, region)
            if len(block.projection):
                blocks.append(block)
            label = None if lists else label
    return blocks


def _inline(block: Block, children: list[Any], text: str, region: tuple[int, int]) -> None:
    proj = block.projection
    cursor, limit = region[0], max(region[1], region[0])
    link: tuple[int, int, str | None] | None = None  # clean start, source start, DOI
    sup: tuple[int, int] | None = None
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            cursor = _place(proj, text, child.content, cursor, limit)
        elif kind in ("softbreak", "hardbreak"):
            newline = text.find("\n", cursor, limit)
            proj.line_break(newline if newline >= 0 else cursor)
            cursor = newline + 1 if newline >= 0 else cursor
        elif kind == "link_open":
            opener = text.find("[", cursor, limit)
            cursor = opener + 1 if opener >= 0 else cursor
            link = (len(proj), max(opener, 0), doi_from_href(str(child.attrs.get("href", ""))))
        elif kind == "link_close" and link is not None:
            cursor = _after_destination(text, cursor, limit)
            if link[2] is not None:
                block.markers.append(RawMarker(link[0], link[1], cursor, "doi-link", (link[2],)))
            link = None
        elif kind == "html_inline":
            tag_at = text.find(child.content, cursor, limit)
            tag_end = tag_at + len(child.content) if tag_at >= 0 else cursor
            sup = _superscript(block, child.content, sup, tag_at, tag_end)
            cursor = tag_end


def _superscript(
    block: Block, tag: str, sup: tuple[int, int] | None, tag_at: int, tag_end: int
) -> tuple[int, int] | None:
    """Open or close ``<sup>``; a closed one holding only numbers becomes a marker."""
    lowered = tag.lower()
    if lowered.startswith("<sup"):
        return (len(block.projection), tag_at)
    if lowered.startswith("</sup") and sup is not None:
        written = block.text[sup[0] :]
        targets = numeric_targets(written)
        if targets:
            block.projection.truncate(sup[0])
            block.markers.append(RawMarker(sup[0], sup[1], tag_end, "superscript", targets))
    return None


def _place(proj: Projection, text: str, content: str, cursor: int, limit: int) -> int:
    """Add ``content`` where it stands in ``text`` after ``cursor``; return the new cursor."""
    at = text.find(content, cursor, limit)
    if at >= 0:
        proj.add(content, at)
        return at + len(content)
    for piece in re.finditer(r"\S+|\s+", content):
        word = piece.group()
        if word.isspace():
            proj.space(cursor, cursor)
            continue
        at = text.find(word, cursor, limit)
        if at >= 0:
            proj.add(word, at)
            cursor = at + len(word)
        else:
            proj.add(word, cursor, cursor)  # rewritten by markdown-it: placed where it stands
    return cursor


def _after_destination(text: str, cursor: int, limit: int) -> int:
    """Past the ``](destination "title")`` of an inline link."""
    if text.startswith("](", cursor):
        close = text.find(")", cursor + 2, limit)
        return close + 1 if close >= 0 else cursor
    close = text.find("]", cursor, limit)
    return close + 1 if close >= 0 else cursor
