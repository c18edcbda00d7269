"""PDF into blocks, with pdfminer.six's layout analysis (text lines in reading order).

pdfminer gives text lines with their characters, sizes and places, in reading order (one or
two columns). From them this reader makes paragraphs: a paragraph ends at a wider gap, a
change of type size, a line that opens like a list item, or a short line that ends a sentence;
it goes on across a column or page break when the sentence does. A line set larger than the
body text is a heading. Running headers and footers (the same words at the top or bottom of
most pages, page numbers included) are dropped; a word split by a hyphen at a line end is
joined (not one in a word that holds a hyphen already, nor a compound's: ``day-to-day``,
``exercise-based``), and so is a DOI broken across lines; ligatures are spelled out; a glyph
with no Unicode opening a line is a bullet (TeX's); a line that is only ``(1)`` is an
equation's number, and the displayed equation it numbers is no text either; nor is a display
with no number (a line set apart from both edges of its column, mostly mathematics: math
fonts, math symbols, sub- and superscripts), and a sentence goes on across a display. The
underscores TeX draws as rules are read as ``_``, and the pieces of a line TeX stretched
apart are one line again. Digits set smaller and
raised above the line are ``superscript`` markers (by their size and place, never by guessing
from digits alone). The reference list is found as in any text: under its heading.

The laid-out text opens each page with a line ``[page N]``; beside it, every stretch of that
text keeps the page and the line on the page it was read from (``Reading.places``), which is
what reports show. A PDF with no text layer (a scan) or one that needs a password is refused
saying so; so is one of more than ``MAX_PAGES`` pages, before its pages are read.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from evidence.articles.layout import Layout
from evidence.articles.markers import numeric_targets
from evidence.articles.source import Block, BlockKind, Reading
from evidence.errors import InputError

__all__ = ["MAX_PAGES", "read_pdf"]

MAX_PAGES = 400
"""Pages read at most: a longer PDF is a book or a proceedings volume, refused at once."""

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st"}
)
_ITEM = re.compile(r"^\s*(?:(\d{1,3})[.)]|\[(\d{1,4})\]|[\u2022\u25e6\u25aa\u2023\u2043\u00b7-])\s")
_SUPERSCRIPT_CHARS = frozenset("0123456789,\u2013-")
_SENTENCE_END = re.compile(r"[.!?:\"\u201d)]$")
_GOES_ON = re.compile(r"^\s*(?:doi\b|https?://(?:dx\.)?doi\.org/|10\.\d{4,9}/)", re.IGNORECASE)
"""A line that opens with a DOI belongs to the reference above it."""
_DOI_IN_PROGRESS = re.compile(r"(?:doi:\s*|doi\.org/)?10\.\d{4,9}/\S*$", re.IGNORECASE)
_UNMAPPED = re.compile(r"\(cid:\d+\)")
"""What pdfminer gives for a glyph its font maps to no character."""
_EQUATION_NUMBER = re.compile(r"^\s*\(\d{1,3}(?:\.\d{1,3})?[a-z]?\)\s*$")
"""A line that is only ``(1)``: a displayed equation's number, set apart at the margin."""
_MATH_FONT = re.compile(r"CMMI|CMSY|CMEX|CMBSY|MSAM|MSBM|EUFM|EUSM|Math", re.IGNORECASE)
"""TeX's math fonts (Computer Modern, AMS, Latin Modern), and OpenType math fonts."""
_MATH_SHARE = 0.5
"""A displayed line with at least this share of mathematics is an equation, not prose."""
_MARGIN = 0.08
"""Share of the page's height at its top and bottom where running heads and folios stand."""
_HEAD_KEY = re.compile(r"10\.\d{4,9}/\S+|\d+")
"""A DOI (kept whole in a running head's key) or another number (any number matches)."""
_SPACE_FACTOR = {".": 3.0, "?": 3.0, "!": 3.0, ":": 2.0, ";": 1.5, ",": 1.25}
"""TeX's space factor after punctuation, over 1000 (plain TeX's and LaTeX's, unless
``\\frenchspacing``): a justified line's space after it stretches that many times as far as
a space between words, and takes a little extra after ``.?!:``."""
_CLOSING = ")]'\"\u2019\u201d"
"""Closing marks that keep the space factor of the punctuation before them (TeX's 0)."""


@dataclass(slots=True)
class _Line:
    pieces: list[tuple[str, tuple[str, ...] | None]]
    """Text, and superscript markers (their digits, their targets) in the order they stand."""
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    first_word: float = 0.0
    """Width of the line's first word: had it fitted at the end of the line before, a line
    break there is a paragraph's end; if not, the text only wrapped."""
    number: int = 0
    """The line's number on its page (in its column, on a page of two), counted from the top
    in reading order, running heads included."""
    column: int = 0
    """1 or 2 on a page set in two columns; 0 for a line across the page."""
    spacing: float = 0.0
    """The widest space between two words of the line (TeX stretches a justified line's)."""
    after_display: bool = False
    """The first line under a displayed equation: a paragraph goes on across it, unless the
    line above ended a sentence."""
    chars: list[Any] = field(default_factory=list)
    """The line's visible characters (pdfminer's), kept only while its page is read: a
    display's share of mathematics is asked of them (``_math_share``)."""

    @property
    def place(self) -> str:
        column = f"column {self.column}, " if self.column else ""
        return f"page {self.page}, {column}line {self.number}"

    @property
    def text(self) -> str:
        return "".join(text for text, targets in self.pieces if targets is None)


def read_pdf(data: bytes, *, path: str) -> Reading:
    """The blocks of a PDF's text layer; refuses a scan, an encrypted or an overlong PDF."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(f"{path}: not a PDF file (it does not start with %PDF-)")
    pages, title = _pages(data, path)
    lines = _drop_running_heads(pages)
    if not any(line.text.strip() for page in lines for line in page):
        raise InputError(
            f"{path}: the PDF has no text layer (a scanned image?); run it through OCR first"
        )
    body = _body_size(lines)
    layout = Layout()
    _Builder(layout, body).build(lines)
    blocks = [b for b in layout.blocks if len(b.projection)]
    if title is None:
        title = next((b.text for b in blocks if b.kind == "heading"), None)
    return Reading(layout.text, blocks, title, (), tuple(layout.places))


def _pages(data: bytes, path: str) -> tuple[list[list[_Line]], str | None]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except PDFPasswordIncorrect as exc:
        raise InputError(
            f"{path}: the PDF is encrypted with a password; save an unprotected copy to check it"
        ) from exc
    except Exception as exc:  # pdfminer raises many kinds on a broken file
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    try:
        count = int(resolve1(resolve1(document.catalog["Pages"])["Count"]))
    except Exception:  # no count in the catalogue: the pages are counted as they are read
        count = 0
    if count > MAX_PAGES:
        raise InputError(
            f"{path}: {count} pages, over the limit of {MAX_PAGES} for one article; split it"
        )
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages: list[list[_Line]] = []
    try:
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            if number > MAX_PAGES:
                raise InputError(f"{path}: over {MAX_PAGES} pages for one article; split it")
            interpreter.process_page(page)
            pages.append(_lines(device.get_result(), number))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc})") from exc
    return pages, _title(document)


def _title(document: Any) -> str | None:
    from pdfminer.pdftypes import resolve1

    for info in document.info or []:
        title = resolve1(info.get("Title")) if isinstance(info, dict) else None
        if isinstance(title, bytes):
            text = title.decode("utf-16") if title[:2] in (b"\xfe\xff", b"\xff\xfe") else (
                title.decode("latin-1"))
            return " ".join(text.split()) or None
        if isinstance(title, str):
            return " ".join(title.split()) or None
    return None


def _lines(page: Any, number: int) -> list[_Line]:
    from pdfminer.layout import LTTextBox, LTTextLine

    height = page.height or 1.0
    read_lines: list[tuple[_Line, int]] = []
    boxes = _in_columns([box for box in page if isinstance(box, LTTextBox)], page.width or 1.0)
    rules = _rules(page)
    for box, column in boxes:
        for line in box:
            if isinstance(line, LTTextLine):
                read = _line(line, number, height, rules)
                if read is not None:
                    read_lines.append((read, column))
    read_lines = _stretched_lines_rejoined(read_lines)
    numbers = [ln for ln, _ in read_lines if _EQUATION_NUMBER.match(ln.text)]
    numbered = {id(ln) for ln in numbers}
    every = [ln for ln, _ in read_lines]
    edges: dict[int, tuple[float, float]] = {}
    for read, column in read_lines:
        left, right = edges.get(column, (read.x0, read.x1))
        edges[column] = (min(left, read.x0), max(right, read.x1))
    found: list[tuple[_Line, tuple[float, float]]] = []
    equations: list[_Line] = []
    counted: Counter[int] = Counter()
    for read, column in read_lines:
        if id(read) in numbered:  # on the equation's line: counted with it
            continue
        counted[column] += 1  # an equation's line is counted as a reader counts it
        read.number, read.column = counted[column], column
        beside = edges[column]
        if (numbers and _numbered_equation(read, numbers, every)) or (
                _displayed(read, beside) and _math_share(read.chars) >= _MATH_SHARE):
            equations.append(read)
        else:
            found.append((read, beside))
    # A fraction's numerator or denominator, or the comma after a display, stands apart
    # from the text beside the equation's main line: part of the display too.
    kept = [read for read, beside in found
            if not (equations and _displayed(read, beside) and any(
                eq.column == read.column and read.top < eq.bottom and read.bottom > eq.top
                for eq in equations))]
    for above, read in zip(kept, kept[1:], strict=False):
        read.after_display = read.column == above.column and any(
            eq.column == read.column and eq.top >= above.bottom - 1 and eq.bottom <= read.top + 1
            for eq in equations)
    for read, _ in read_lines:
        read.chars = []
    return kept


def _displayed(line: _Line, edges: tuple[float, float]) -> bool:
    """Set apart from both edges of its column, as a displayed equation is (centred, or
    indented under ``fleqn``); a line of prose runs to an edge, at least the left one."""
    left, right = edges
    return line.x0 >= left + 1.5 * line.size and line.x1 <= right - 1.5 * line.size


def _numbered_equation(line: _Line, numbers: list[_Line], lines: list[_Line]) -> bool:
    """A displayed equation: set apart from its column's left edge, with an equation number
    ``(1)`` at the column's right edge on the same baseline. Its words are no prose."""
    for number in numbers:
        if abs(line.bottom - number.bottom) > 0.5 * line.size or line.x1 > number.x0:
            continue
        # the column's left edge: where the full lines that end at the number's edge start
        full = [ln.x0 for ln in lines if abs(ln.x1 - number.x1) < 0.5 * ln.size]
        if full and line.x0 >= min(full) + 1.5 * line.size:
            return True
    return False


def _rules(page: Any) -> list[tuple[float, float, float]]:
    """The short horizontal rules drawn on the page (left, right, height above its foot).

    TeX's default (OT1) fonts have no underscore: ``\\_`` is drawn as a rule a third of an em
    wide on the baseline, which leaves pdfminer a gap it reads as a space
    (``10.1162/NECO a 00407``). These rules give the underscores back (``_line``).
    """
    from pdfminer.layout import LTCurve

    return sorted(
        (item.x0, item.x1, item.y0) for item in page
        if isinstance(item, LTCurve) and item.height <= 1.0 and 0 < item.width <= 12.0
    )


def _stretched_lines_rejoined(lines: list[tuple[_Line, int]]) -> list[tuple[_Line, int]]:
    """The page's lines with the pieces of one stretched line joined again, in reading order.

    TeX stretches the spaces of a justified line whose next word does not fit (a long DOI):
    in a reference, a line of four words may have spaces wider than pdfminer's limit for one
    line, so it is read as pieces, and pdfminer may box a piece with the line below it
    (``in`` read before ``doi:10...``, ``action.`` after it). Pieces on one baseline of a
    column are one line when the gap between them is no wider than the spaces inside them:
    TeX stretches every space of a line alike, while the gap between two columns, or before
    an equation's number, is far wider than the spaces of the text beside it. The joined line
    stands where its first piece was read.
    """
    if len(lines) < 2:
        return lines
    order = {id(line): index for index, (line, _) in enumerate(lines)}
    rows: dict[tuple[int, float], list[_Line]] = {}
    for line, column in lines:
        if _EQUATION_NUMBER.match(line.text):
            continue
        key = next((k for k in rows if k[0] == column
                    and abs(k[1] - line.bottom) <= 0.25 * line.size), (column, line.bottom))
        rows.setdefault(key, []).append(line)
    joined: dict[int, _Line] = {}
    dropped: set[int] = set()
    for row in rows.values():
        for chain in _one_line_pieces(row):
            first = min(chain, key=lambda ln: order[id(ln)])
            joined[id(first)] = _joined(chain)
            dropped.update(id(ln) for ln in chain if ln is not first)
    return [(joined.get(id(line), line), column) for line, column in lines
            if id(line) not in dropped]


def _one_line_pieces(row: list[_Line]) -> list[list[_Line]]:
    """The runs of two or more pieces on one baseline, left to right, that are one line.

    The widest space inside any piece of the row measures the gaps: a piece of one word
    ("to") has no space of its own. A gap after punctuation may be wider by TeX's space
    factor (after a colon, about twice a space): a reference's "therapy:   Biotech-" is one
    line, its last word no piece of its own read after the lines below it."""
    runs: list[list[_Line]] = []
    chain: list[_Line] = []
    spacing = max(ln.spacing for ln in row)
    for piece in sorted(row, key=lambda ln: ln.x0):
        if chain:
            last = chain[-1]
            if (abs(piece.size - last.size) <= 0.1 * last.size
                    and 0.15 * last.size < piece.x0 - last.x1
                    <= 1.25 * spacing * _space_factor(last.text)):
                chain.append(piece)
                continue
            if len(chain) > 1:
                runs.append(chain)
        chain = [piece]
    if len(chain) > 1:
        runs.append(chain)
    return runs


def _space_factor(text: str) -> float:
    """How many spaces' stretch TeX gives the space after ``text`` (see ``_SPACE_FACTOR``)."""
    return _SPACE_FACTOR.get(text.rstrip().rstrip(_CLOSING)[-1:], 1.0)


def _joined(chain: list[_Line]) -> _Line:
    """Pieces of one line, left to right, as one line."""
    pieces: list[tuple[str, tuple[str, ...] | None]] = []
    for line in chain:
        if pieces:
            pieces.append((" ", None))
        pieces.extend(line.pieces)
    first = chain[0]
    return _Line(pieces, first.x0, chain[-1].x1, min(ln.top for ln in chain),
                 max(ln.bottom for ln in chain), first.size, first.page, first.first_word,
                 spacing=max(ln.spacing for ln in chain))


def _in_columns(boxes: list[Any], width: float) -> list[tuple[Any, int]]:
    """The page's text boxes in reading order, each with its column (1, 2; 0: the page's
    width), when it is set in two columns.

    pdfminer orders boxes by a flow that, on a TeX page, interleaves the columns (a heading
    of the right column read before the left column's text). On a page whose text stands in
    two columns, each with at least a quarter of the lines, the order is: what spans the
    page above the columns (title, authors), the left column top to bottom, the right
    column, then what spans the page below. Any other page keeps pdfminer's order.
    """
    middle, slack = width / 2, 0.02 * width
    left = [b for b in boxes if b.x1 <= middle + slack]
    right = [b for b in boxes if b.x0 >= middle - slack and b.x1 > middle + slack]
    lines = sum(len(b) for b in boxes) or 1
    if sum(len(b) for b in left) < lines / 4 or sum(len(b) for b in right) < lines / 4:
        return [(b, 0) for b in boxes]
    columns = {id(b) for b in left} | {id(b) for b in right}
    spanning = [b for b in boxes if id(b) not in columns]
    top = max(b.y1 for b in boxes if id(b) in columns)

    def down(found: list[Any]) -> list[Any]:
        return sorted(found, key=lambda b: -b.y1)

    above = [b for b in spanning if b.y0 >= top - 1]
    below = [b for b in spanning if b.y0 < top - 1]
    return [*((b, 0) for b in down(above)), *((b, 1) for b in down(left)),
            *((b, 2) for b in down(right)), *((b, 0) for b in down(below))]


def _line(
    line: Any, page: int, height: float, rules: list[tuple[float, float, float]]
) -> _Line | None:
    from pdfminer.layout import LTChar

    chars = [c for c in line if isinstance(c, LTChar)]
    sizes = [c.size for c in chars if c.get_text().strip()]
    if not sizes:
        return None
    size = median(sizes)
    baseline = min((c.y0 for c in chars if c.size >= 0.9 * size), default=line.y0)
    pieces: list[tuple[str, tuple[str, ...] | None]] = []
    text: list[str] = []
    sup: list[str] = []

    def flush_sup() -> None:
        if sup:
            digits = "".join(sup)
            targets = numeric_targets(digits.strip(",-\u2013"))
            before = "".join(text)
            # TeX sets a superscript a little apart, which pdfminer reads as a space
            if targets and before.strip():
                pieces.append((before.rstrip(), None))
                text.clear()
                pieces.append((digits, targets))
            else:
                text.append(digits)
            sup.clear()

    before: Any = None  # the last character read
    for item in line:
        char = item.get_text()
        if isinstance(item, LTChar) and before is not None and rules:
            drawn = _underscores(rules, before.x1, item.x0, baseline, size)
            if drawn:
                flush_sup()
                while text and not text[-1].strip():  # the space pdfminer read for the gap
                    text.pop()
                text.append(drawn)
        if isinstance(item, LTChar):
            before = item
        if _UNMAPPED.fullmatch(char):
            # A glyph with no Unicode (TeX's itemize bullet in its symbol font): a bullet
            # where a line opens, elsewhere nothing a reader could spell.
            char = "\u2022" if not "".join(text).strip() and not pieces else ""
        small = isinstance(item, LTChar) and item.size <= 0.88 * size
        raised = isinstance(item, LTChar) and item.y0 > baseline + 0.2 * size
        if small and raised and char in _SUPERSCRIPT_CHARS:
            sup.append(char)
            continue
        flush_sup()
        text.append(char.translate(_LIGATURES))
    flush_sup()
    if text:
        pieces.append(("".join(text), None))
    pieces = [(t.replace("\n", " ").replace("\r", " "), g) for t, g in pieces]
    if pieces and pieces[-1][1] is None:
        pieces[-1] = (pieces[-1][0].rstrip(), None)
    words = [c for c in chars if c.get_text().strip()]
    end = next((chars[i - 1].x1 for i, c in enumerate(chars) if i and not c.get_text().strip()),
               words[-1].x1 if words else line.x1)
    gaps = [b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)]
    return _Line(pieces, line.x0, line.x1, height - line.y1, height - line.y0, size, page,
                 end - line.x0, spacing=max((g for g in gaps if g > 0.15 * size), default=0.0),
                 chars=words)


def _math_share(chars: list[Any]) -> float:
    """Share of the characters set as mathematics: in a math font, a math symbol, or a sub-
    or superscript (set smaller than the line's largest characters)."""
    if not chars:
        return 0.0
    largest = max(c.size for c in chars)
    math = sum(
        1 for c in chars
        if _MATH_FONT.search(c.fontname or "") or c.size <= 0.8 * largest
        or unicodedata.category(c.get_text()[:1] or " ") == "Sm"
    )
    return math / len(chars)


def _underscores(
    rules: list[tuple[float, float, float]], left: float, right: float, baseline: float,
    size: float,
) -> str:
    """``_`` for each rule drawn on the baseline in the gap between two characters."""
    found = [r for r in rules if r[0] >= left - 0.5 and r[1] <= right + 0.5
             and r[1] - r[0] <= size and abs(r[2] - baseline) <= 0.4 * size]
    return "_" * len(found)


def _drop_running_heads(pages: list[list[_Line]]) -> list[list[_Line]]:
    """The pages without the lines repeated in the margins of most pages, nor folios.

    Lines repeat whatever their numbers (a page's, a date's), but not whatever their DOIs:
    a running head gives its article's own DOI on every page, while the DOI lines of a
    reference list that happen to end two pages differ (``doi:10.1371/journal.pgen.0010005``
    and ``...pgen.1000913`` are two references, not a running head).
    """
    def key(line: _Line) -> str:
        text = " ".join(line.text.split()).lower()
        return _HEAD_KEY.sub(lambda m: m[0] if m[0].startswith("10.") and "/" in m[0]
                             else "#", text)

    def in_margin(line: _Line, height: float) -> bool:
        return line.top < _MARGIN * height or line.bottom > (1 - _MARGIN) * height

    heights = [max((ln.bottom for ln in page), default=1.0) for page in pages]
    height = max(heights, default=1.0) or 1.0
    seen = Counter(
        k for page in pages for k in {key(ln) for ln in page if in_margin(ln, height)}
    )
    repeated = {k for k, n in seen.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2)}
    folio = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$")
    return [
        [
            ln for ln in page
            if not (in_margin(ln, height) and (key(ln) in repeated or folio.match(key(ln))))
        ]
        for page in pages
    ]


def _body_size(pages: list[list[_Line]]) -> float:
    weights: Counter[float] = Counter()
    for page in pages:
        for line in page:
            weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 10.0


@dataclass(slots=True)
class _Builder:
    layout: Layout
    body: float
    block: Block | None = None
    previous: _Line | None = None
    held: str = ""
    """A line-end hyphen held back until the next line says whether it splits a word."""
    right: dict[tuple[int, bool], float] = field(default_factory=dict)
    middle: float = 0.0

    def build(self, pages: list[list[_Line]]) -> None:
        for number, page in enumerate(pages, start=1):
            self._columns(page)
            self.layout.note(f"[page {number}]")
            for line in page:
                self.line(line)

    def _columns(self, page: list[_Line]) -> None:
        """The right edge of each column of the page (lines starting left or right of mid)."""
        if not page:
            return
        middle = (min(ln.x0 for ln in page) + max(ln.x1 for ln in page)) / 2
        for line in page:
            side = (line.page, line.x0 >= middle)
            self.right[side] = max(self.right.get(side, 0.0), line.x1)
        self.middle = middle

    def line(self, line: _Line) -> None:
        heading = line.size > 1.15 * self.body
        item = _ITEM.match(line.text)
        if self.block is None or self.breaks(line, heading, item is not None):
            kind: BlockKind = "heading" if heading else ("list-item" if item else "paragraph")
            label = (item.group(1) or item.group(2)) if item else None
            self.close()
            self.block = self.layout.open(kind, label)
            self.layout.place(line.place)
            pieces = line.pieces
            if item is not None and pieces and pieces[0][1] is None:
                # the bullet or number: the item's label, not its words (as a list in HTML)
                pieces = [(pieces[0][0][item.end():], None), *pieces[1:]]
        else:
            self.layout.place(line.place)
            pieces = self.join(line)
        for text, targets in pieces:
            if targets is None:
                self.write(text)
            else:
                self.layout.marker(self.block, text, "superscript", targets, keep=False)
        self.previous = line

    def breaks(self, line: _Line, heading: bool, item: bool) -> bool:
        before = self.previous
        if before is None or self.block is None:
            return True
        if item or heading != (self.block.kind == "heading"):
            return True
        if abs(line.size - before.size) > 0.1 * self.body:
            return True
        ended = _SENTENCE_END.search(before.text.rstrip()) is not None
        if line.page == before.page and line.top >= before.top - 1:
            gap = line.top - before.bottom
            if gap > 0.9 * before.size and (ended or not line.after_display):
                return True  # a blank line's worth, not an equation's: a new paragraph
        if self.block.kind == "list-item" and line.page == before.page:
            return False  # a numbered entry goes on until the next number or a gap
        last = before.text.rstrip().rsplit(" ", 1)[-1]
        if _GOES_ON.match(line.text) or (_DOI_IN_PROGRESS.search(last) and last[-1] in "./-_"):
            return False  # a DOI, or the rest of one, belongs to the reference above
        right = self.right.get((before.page, before.x0 >= self.middle), 0.0)
        room = right - before.x1  # the next line's first word would have fitted here
        return ended and room > line.first_word + 0.5 * before.size

    def join(self, line: _Line) -> list[tuple[str, tuple[str, ...] | None]]:
        """The line's pieces, with what joins it to the line before (space, nothing)."""
        assert self.block is not None
        pieces = list(line.pieces)
        first = pieces[0][0] if pieces and pieces[0][1] is None else ""
        text = self.block.text
        last = text.rsplit(" ", 1)[-1] if text else ""
        if self.held:
            if first[:1].islower() and _one_word(last, first):  # "treat-" + "ment"
                self.held = ""
                return pieces
            self.write_raw(self.held)
            self.held = ""
            return pieces  # "exercise-" + "based": the author's hyphen, no space after it
        if re.search(r"\d[-\u2013]$", last) and first[:1].isdigit():
            return pieces  # "998-" + "1024": a page range broken at its dash
        if _DOI_IN_PROGRESS.search(last) and (last[-1:] in "./-_:" or first[:1] in "./-_"):
            return pieces  # a DOI broken across lines goes on without a space
        self.write_raw(" ")
        return pieces

    def write(self, text: str) -> None:
        assert self.block is not None
        if re.search(r"[^\W\d_]-$", text):
            self.held = "-"
            text = text[:-1]
        self.write_raw(text)

    def write_raw(self, text: str) -> None:
        assert self.block is not None
        if text:
            self.layout.write(self.block, text)

    def close(self) -> None:
        if self.held and self.block is not None:
            self.write_raw(self.held)
        self.held = ""


def _one_word(left: str, right: str) -> bool:
    """Whether ``left-`` at a line end and ``right`` on the next line are one word.

    A word that already holds a hyphen is never hyphenated again by a typesetter (TeX breaks
    such a word only at its own hyphens): ``day-to-`` + ``day`` keeps its hyphen. Otherwise the
    word list and the shape of the parts decide, as for references (``exercise-`` + ``based``
    stays a compound; ``rehabili-`` + ``tation`` is one word).
    """
    if "-" in left:
        return False
    word = re.match(r"[^\W\d_]+", right)
    if word is None or not left:
        return True
    from refs.match.linebreaks import repair_line_breaks

    return "-" not in repair_line_breaks(f"{left}-\n{word.group()}")
