"""JATS XML into blocks, with lxml (no entity expanded, no DTD loaded, nothing fetched).

Read: the article title; the abstract's and body's sections (``<title>`` a heading, ``<p>`` a
paragraph, ``<list-item>`` a list item, table cells and figure captions paragraphs of their
own); footnotes as paragraphs (a claim in a footnote is a claim); ``<xref ref-type="bibr">``
as ``xref`` markers whose targets are the ``rid`` ids; the ``<ref-list>`` with each ``<ref>``'s
``id`` as its key and ``<label>`` as its label, its text from ``mixed-citation`` as written or
from ``element-citation``'s fields in the usual order. Inline MathML and TeX formulas are read
as their text (they never end a sentence); display formulas are not prose.

A document that declares entities of its own is refused whole (the billion-laughs family); a
DOCTYPE that names an external DTD is read without it. Lines come from lxml; spans point at the
element that holds the text (exact for markers, the start of the text run otherwise).
"""

from __future__ import annotations

import re

from lxml import etree

from evidence.articles.source import Block, BlockKind, LineIndex, Projection, RawMarker
from evidence.errors import InputError

__all__ = ["read_jats_blocks"]

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SKIPPED = frozenset(
    {
        "disp-formula", "graphic", "media", "inline-graphic", "supplementary-material",
        "object-id", "alt-text", "processing-meta", "disp-formula-group", "code",
    }
)
_FORMULAS = frozenset({"inline-formula", "math", "tex-math"})
_NESTED_BLOCKS = frozenset({"list", "table-wrap", "fig", "disp-quote", "boxed-text", "fn"})
_CONTAINERS = frozenset(
    {
        "body", "sec", "abstract", "trans-abstract", "back", "app-group", "app", "ack",
        "fn-group", "glossary", "notes", "boxed-text", "disp-quote", "fig-group",
        "table-wrap-group", "statement", "def-list", "def-item", "def", "term",
    }
)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=False,
    )


def read_jats_blocks(
    text: str, lines: LineIndex, *, path: str = "<text>"
) -> tuple[list[Block], str | None]:
    """The blocks of a JATS article and its title."""
    # The text is decoded already; lxml refuses a str that still declares an encoding. The
    # declaration is blanked, not cut, so that lxml's line numbers stay those of the file.
    declaration = _XML_DECLARATION.match(text)
    if declaration is not None:
        text = " " * declaration.end() + text[declaration.end() :]
    try:
        root = etree.fromstring(text, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise InputError(f"{path}: not well-formed XML ({exc})") from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(
            f"{path}: the XML declares entities of its own (<!ENTITY ...>); refused, as such "
            "entities can expand without bound or reach files and the network"
        )
    if _name(root) != "article":
        raise InputError(
            f"{path}: not a JATS article (the root element is <{_name(root)}>, not <article>)"
        )
    reader = _Reader(text, lines)
    title = root.find(".//front/article-meta/title-group/article-title")
    for abstract in root.iterfind(".//front/article-meta/abstract"):
        reader.container(abstract)
    for part in ("body", "back"):
        for element in root.iterfind(part):
            reader.container(element)
    blocks = [b for b in reader.blocks if len(b.projection)]
    return blocks, (_flat(title) or None) if title is not None else None


def _name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _tag(element: etree._Element) -> str:
    """The element's name as written in the source, prefix included."""
    local = etree.QName(element.tag).localname
    return f"{element.prefix}:{local}" if element.prefix else local


def _flat(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


class _Reader:
    def __init__(self, source: str, lines: LineIndex) -> None:
        self.source, self.lines = source, lines
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.in_references = False
        self._found: dict[tuple[int, str], int] = {}

    # where things stand in the source
    def start(self, element: etree._Element) -> int:
        """Offset of ``element``'s start tag: its line from lxml, then the tag on that line."""
        line = element.sourceline or 1
        tag = _tag(element)
        after = max(self.lines.start(line), self._found.get((line, tag), -1) + 1)
        match = re.compile(rf"<{re.escape(tag)}[\s/>]").search(self.source, after)
        if match is None:
            return self.lines.start(line)
        found = match.start()
        self._found[(line, tag)] = found
        return found

    def text_start(self, start: int) -> int:
        close = self.source.find(">", start)
        return close + 1 if close >= 0 else start

    def end(self, element: etree._Element, start: int) -> int:
        """Offset just after ``element`` (the first closing tag of its name after it)."""
        tag = _tag(element)
        if element.text is None and len(element) == 0:  # <xref rid="b1"/>
            close = self.source.find(">", start)
            return close + 1 if close >= 0 else start
        close = self.source.find(f"</{tag}", start)
        return close + len(tag) + 3 if close >= 0 else self.text_start(start)

    # blocks
    def open(self, kind: BlockKind, label: str | None = None) -> Block:
        self.block = Block(kind, Projection(), label=label, in_references=self.in_references)
        self.blocks.append(self.block)
        return self.block

    def add(self, text: str | None, src: int) -> None:
        if not text:
            return
        if self.block is None:
            if not text.strip():
                return
            self.open("paragraph")
        assert self.block is not None
        if self.source.startswith(text, src):  # no entity in the run: a copy of the source
            self.block.projection.add(text, src)
            return
        end = self.source.find("<", src)
        self.block.projection.add(text, src, end if end >= src else src)

    # structure
    def container(self, element: etree._Element) -> None:
        for child in element:
            name = _name(child)
            if name in ("title", "label") and _name(element) != "ref-list":
                self.heading(child)
            elif name == "ref-list":
                self.reference_list(child)
            else:
                self.structural(child)

    def structural(self, element: etree._Element) -> None:
        name = _name(element)
        if name in _SKIPPED or not name:
            return
        if name == "p" or name == "caption-p":
            self.paragraph(element)
        elif name == "list":
            for item in element:
                if _name(item) == "list-item":
                    self.list_item(item)
        elif name in ("table-wrap", "fig", "table-wrap-foot"):
            for child in element.iter():
                child_name = _name(child)
                if child_name in ("p", "td", "th") or (
                    child_name == "title" and _name(child.getparent()) == "caption"
                ):
                    self.paragraph(child)
        elif name == "fn":
            for child in element:
                if _name(child) == "p":
                    self.paragraph(child)
        elif name == "ref-list":
            self.reference_list(element)
        elif name in _CONTAINERS or len(element):
            self.container(element)

    def heading(self, element: etree._Element) -> None:
        self.block = None
        self.open("heading")
        self.inline(element)
        self.block = None

    def paragraph(self, element: etree._Element, kind: BlockKind = "paragraph") -> None:
        self.block = None
        self.open(kind)
        self.inline(element)
        self.block = None

    def list_item(self, item: etree._Element) -> None:
        label = item.find("label")
        self.block = None
        self.open("list-item", _flat(label) if label is not None else None)
        for child in item:
            if _name(child) == "p":
                self.inline(child)
            elif _name(child) == "list":
                self.structural(child)
        self.block = None

    def inline(self, element: etree._Element, start: int | None = None) -> None:
        """The text of ``element`` and its inline children into the current block."""
        start = self.start(element) if start is None else start
        self.add(element.text, self.text_start(start))
        for child in element:
            self.child(child)

    def child(self, child: etree._Element) -> None:
        name = _name(child)
        child_start = self.start(child) if isinstance(child.tag, str) else 0
        if not isinstance(child.tag, str):  # a comment, an entity left unexpanded
            pass
        elif name == "xref" and child.get("ref-type") == "bibr":
            self.xref(child, child_start)
        elif name in _FORMULAS:
            formula = " ".join("".join(child.itertext()).split())
            if formula:
                self.add(formula, child_start)
        elif name in _NESTED_BLOCKS or name in _SKIPPED or name == "label":
            # A table or footnote inside a paragraph: the paragraph goes on after it.
            outer = self.block
            if name not in _SKIPPED and name != "label":
                self.structural(child)
            self.block = outer
        else:
            self.inline(child, child_start)
        if child.tail:
            self.add(child.tail, self.end(child, child_start) if isinstance(child.tag, str)
                     else child_start)

    def xref(self, child: etree._Element, start: int) -> None:
        targets = tuple((child.get("rid") or "").split())
        if self.block is None:
            self.open("paragraph")
        assert self.block is not None
        before = len(self.block.projection)
        self.inline(child, start)
        after = len(self.block.projection)
        if targets:
            # The xref's own words ("1", "Hayden et al., 2021") may follow a pending space.
            clean = before + 1 if after > before and self.block.text[before : before + 1] == " " \
                else before
            end = self.end(child, start)
            self.block.markers.append(RawMarker(clean, start, end, "xref", targets, after))

    def reference_list(self, element: etree._Element) -> None:
        for child in element:
            name = _name(child)
            if name == "title":
                self.heading(child)
            elif name == "ref":
                self.reference(child)
            elif name == "ref-list":
                self.reference_list(child)

    def reference(self, ref: etree._Element) -> None:
        label = ref.find("label")
        self.block = None
        block = self.open("list-item", _flat(label) if label is not None else None)
        block.in_references, block.key = True, ref.get("id")
        for citation in ref:
            name = _name(citation)
            if name not in ("mixed-citation", "element-citation", "nlm-citation", "citation"):
                continue
            start = self.start(citation)
            written = _flat(citation) if name == "mixed-citation" else _element_citation(citation)
            block.projection.add(written, start, self.end(citation, start))
        self.block = None


def _element_citation(citation: etree._Element) -> str:
    """A reference's fields in the usual written order (element-citation has no punctuation)."""

    def field(path: str) -> str:
        found = citation.find(path)
        return _flat(found) if found is not None else ""

    names = []
    for name in citation.iterfind(".//name"):
        surname, given = name.findtext("surname") or "", name.findtext("given-names") or ""
        names.append(" ".join(f"{surname} {given}".split()))
    collab = field(".//collab")
    authors = ", ".join(names + ([collab] if collab else []))
    if citation.find(".//etal") is not None:
        authors += " et al"
    pages = field("fpage") + (f"-{field('lpage')}" if field("lpage") else "")
    pages = pages or field("elocation-id")
    where = field("year")
    if field("volume"):
        where += f";{field('volume')}"
    if field("issue"):
        where += f"({field('issue')})"
    if pages:
        where += f":{pages}"
    parts = [authors, field("article-title") or field("chapter-title"), field("source"), where]
    text = ". ".join(p.strip(". ") for p in parts if p.strip(". ")) + "."
    doi = citation.find("pub-id[@pub-id-type='doi']")
    if doi is not None and _flat(doi):
        text += f" doi:{_flat(doi)}"
    return text
