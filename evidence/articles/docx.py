"""Word (.docx) into blocks, with python-docx for the package, styles and notes.

Read in document order: paragraphs (text split across runs joined), headings (the "Heading"
and "Title" styles), list items (numbered by Word: the number Word shows is the item's label,
so a numbered reference list keeps its numbers), every table cell as a paragraph of its own,
then footnotes and endnotes. Superscript numbers are ``superscript`` markers (Word's
superscript, a character style's, or text raised above the line as LibreOffice writes an HTML
``<sup>``). Citation fields that reference managers insert are ``field`` markers whose
targets are the cited works' DOIs (or their ids when no DOI is given): Zotero and Mendeley
keep CSL-JSON in the field code, EndNote its own XML; the works they carry come back as
``cited`` so that a citation whose work the written reference list lacks still has its
reference. Deleted (tracked) text and field codes are not text. Each block keeps its place
in words (``Reading.places``): ``paragraph N`` of the body (empty paragraphs not counted),
``table T, row R, cell C``, or ``footnote N`` / ``endnote N`` in the order Word numbers them.

A Word file is a zip: it is measured before it is opened (members, total size, compression
ratio), and one that would inflate beyond the limits is refused unread. An encrypted
(password-protected) file is an OLE container, not a zip, and is refused saying so.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from evidence.articles.layout import Layout
from evidence.articles.markers import numeric_targets
from evidence.articles.model import ReferenceEntry
from evidence.articles.source import Block, BlockKind, RawMarker, Reading
from evidence.errors import InputError
from refs import find_dois, normalize_doi

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_UNPACKED", "read_docx"]

MAX_UNPACKED = 200_000_000
"""Bytes a Word file may unpack to; a manuscript of 500 pages is a few megabytes of XML."""
MAX_RATIO = 200
"""Compression ratio past which a large member is a zip bomb, not a document."""
MAX_MEMBERS = 10_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_CSL = re.compile(r"ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s+(\{.*\})", re.DOTALL)
_ENDNOTE = re.compile(r"ADDIN\s+EN\.CITE\s+(<EndNote>.*</EndNote>)", re.DOTALL)
_SUPERSCRIPT_NUMBERS = re.compile(r"^\[?\d{1,4}(?:\s*[-\u2013,]\s*\d{1,4})*\]?$")
_SKIPPED = frozenset({"delText", "instrText", "delInstrText", "drawing", "pict", "object"})
_CONTAINERS = frozenset({"hyperlink", "ins", "smartTag", "customXml", "sdt", "sdtContent", "r"})


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


@dataclass(slots=True)
class DocxReading(Reading):
    cited: list[ReferenceEntry] = field(default_factory=list)
    """The works citation fields carry, as references (reference data with the marker)."""


def read_docx(data: bytes, *, path: str) -> DocxReading:
    """The blocks of a Word document; refuses what is not a safe, readable .docx."""
    _measure(data, path)
    import docx  # python-docx: imported when a Word file comes (~0.1 s)
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
            zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: not a readable Word (.docx) file ({exc})") from exc
    except Exception as exc:  # python-docx meets a broken part with whatever error comes
        raise InputError(
            f"{path}: not a readable Word (.docx) file ({type(exc).__name__}: {exc})"
        ) from exc
    styles = {style.style_id: style.name or "" for style in document.styles}
    styled = {style.style_id: style.element.find(f"{_w('pPr')}/{_w('numPr')}")
              for style in document.styles}
    aligned = {style.style_id: style.element.find(f"{_w('rPr')}/{_w('vertAlign')}")
               for style in document.styles}
    reader = _Reader(Layout(), styles, _numbering(document),
                     {k: v for k, v in styled.items() if v is not None},
                     {k: v for k, v in aligned.items() if v is not None})
    title = document.core_properties.title or None
    for reltype, kind in ((_FOOTNOTES, "footnote"), (_ENDNOTES, "endnote")):
        for rel in document.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                reader.notes(kind, rel.target_part.blob)
    reader.container(document.element.body)
    for key in list(reader.pending_notes):  # notes no paragraph refers to: at the end
        reader.emit_note(key)
    blocks = [b for b in reader.layout.blocks if len(b.projection)]
    title = title or reader.title
    return DocxReading(reader.layout.text, blocks, title, tuple(reader.problems),
                       tuple(reader.layout.places), cited=reader.cited)


def _measure(data: bytes, path: str) -> None:
    if data.startswith(_OLE):
        raise InputError(
            f"{path}: an encrypted (password-protected) Word file, or an old binary .doc; "
            "save it unprotected as .docx to check it"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{path}: not a Word (.docx) file: not a zip package ({exc})") from exc
    if len(members) > MAX_MEMBERS:
        raise InputError(f"{path}: {len(members)} files inside the package; refused")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise InputError(
            f"{path}: unpacks to {total:,} bytes, over the limit of {MAX_UNPACKED:,}; refused"
        )
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size // max(member.compress_size, 1)
            raise InputError(
                f"{path}: {member.filename} inflates {ratio} times (a zip bomb?); refused"
            )
    _inflate(archive, members, path)


def _inflate(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: str) -> None:
    """Unpack every member once, in chunks, counting: sizes the headers state can lie."""
    budget = MAX_UNPACKED
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):
                    budget -= len(chunk)
                    if budget < 0:
                        raise InputError(
                            f"{path}: unpacks to more than {MAX_UNPACKED:,} bytes; refused"
                        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, RuntimeError) as exc:  # RuntimeError: an encrypted member
        raise InputError(f"{path}: a damaged or encrypted zip package ({exc})") from exc


def _numbering(document: Any) -> dict[tuple[str, str], str]:
    """(numId, level) -> the number format Word shows (``decimal``, ``bullet``...)."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for item in root.iterfind(_w("abstractNum")):
        levels = {}
        for level in item.iterfind(_w("lvl")):
            fmt = level.find(_w("numFmt"))
            levels[level.get(_w("ilvl")) or "0"] = (
                fmt.get(_w("val")) if fmt is not None else "decimal"
            ) or "decimal"
        abstract[item.get(_w("abstractNumId"))] = levels
    formats: dict[tuple[str, str], str] = {}
    for num in root.iterfind(_w("num")):
        ref = num.find(_w("abstractNumId"))
        levels = abstract.get(ref.get(_w("val")) if ref is not None else None, {})
        for level, fmt in levels.items():
            formats[(num.get(_w("numId")) or "", level)] = fmt
    return formats


@dataclass(slots=True)
class _Field:
    instruction: str = ""
    start: int | None = None
    """Layout offset where the field's result (the text Word shows) begins."""
    clean: int | None = None


@dataclass(slots=True)
class _Reader:
    layout: Layout
    styles: dict[str, str]
    formats: dict[tuple[str, str], str]
    styled: dict[str, etree._Element]
    """Style id -> the numbering the style gives its paragraphs ("List Number")."""
    run_styles: dict[str, etree._Element] = field(default_factory=dict)
    """Character style id -> the ``vertAlign`` it sets (a "Footnote Anchor" style raises)."""
    title: str | None = None
    problems: list[str] = field(default_factory=list)
    cited: list[ReferenceEntry] = field(default_factory=list)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    fields: list[_Field] = field(default_factory=list)
    block: Block | None = None
    pending_notes: dict[tuple[str, str], etree._Element] = field(default_factory=dict)
    """Footnotes and endnotes by (kind, id), until the paragraph that refers to them."""
    referred: list[tuple[str, str]] = field(default_factory=list)
    where: str | None = None
    """The table cell or note being read (``None``: the body, where paragraphs are counted)."""
    paragraphs: int = 0
    tables: int = 0
    note_counts: dict[str, int] = field(default_factory=dict)

    def container(self, element: etree._Element) -> None:
        for child in element:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in ("sdt", "sdtContent", "customXml"):
                self.container(child)

    def table(self, table: etree._Element) -> None:
        """Every cell's paragraphs, each cell named by its table, row and column."""
        self.tables += 1
        number, outer = self.tables, self.where
        for row_number, row in enumerate(table.iterfind(_w("tr")), start=1):
            for cell_number, cell in enumerate(row.iterfind(_w("tc")), start=1):
                self.where = f"table {number}, row {row_number}, cell {cell_number}"
                self.container(cell)
        self.where = outer

    def notes(self, kind: str, blob: bytes) -> None:
        """Keep the notes of a part, to be read after the paragraph that refers to each."""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            root = etree.fromstring(blob, parser)
        except etree.XMLSyntaxError as exc:
            self.problems.append(f"{kind}s not read ({exc})")
            return
        for note in root:
            if note.get(_w("type")) in (None, "normal"):
                self.pending_notes[(kind, note.get(_w("id")) or "")] = note

    def emit_note(self, key: tuple[str, str]) -> None:
        note = self.pending_notes.pop(key, None)
        if note is not None:
            # numbered in the order they are met, as Word shows them
            self.note_counts[key[0]] = self.note_counts.get(key[0], 0) + 1
            outer, self.where = self.where, f"{key[0]} {self.note_counts[key[0]]}"
            self.container(note)
            self.where = outer

    def paragraph(self, p: etree._Element) -> None:
        kind, label = self.kind(p)
        self.block = self.layout.open(kind, label)
        if self.where is None:
            self.paragraphs += 1
            self.layout.place(f"paragraph {self.paragraphs}")
        else:
            self.layout.place(self.where)
        self.fields = []
        self.inline(p)
        if self.where is None and not len(self.block.projection):
            self.paragraphs -= 1  # an empty paragraph is no paragraph a reader counts
        if kind == "heading" and self.title is None and self.style(p).lower() == "title":
            self.title = self.block.text or None
        # A note is read right after the paragraph that refers to it: a claim in a
        # footnote is a claim, and it stands next to the text it comments on.
        referred, self.referred = self.referred, []
        for key in referred:
            self.emit_note(key)

    def style(self, p: etree._Element) -> str:
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        return self.styles.get(style.get(_w("val")) or "", "") if style is not None else ""

    def kind(self, p: etree._Element) -> tuple[BlockKind, str | None]:
        style = self.style(p).lower()
        if style.startswith(("heading", "title")):
            return "heading", None
        numbering = p.find(f"{_w('pPr')}/{_w('numPr')}")
        if numbering is None:
            style_id = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            if style_id is not None:
                numbering = self.styled.get(style_id.get(_w("val")) or "")
        if numbering is not None and numbering.find(_w("numId")) is not None:
            num = numbering.find(_w("numId"))
            level = numbering.find(_w("ilvl"))
            key = (
                num.get(_w("val")) or "" if num is not None else "",
                level.get(_w("val")) or "0" if level is not None else "0",
            )
            if key[0] != "0":  # numId 0 switches numbering off
                self.counters[key] = self.counters.get(key, 0) + 1
                numbered = self.formats.get(key, "decimal") not in ("bullet", "none")
                return "list-item", str(self.counters[key]) if numbered else None
        if style.startswith("list"):
            return "list-item", None
        return "paragraph", None

    def inline(self, element: etree._Element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "r":
                self.run(child)
            elif name == "fldSimple":
                self.fields.append(_Field(child.get(_w("instr")) or ""))
                self.separate()
                self.inline(child)
                self.end_field()
            elif name in _CONTAINERS:
                self.inline(child)

    def run(self, run: etree._Element) -> None:
        assert self.block is not None
        superscript = self.raised(run)
        for child in run:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if name == "fldChar":
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.fields.append(_Field())
                elif kind == "separate":
                    self.separate()
                elif kind == "end":
                    self.end_field()
            elif name == "instrText" and self.fields:
                self.fields[-1].instruction += child.text or ""
            elif self.fields and self.fields[-1].start is None:
                continue  # inside a field's code, before its result: not text
            elif name == "t":
                text = child.text or ""
                if superscript and _SUPERSCRIPT_NUMBERS.match(text.strip()) and not self.fields:
                    targets = numeric_targets(text.strip())
                    self.layout.marker(self.block, text, "superscript", targets, keep=False)
                else:
                    self.layout.write(self.block, text)
            elif name in ("tab", "noBreakHyphen"):
                self.layout.write(self.block, " " if name == "tab" else "-")
            elif name in ("br", "cr"):
                self.layout.line_break(self.block)
            elif name in ("footnoteReference", "endnoteReference"):
                self.referred.append((name.removesuffix("Reference"), child.get(_w("id")) or ""))

    def raised(self, run: etree._Element) -> bool:
        """Set as a superscript: by Word's ``vertAlign``, its character style's, or (as
        LibreOffice writes an HTML ``<sup>``) raised above the line by ``position``."""
        props = run.find(_w("rPr"))
        if props is None:
            return False
        align = props.find(_w("vertAlign"))
        if align is None:
            style = props.find(_w("rStyle"))
            align = self.run_styles.get(style.get(_w("val")) or "") if style is not None else None
        if align is not None:
            return bool(align.get(_w("val")) == "superscript")
        position = props.find(_w("position"))
        try:
            return position is not None and int(position.get(_w("val")) or "0") > 0
        except ValueError:
            return False

    def separate(self) -> None:
        assert self.block is not None
        if self.fields:
            current = self.fields[-1]
            current.start = len(self.layout.text)
            current.clean = len(self.block.projection)

    def end_field(self) -> None:
        if not self.fields:
            return
        current = self.fields.pop()
        targets, works = _citation(current.instruction)
        if not targets or current.start is None or self.block is None:
            return
        end = len(self.layout.text)
        after = len(self.block.projection)
        clean = current.clean or 0
        if after > clean and self.block.text[clean : clean + 1] == " ":
            clean += 1
        self.block.markers.append(
            RawMarker(clean, current.start, end, "field", targets, after)
        )
        line = self.layout.text.count("\n") + 1
        self.cited.extend(_entry(work, line) for work in works)


def _citation(instruction: str) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The targets a citation field names and the works it carries (CSL-JSON items)."""
    csl = _CSL.search(instruction)
    if csl is not None:
        try:
            data = json.loads(csl.group(1))
        except ValueError:
            return (), []
        items = data.get("citationItems", []) if isinstance(data, dict) else []
        works: list[dict[str, Any]] = [
            i["itemData"] for i in items if isinstance(i, dict) and isinstance(
                i.get("itemData"), dict)
        ]
        return tuple(_target(w) for w in works), works
    endnote = _ENDNOTE.search(instruction)
    if endnote is not None:
        found = list(_endnote_works(endnote.group(1)))
        return tuple(_target(w) for w in found), found
    return (), []


def _target(work: dict[str, Any]) -> str:
    doi = work.get("DOI")
    if isinstance(doi, str) and find_dois(doi):
        return f"doi:{normalize_doi(find_dois(doi)[0].doi)}"
    return f"field:{work.get('id', '')}"


def _endnote_works(xml: str) -> Iterator[dict[str, Any]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return
    for cite in root.iterfind("Cite"):
        record = cite.find("record")
        if record is None:
            continue
        authors = [" ".join("".join(a.itertext()).split()) for a in record.iterfind(".//author")]
        yield {
            "id": cite.findtext("RecNum") or "",
            "DOI": "".join(record.findtext(".//electronic-resource-num") or "").strip(),
            "title": " ".join("".join(record.find(".//title").itertext()).split())
            if record.find(".//title") is not None else "",
            "author": [{"literal": a} for a in authors],
            "issued": {"date-parts": [[cite.findtext("Year") or ""]]},
            "container-title": record.findtext(".//secondary-title") or "",
        }


def _entry(work: dict[str, Any], line: int) -> ReferenceEntry:
    """A work a citation field carries, written out as a reference of the usual shape."""
    names = []
    for author in work.get("author", []) or []:
        if isinstance(author, dict):
            names.append(author.get("literal") or " ".join(
                p for p in (author.get("family"), author.get("given")) if isinstance(p, str)
            ))
    year = ""
    parts = (work.get("issued") or {}).get("date-parts") if isinstance(work.get("issued"), dict) \
        else None
    if parts and parts[0] and parts[0][0]:
        year = str(parts[0][0])
    fields = [", ".join(n for n in names if n), str(work.get("title") or ""),
              str(work.get("container-title") or ""), year]
    text = ". ".join(f.strip(". ") for f in fields if f and f.strip(". ")) + "."
    target = _target(work)
    doi = target.removeprefix("doi:") if target.startswith("doi:") else None
    if doi:
        text += f" doi:{doi}"
    key = None if doi else target
    return ReferenceEntry(text, line, None, key, doi, doi)
