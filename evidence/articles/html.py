"""HTML into blocks, with the standard library's HTML parser.

The parser reports every tag, text run and entity with its place in the source, which a tree
(lxml, BeautifulSoup) forgets for text; CI annotations need those lines. Script, style,
navigation and other chrome are skipped; entities are decoded; ``<sup>1</sup>`` and links to
doi.org become markers; an element whose id or class says "references" (or "footnotes")
marks its blocks as a reference list.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from evidence.articles.markers import doi_from_href, numeric_targets
from evidence.articles.source import Block, BlockKind, LineIndex, Projection, RawMarker

__all__ = ["read_html_blocks"]

_IGNORED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "svg",
        "iframe",
        "object",
        "button",
        "select",
        "textarea",
        "head",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "blockquote",
        "pre",
        "dt",
        "dd",
        "figcaption",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "figure",
        "body",
        "address",
        "hr",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_REFERENCE_HINT = re.compile(
    r"\b(?:references?|refs?|reflist|bibliography|footnotes?|endnotes?|citations?|works-cited)\b",
    re.IGNORECASE,
)


class _Reader(HTMLParser):
    def __init__(self, text: str, lines: LineIndex) -> None:
        super().__init__(convert_charrefs=False)
        self.source, self.lines = text, lines
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.ignored: list[str] = []  # the skipped element, once per nesting of its own name
        self.stack: list[tuple[str, bool]] = []  # tag, marks a reference list
        self.ordinals: list[int] = []
        self.title: list[str] = []
        self.in_title = False
        self.sup: tuple[int, int] | None = None
        self.link: tuple[int, int, str] | None = None

    # positions
    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines.start(line) + column

    def _tag_end(self, start: int) -> int:
        end = self.source.find(">", start)
        return end + 1 if end >= 0 else start

    # tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._here()
        values = dict(attrs)
        if tag == "title":
            self.in_title = True
        if self.ignored:
            if tag == "body" and self.ignored[0] == "head":
                self.ignored.clear()  # </head> is optional
            elif tag == self.ignored[0]:
                self.ignored.append(tag)
            if self.ignored:
                return
        if tag in _IGNORED or values.get("role") == "navigation" or "hidden" in values:
            if tag not in _VOID:
                self.ignored.append(tag)
            return
        if tag in _BLOCKS or tag == "br":
            self._start_block(tag, values, start)
        elif tag == "sup":
            self.sup = (len(self._current().projection), start)
        elif tag == "a":
            doi = doi_from_href(values.get("href") or "")
            if doi is not None:
                self.link = (len(self._current().projection), start, doi)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.ignored and self.block is not None:
            self.block.projection.line_break(self._here())

    def handle_endtag(self, tag: str) -> None:
        start = self._here()
        if tag == "title":
            self.in_title = False
        if self.ignored:
            if tag == self.ignored[0]:
                self.ignored.pop()
            return
        if tag in _BLOCKS:
            self._flush()
            self._pop(tag)
        elif tag == "sup" and self.sup is not None:
            self._close_sup(self._tag_end(start))
        elif tag == "a" and self.link is not None:
            clean, link_start, doi = self.link
            self._current().markers.append(
                RawMarker(clean, link_start, self._tag_end(start), "doi-link", (doi,))
            )
            self.link = None

    # text
    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.ignored and data:
            self._current().projection.add(data, self._here())

    def handle_entityref(self, name: str) -> None:
        self._entity(f"&{name};", f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._entity(f"&#{name};", f"&#{name}")

    def _entity(self, written: str, bare: str) -> None:
        start = self._here()
        end = start + (len(written) if self.source.startswith(written, start) else len(bare))
        decoded = unescape(self.source[start:end])
        if self.in_title:
            self.title.append(decoded)
        if not self.ignored:
            self._current().projection.add(decoded, start, end)

    # blocks
    def _current(self) -> Block:
        if self.block is None:
            kind: BlockKind = "paragraph"
            label, level = None, 0
            for tag, _ in reversed(self.stack):
                if tag in _HEADINGS:
                    kind, level = "heading", int(tag[1])
                    break
                if tag == "li":
                    kind = "list-item"
                    if self.ordinals and self._in_ordered():
                        label = str(self.ordinals[-1])
                    break
            hint = any(marks for _, marks in self.stack)
            self.block = Block(kind, Projection(), label=label, in_references=hint, level=level)
        return self.block

    def _start_block(self, tag: str, values: dict[str, str | None], start: int) -> None:
        inside_item = any(t == "li" for t, _ in self.stack) and tag in ("p", "div", "br")
        if tag == "br" or inside_item:
            if self.block is not None:
                self.block.projection.line_break(start)
            return
        self._flush()
        names = f"{values.get('id') or ''} {values.get('class') or ''}"
        marks = bool(_REFERENCE_HINT.search(names))
        if tag == "ol":
            self.ordinals.append(_int(values.get("start"), 1) - 1)
        elif tag == "li" and self.ordinals and self._in_ordered():
            self.ordinals[-1] = _int(values.get("value"), self.ordinals[-1] + 1)
        if tag not in _VOID:
            self.stack.append((tag, marks))

    def _in_ordered(self) -> bool:
        for tag, _ in reversed(self.stack):
            if tag in ("ol", "ul", "menu"):
                return tag == "ol"
        return False

    def _pop(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                popped = self.stack[index:]
                del self.stack[index:]
                self.ordinals[len(self.ordinals) - sum(t == "ol" for t, _ in popped) :] = []
                return

    def _flush(self) -> None:
        if self.block is not None and len(self.block.projection):
            self.blocks.append(self.block)
        self.block = None
        self.sup = self.link = None

    def _close_sup(self, end: int) -> None:
        assert self.sup is not None
        clean, start = self.sup
        block = self._current()
        targets = numeric_targets(block.text[clean:])
        if targets:
            block.projection.truncate(clean)
            block.markers.append(RawMarker(clean, start, end, "superscript", targets))
        self.sup = None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def read_html_blocks(text: str, lines: LineIndex) -> tuple[list[Block], str | None]:
    """The blocks of an HTML article in order, and its ``<title>``."""
    reader = _Reader(text, lines)
    reader.feed(text)
    reader.close()
    reader._flush()
    title = " ".join("".join(reader.title).split()) or None
    return reader.blocks, title
