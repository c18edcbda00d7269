"""Blocks into an Article: reference list set apart, sentences cut, markers placed.

``read_article``, ``parse_article`` (text formats) and ``parse_bytes`` (any format, Word and
PDF included) are the entry points; the readers (``text``, ``markdown``, ``html``, ``latex``,
``jats``, ``docx``, ``pdf``) only produce blocks, so every format shares what happens next.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from evidence.articles.decode import decode_bytes, normalize_newlines
from evidence.articles.markers import find_markers
from evidence.articles.model import Article, ArticleFormat, Marker, ReferenceEntry, Sentence
from evidence.articles.references import split_references
from evidence.articles.segment import split_sentences
from evidence.articles.source import Block, LineIndex
from evidence.articles.text import read_text_blocks
from evidence.errors import InputError

__all__ = [
    "ARTICLE_SUFFIXES",
    "BINARY_FORMATS",
    "FORMATS",
    "parse_article",
    "parse_bytes",
    "read_article",
]

FORMATS: dict[str, ArticleFormat] = {
    ".txt": ArticleFormat.TEXT,
    ".text": ArticleFormat.TEXT,
    ".md": ArticleFormat.MARKDOWN,
    ".markdown": ArticleFormat.MARKDOWN,
    ".html": ArticleFormat.HTML,
    ".htm": ArticleFormat.HTML,
    ".xhtml": ArticleFormat.HTML,
    ".tex": ArticleFormat.LATEX,
    ".xml": ArticleFormat.JATS,
    ".nxml": ArticleFormat.JATS,
    ".docx": ArticleFormat.DOCX,
    ".pdf": ArticleFormat.PDF,
}
"""File extension to format; anything else must name its format."""

ARTICLE_SUFFIXES: tuple[str, ...] = tuple(s for s in FORMATS if s != ".xml")
"""The extensions of the files a folder check reads as articles. Not ``.xml``: a docs folder
holds XML of every kind (sitemaps, builds); a JATS file is checked when named, or as ``.nxml``."""

BINARY_FORMATS: frozenset[str] = frozenset({"docx", "pdf"})
"""Formats read from bytes by their own library, never decoded as text."""

_TEXT_FORMATS: tuple[ArticleFormat, ...] = (
    ArticleFormat.TEXT, ArticleFormat.MARKDOWN, ArticleFormat.HTML, ArticleFormat.LATEX,
    ArticleFormat.JATS,
)


def read_article(
    path: str | Path,
    *,
    format: str | None = None,
    max_bytes: int | None = None,
    raise_limit: str = "raise the limit",
) -> Article:
    """Read the file at ``path`` (format from its extension unless given).

    A file over ``max_bytes`` is refused before it is read: a check takes about five
    seconds per megabyte, so a limit says so at once instead of minutes later.
    ``raise_limit`` tells the reader how (``"use --max-article-size MB"``).

    :raises InputError: the file cannot be read, is too large, is binary, or its format is
        unknown.
    """
    path = Path(path)
    kind = _format(path, format)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(
                f"{path}: the article is {_megabytes(size)}, over the limit of "
                f"{_megabytes(max_bytes)} for one article; {raise_limit} to check it whole, "
                "or split it"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return parse_bytes(data, path=str(path), format=kind, folder=path.parent)


def parse_bytes(
    data: bytes, *, path: str, format: str | None = None, folder: str | Path | None = None
) -> Article:
    """Read a file's bytes as an article (format from ``path``'s extension unless given).

    ``folder`` is where a LaTeX article's ``\\input`` files may be read from; without one
    (an upload, a text sent to the service) no other file is ever read.

    :raises InputError: the bytes are not a readable file of that format (corrupt, encrypted,
        a zip bomb, XML that declares entities...): nothing is read from them.
    """
    kind = _format(Path(path), format)
    if kind not in BINARY_FORMATS:
        text, notes = decode_bytes(data, path=path)
        article = parse_article(text, path=path, format=kind, folder=folder)
        return replace(article, problems=(*notes, *article.problems))
    if kind == "docx":
        from evidence.articles.docx import read_docx

        docx = read_docx(data, path=path)
        article = _assemble(path, kind, docx.text, docx.blocks, docx.title, (), docx.problems)
        return replace(article, references=_with_cited(article.references, docx.cited),
                       places=docx.places)
    from evidence.articles.pdf import read_pdf

    read = read_pdf(data, path=path)
    article = _assemble(path, kind, read.text, read.blocks, read.title, (), read.problems)
    return replace(article, places=read.places)


def _with_cited(
    written: tuple[ReferenceEntry, ...], cited: list[ReferenceEntry]
) -> tuple[ReferenceEntry, ...]:
    """The written references, then the works citation fields carry that none of them names."""
    known = {r.doi for r in written if r.doi} | {r.key for r in written if r.key}
    added = []
    for entry in cited:
        name = entry.doi or entry.key
        if name and name not in known:
            known.add(name)
            added.append(entry)
    return (*written, *added)


def parse_article(
    text: str, *, path: str = "<text>", format: str = "text", folder: str | Path | None = None
) -> Article:
    """Read ``text`` (already decoded) as an article of the given format.

    ``folder``: where LaTeX ``\\input`` files may be read from (none: they are not read).
    """
    kind = _format(Path(path), format)
    if kind in BINARY_FORMATS:
        raise InputError(f"{path}: a {kind} file is read from its bytes, not from text")
    text = normalize_newlines(text.removeprefix("\ufeff"))
    lines = LineIndex(text)
    title: str | None = None
    bibliography: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    # Each reader is imported when its format comes: Markdown brings markdown-it and HTML the
    # standard HTML parser (~0.035 s together), which a plain-text check never needs.
    if kind == "markdown":
        from evidence.articles.markdown import read_markdown_blocks

        blocks, front = read_markdown_blocks(text, lines)
        title, bibliography = front.title, front.bibliography
    elif kind == "html":
        from evidence.articles.html import read_html_blocks

        blocks, title = read_html_blocks(text, lines)
    elif kind == "latex":
        from evidence.articles.latex import read_latex_blocks

        latex = read_latex_blocks(text, lines, path=path, folder=folder)
        blocks, title, bibliography, problems = (
            latex.blocks, latex.title, latex.bibliography, latex.problems
        )
    elif kind == "jats":
        from evidence.articles.jats import read_jats_blocks

        blocks, title = read_jats_blocks(text, lines, path=path)
    else:
        from evidence.audit.suppressions import blank_suppressions

        blocks = read_text_blocks(blank_suppressions(text), lines)
    return _assemble(path, kind, text, blocks, title, bibliography, problems, lines)


def _assemble(
    path: str,
    kind: ArticleFormat,
    text: str,
    blocks: list[Block],
    title: str | None,
    bibliography: tuple[str, ...],
    problems: tuple[str, ...],
    lines: LineIndex | None = None,
) -> Article:
    """The article from its blocks: references set apart, sentences cut, markers placed."""
    lines = lines or LineIndex(text)
    texts = [block.text for block in blocks]
    in_references, references = split_references(blocks, texts, lines)
    sentences: list[Sentence] = []
    for index, (block, block_text) in enumerate(zip(blocks, texts, strict=True)):
        if index not in in_references:
            sentences.extend(_sentences(block, block_text, index, text, lines))
    title = title or _first_heading(blocks, texts)
    return Article(
        path, kind, title, text, tuple(sentences), tuple(references), bibliography, problems
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB ({size:,} bytes)"


def _format(path: Path, format: str | None) -> ArticleFormat:
    if format is not None:
        for name in (*_TEXT_FORMATS, ArticleFormat.DOCX, ArticleFormat.PDF):
            if format == name:
                return name
        known = ", ".join((*_TEXT_FORMATS, ArticleFormat.DOCX, ArticleFormat.PDF))
        raise InputError(f"{path}: unknown format {format!r}; use one of {known}")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        names = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: cannot tell the format from the extension (known: {names})")
    return kind


def _sentences(
    block: Block, text: str, index: int, source: str, lines: LineIndex
) -> list[Sentence]:
    spans = [(0, len(text))] if block.kind != "paragraph" else split_sentences(text)
    markers = _markers(block, text, source, lines)
    kind = "sentence" if block.kind == "paragraph" else block.kind
    sentences = []
    position = 0
    for number, (start, end) in enumerate(spans):
        last = number == len(spans) - 1
        inside = []
        while position < len(markers) and (last or markers[position][0] <= end):
            inside.append(markers[position][1])
            position += 1
        src_start = block.projection.source(start)
        src_end = block.projection.source_end(end)
        sentences.append(
            Sentence(
                text[start:end],
                lines.line(src_start),
                src_start,
                src_end,
                index,
                kind,
                tuple(inside),
            )
        )
    return sentences


def _markers(block: Block, text: str, source: str, lines: LineIndex) -> list[tuple[int, Marker]]:
    """Markers of a block with their readable offsets, in order of where they stand."""
    proj = block.projection
    found: list[tuple[int, Marker]] = []
    # Words a reader kept for a marker it found in the markup (a JATS <xref>, a Word field)
    # are that marker: the text patterns must not count them a second time.
    kept = [(raw.clean, raw.clean_end) for raw in block.markers if raw.clean_end is not None]
    for kind, start, end, targets in find_markers(text):
        if any(start < e and s < end for s, e in kept):
            continue
        src_start, src_end = proj.source(start), proj.source_end(end)
        marker = Marker(
            source[src_start:src_end], lines.line(src_start), src_start, src_end, kind, targets
        )
        found.append((start, marker))
    for raw in block.markers:
        marker = Marker(
            source[raw.start : raw.end],
            lines.line(raw.start),
            raw.start,
            raw.end,
            raw.kind,
            raw.targets,
        )
        found.append((raw.clean, marker))
    found.sort(key=lambda pair: (pair[0], pair[1].start))
    return found


def _first_heading(blocks: list[Block], texts: list[str]) -> str | None:
    for block, text in zip(blocks, texts, strict=True):
        if block.kind == "heading":
            return text
        break
    return None
