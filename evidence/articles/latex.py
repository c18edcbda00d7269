"""LaTeX into blocks, with pylatexenc's node walker (each node knows its span in the source).

Prose is read from the document body: sections become headings, blank lines end paragraphs,
``itemize``/``enumerate`` items are list items, a footnote is a paragraph of its own (a claim
in a footnote is a claim), a figure or table gives only its caption. Equations, tabular
alignment, verbatim text and comments are not prose. ``\\cite`` and its biblatex/natbib kin
become ``latex`` markers whose targets are the keys; ``thebibliography`` entries keep their
``\\bibitem`` key; ``\\bibliography``/``\\addbibresource`` name the .bib files next to the
article. ``\\input``/``\\include`` are followed inside the article's folder only; the text
they bring points at the line of the command that brought it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexNode,
    LatexSpecialsNode,
    LatexWalker,
    LatexWalkerError,
    get_default_latex_context_db,
)
from pylatexenc.macrospec import EnvironmentSpec, MacroSpec

from evidence.articles.source import Block, BlockKind, LineIndex, Projection, RawMarker
from evidence.errors import InputError

__all__ = ["CITE_COMMANDS", "LatexReading", "read_latex_blocks"]

CITE_COMMANDS = frozenset(
    {
        "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "autocite",
        "parencite", "textcite", "footcite", "supercite", "smartcite", "nocite",
    }
)
_SECTIONS = frozenset(
    {"part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"}
)
_SKIPPED_MACROS = frozenset(
    {
        "label", "ref", "eqref", "cref", "Cref", "autoref", "pageref", "includegraphics",
        "documentclass", "usepackage", "newcommand", "renewcommand", "providecommand", "def",
        "bibliographystyle", "maketitle", "tableofcontents", "vspace", "hspace", "centering",
        "newpage", "clearpage", "setlength", "author", "date", "thanks", "affiliation",
        "keywords", "hline", "toprule", "midrule", "bottomrule", "noindent", "small", "large",
    }
)
_SKIPPED_ENVIRONMENTS = re.compile(
    r"^(?:equation|align|alignat|gather|multline|flalign|eqnarray|displaymath|math|verbatim"
    r"|lstlisting|minted|tikzpicture|tabular[xy]?|longtable|comment|algorithmic|algorithm"
    r")\*?$"
)
_FLOATS = re.compile(r"^(?:figure|table|wrapfigure|wraptable|sidewaysfigure|sidewaystable)\*?$")
_LISTS = frozenset({"itemize", "enumerate", "description"})
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_MAX_DEPTH = 8
"""``\\input`` nesting deeper than this is a loop or an attack."""


def _context() -> object:
    db = get_default_latex_context_db()
    # Commands the default table does not know take their arguments with them.
    db.add_context_category(
        "evidence",
        prepend=True,
        macros=[
            *(MacroSpec(name, "*[[{") for name in sorted(CITE_COMMANDS)),
            MacroSpec("addbibresource", "[{"),
            MacroSpec("bibitem", "[{"),
            MacroSpec("caption", "*[{"),
            MacroSpec("href", "{{"),
            MacroSpec("bibliographystyle", "{"),
            MacroSpec("setlength", "{{"),
            MacroSpec("affiliation", "{"),
            MacroSpec("keywords", "{"),
        ],
        environments=[EnvironmentSpec("thebibliography", "{")],
    )
    return db


_CONTEXT = _context()
_TO_TEXT = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


@dataclass(slots=True)
class LatexReading:
    blocks: list[Block]
    title: str | None = None
    bibliography: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def read_latex_blocks(
    text: str, lines: LineIndex, *, path: str = "<text>", folder: str | Path | None = None
) -> LatexReading:
    """The blocks of a LaTeX document, its title and the bibliography files it names.

    ``\\input`` files are read from ``folder`` and the folders under it; with no folder
    (a text sent to the service) they are not read, and a problem says so.
    """
    reader = _Reader(Path(folder).resolve() if folder is not None else None)
    nodes = _parse(text, path)
    body = _document(nodes)
    if body is not None:
        reader.preamble(nodes)
        nodes = body
    reader.walk(nodes)
    return LatexReading(
        [b for b in reader.blocks if len(b.projection)],
        reader.title,
        tuple(dict.fromkeys(reader.bibliography)),
        tuple(reader.problems),
    )


def _parse(text: str, path: str) -> list[LatexNode]:
    try:
        walker = LatexWalker(text, latex_context=_CONTEXT, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
    except RecursionError as exc:
        raise InputError(f"{path}: braces or environments nested too deeply to read") from exc
    except LatexWalkerError as exc:
        raise InputError(f"{path}: cannot read the LaTeX ({exc})") from exc
    return list(nodes or [])


def _document(nodes: list[LatexNode]) -> list[LatexNode] | None:
    for node in nodes:
        if isinstance(node, LatexEnvironmentNode) and node.environmentname == "document":
            return list(node.nodelist)
    return None


def _arguments(node: LatexMacroNode) -> list[LatexNode | None]:
    return list(node.nodeargd.argnlist) if node.nodeargd is not None else []


def _plain(node: LatexNode | None) -> str:
    """The text of an argument as written (keys, file names): no conversion."""
    if node is None:
        return ""
    if isinstance(node, LatexGroupNode):
        return str(node.latex_verbatim())[1:-1]
    return str(node.latex_verbatim())


@dataclass(slots=True)
class _Anchor:
    """Text brought by ``\\input`` maps wholly to the command's span in the article."""

    start: int
    end: int


@dataclass(slots=True)
class _Reader:
    folder: Path | None
    blocks: list[Block] = field(default_factory=list)
    block: Block | None = None
    title: str | None = None
    bibliography: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    anchor: _Anchor | None = None
    depth: int = 0
    in_bibliography: bool = False
    list_kinds: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    bibitems: int = 0

    # blocks
    def open(self, kind: BlockKind, label: str | None = None) -> Block:
        self.block = Block(kind, Projection(), label=label, in_references=self.in_bibliography)
        self.blocks.append(self.block)
        return self.block

    def close(self) -> None:
        self.block = None

    def current(self) -> Block:
        return self.block if self.block is not None else self.open("paragraph")

    def add(self, text: str, start: int, end: int, *, exact: bool) -> None:
        if not text.strip() and self.block is None:
            return
        block = self.current()
        if self.anchor is not None:
            block.projection.add(text, self.anchor.start, self.anchor.end)
        elif exact:
            block.projection.add(text, start)
        else:
            block.projection.add(text, start, end)

    # walking
    def preamble(self, nodes: list[LatexNode]) -> None:
        for node in nodes:
            if isinstance(node, LatexMacroNode) and node.macroname == "title":
                self.title = _TO_TEXT.nodelist_to_text([_arguments(node)[-1]]).strip() or None
            elif isinstance(node, LatexMacroNode):
                self.macro_files(node)

    def walk(self, nodes: list[LatexNode]) -> None:
        for node in nodes:
            self.node(node)

    def node(self, node: LatexNode | None) -> None:
        if node is None or isinstance(node, LatexCommentNode):
            return
        if isinstance(node, LatexCharsNode):
            self.chars(node)
        elif isinstance(node, LatexGroupNode):
            self.walk(list(node.nodelist))
        elif isinstance(node, LatexMathNode):
            if node.displaytype == "inline":
                self.converted(node)
        elif isinstance(node, LatexSpecialsNode):
            self.converted(node)
        elif isinstance(node, LatexMacroNode):
            self.macro(node)
        elif isinstance(node, LatexEnvironmentNode):
            self.environment(node)

    def chars(self, node: LatexCharsNode) -> None:
        text, pos = node.chars, 0
        for brk in _PARAGRAPH_BREAK.finditer(text):
            self.piece(text[pos : brk.start()], node.pos + pos)
            self.close()
            pos = brk.end()
        self.piece(text[pos:], node.pos + pos)

    def piece(self, text: str, start: int) -> None:
        if not text:
            return
        # "--", quotes and the like read differently from how they are written.
        shown = _TO_TEXT.latex_to_text(text)
        self.add(shown, start, start + len(text), exact=shown == text)

    def converted(self, node: LatexNode) -> None:
        shown = _TO_TEXT.nodelist_to_text([node])
        if shown.strip():
            self.add(shown, node.pos, node.pos + node.len, exact=False)
        elif shown:
            self.add(" ", node.pos, node.pos + node.len, exact=False)

    def macro(self, node: LatexMacroNode) -> None:
        name = node.macroname
        args = _arguments(node)
        if name in CITE_COMMANDS:
            self.cite(node, args)
        elif name in _SECTIONS:
            self.close()
            self.open("heading")
            self.node(args[-1] if args else None)
            self.close()
        elif name == "footnote":
            # The note is a paragraph of its own; the text around it stays one paragraph.
            outer = self.block
            self.open("paragraph")
            self.node(args[-1] if args else None)
            self.block = outer
        elif name in ("input", "include"):
            self.follow(node, _plain(args[-1] if args else None))
        elif name in ("bibliography", "addbibresource"):
            self.macro_files(node)
        elif name == "title":
            self.title = _TO_TEXT.nodelist_to_text([args[-1]]).strip() if args else None
        elif name == "item":
            self.item(node, args)
        elif name == "bibitem":
            self.bibitem(node, args)
        elif name in ("par",):
            self.close()
        elif name == "\\":
            if self.block is not None:
                self.block.projection.line_break(node.pos)
        elif name == "href":
            self.node(args[-1] if args else None)
        elif name in _SKIPPED_MACROS:
            return
        elif any(arg is not None for arg in args):
            for arg in args:
                if isinstance(arg, LatexGroupNode) and arg.delimiters[0] == "{":
                    self.node(arg)
        else:
            self.converted(node)  # \%, \&, accents, \LaTeX: what they print

    def macro_files(self, node: LatexMacroNode) -> None:
        args = _arguments(node)
        if node.macroname == "bibliography" and args:
            for name in _plain(args[-1]).split(","):
                name = name.strip()
                if name:
                    self.bibliography.append(name if name.endswith(".bib") else f"{name}.bib")
        elif node.macroname == "addbibresource" and args:
            self.bibliography.append(_plain(args[-1]).strip())

    def cite(self, node: LatexMacroNode, args: list[LatexNode | None]) -> None:
        keys = tuple(k.strip() for k in _plain(args[-1] if args else None).split(",") if k.strip())
        if not keys or node.macroname == "nocite":
            return
        block = self.current()
        # The readable text keeps the citation in pandoc's spelling, so that claims and
        # sentence splitting see a citation there, as they do in Markdown.
        shown = "[" + "; ".join(f"@{key}" for key in keys) + "]"
        start, end = node.pos, node.pos + node.len
        if self.anchor is not None:
            start, end = self.anchor.start, self.anchor.end
        self.add(shown, node.pos, node.pos + node.len, exact=False)
        after = len(block.projection)
        block.markers.append(RawMarker(after - len(shown), start, end, "latex", keys, after))

    def item(self, node: LatexMacroNode, args: list[LatexNode | None]) -> None:
        label = _plain(args[0]).strip() if args and args[0] is not None else None
        if self.list_kinds and self.list_kinds[-1] == "enumerate":
            self.numbers[-1] += 1
            label = label or str(self.numbers[-1])
        self.close()
        self.open("list-item", label)

    def bibitem(self, node: LatexMacroNode, args: list[LatexNode | None]) -> None:
        self.bibitems += 1
        label = _plain(args[0]).strip() if len(args) > 1 and args[0] is not None else None
        self.close()
        block = self.open("list-item", label or str(self.bibitems))
        block.key = _plain(args[-1]).strip() if args else None
        block.in_references = True

    def environment(self, node: LatexEnvironmentNode) -> None:
        name = node.environmentname
        if _SKIPPED_ENVIRONMENTS.match(name):
            self.close()
            return
        if _FLOATS.match(name):
            self.close()
            for caption in _captions(list(node.nodelist)):
                self.open("paragraph")
                self.node(_arguments(caption)[-1])
                self.close()
            return
        self.close()
        if name in _LISTS:
            self.list_kinds.append(name)
            self.numbers.append(0)
            self.walk(list(node.nodelist))
            self.list_kinds.pop()
            self.numbers.pop()
        elif name == "thebibliography":
            self.open("heading").projection.add("References", node.pos, node.pos)
            self.close()
            self.in_bibliography = True
            self.walk(list(node.nodelist))
            self.in_bibliography = False
        else:
            self.walk(list(node.nodelist))
        self.close()

    def follow(self, node: LatexMacroNode, name: str) -> None:
        """Read the file ``\\input`` names, inside the article's folder, as if written here."""
        if self.folder is None or not name.strip():
            self.problems.append(f"\\input{{{name}}} not read: the article came with no folder")
            return
        target = (self.folder / name.strip()).resolve()
        if target.suffix == "":
            target = target.with_suffix(".tex")
        if not target.is_relative_to(self.folder):
            raise InputError(
                f"\\input{{{name}}} points outside the article's folder ({self.folder}): refused"
            )
        if self.depth >= _MAX_DEPTH:
            raise InputError(f"\\input{{{name}}}: files input each other more than "
                             f"{_MAX_DEPTH} deep (a loop?)")
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"\\input{{{name}}}: cannot read {target} ({exc})") from exc
        outer_anchor, self.anchor = self.anchor, self.anchor or _Anchor(
            node.pos, node.pos + node.len
        )
        self.depth += 1
        self.walk(_parse(text, str(target)))
        self.depth -= 1
        self.anchor = outer_anchor


def _captions(nodes: list[LatexNode]) -> list[LatexMacroNode]:
    found: list[LatexMacroNode] = []
    for node in nodes:
        if isinstance(node, LatexMacroNode) and node.macroname == "caption":
            found.append(node)
        elif isinstance(node, (LatexGroupNode, LatexEnvironmentNode)):
            found.extend(_captions(list(node.nodelist)))
    return found
