"""Read BibTeX: bibtexparser's splitter, our middleware stack, then each entry as a ``Work``.

Bad input is data: a broken entry becomes a ``Problem`` with its line and the good entries
around it are read; only a file that is not text at all raises ``BibTeXError``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    Entry,
    ParsingFailedBlock,
    Preamble,
    String,
)
from bibtexparser.splitter import Splitter

from refs.bibtex.fields import work_from_fields
from refs.bibtex.keys import citation_key
from refs.bibtex.middlewares import ExpandStrings, RecoverEntries, line_of
from refs.errors import BibTeXError
from refs.problems import Problem
from refs.work import Work

# The splitter logs each block it gives up on; that block comes back as a Problem (with its
# line, which the log gets wrong: "line 0"), so the log would say it twice, worse. A handler
# of our own keeps Python's last-resort printing off stderr; an application that configures
# logging still gets the records.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

__all__ = ["BibEntry", "BibReadResult", "WrittenBlock", "read_bibtex", "read_bibtex_file"]

_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")
# Controls other than tab, newline, form feed, carriage return and DOS end-of-file (0x1a).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")
_SNIFF = 65536


@dataclass(frozen=True, slots=True)
class BibEntry:
    """One entry of a .bib file, read.

    ``key`` is the citation key as written (``""`` when empty, with a problem; a different
    entry under a repeated key is renamed ``KEY-2``, also with a problem). ``fields`` holds
    the fields as written, names in lower case, ``@string`` macros expanded.
    """

    key: str
    work: Work
    line: int
    entry_type: str
    fields: Mapping[str, str]
    raw: str = ""  # the entry's text as written, from its ``@`` to its closing brace


@dataclass(frozen=True, slots=True)
class WrittenBlock:
    """An ``@entry``, ``@string`` or ``@preamble`` block exactly as written, in file order.

    Kept so that a file can be written back as it came: its keys (also a repeated one),
    fields, macros, braces and spacing. ``entry`` is the index in ``entries`` of the entry
    the block was read as (for an exact repeat, the entry it repeats); None for the others.
    """

    kind: str  # "entry", "string" or "preamble"
    key: str | None
    line: int
    raw: str
    entry: int | None = None


@dataclass(frozen=True, slots=True)
class BibReadResult:
    """The entries read, in file order, and what could not be read as written.

    ``lost`` counts the blocks that looked like entries but could not be read at all (each
    has a problem); ``written`` holds the blocks as written, for writing the file back.
    """

    entries: list[BibEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: list[WrittenBlock] = field(default_factory=list)
    lost: int = 0


def read_bibtex(text: str, *, path: str | None = None) -> BibReadResult:
    """Every entry in a BibTeX text, and a problem for each thing not read as written.

    :param path: names the text in the error, when there is one.
    :raises BibTeXError: when the text holds NUL characters (binary data, not BibTeX).
    """
    if "\x00" in text:
        raise BibTeXError(path or "<text>", "holds NUL characters: binary data, not BibTeX")
    problems: list[Problem] = []
    stack: list[Middleware] = [RecoverEntries(problems), ExpandStrings(problems)]
    # bibtexparser's parse_string is split + middlewares; split first to keep the blocks as
    # written (the middlewares change entries in place and drop exact repeats).
    library: Library = Splitter(bibstr=_normalised(text)).split()
    as_written = [(block, kind) for block in library.blocks
                  if (kind := _written_kind(block)) is not None]
    for middleware in stack:
        library = middleware.transform(library=library)
    entries: list[BibEntry] = []
    index_of: dict[int, int] = {}
    lost = 0
    for block in library.blocks:
        entry = _entry_of(block)
        if entry is not None:
            index_of[id(entry)] = len(entries)
            entries.append(_read_entry(entry, problems))
        elif isinstance(block, ParsingFailedBlock):
            problems.append(_failure(block))
            lost += 1
    if not entries:
        problems.append(Problem(None, "no BibTeX entries found (an entry starts with @type{key,)"))
    problems.sort(key=lambda p: p.line or 0)
    return BibReadResult(entries, problems, _written(as_written, entries, index_of), lost)


def _inner(block: Block) -> Block | None:
    """The block, or what a failed block still holds (a repeated key or field)."""
    if isinstance(block, ParsingFailedBlock):
        held: Block | None = block.ignore_error_block
        return held
    return block


def _written_kind(block: Block) -> str | None:
    inner = _inner(block)
    if isinstance(inner, Entry):
        return "entry"
    if isinstance(inner, String):
        return "string"
    if isinstance(inner, Preamble):
        return "preamble"
    return None


def _written(
    blocks: list[tuple[Block, str]], entries: list[BibEntry], index_of: dict[int, int]
) -> list[WrittenBlock]:
    by_key: dict[str, int] = {}
    for number, entry in enumerate(entries):
        by_key.setdefault(entry.key.lower(), number)
    out: list[WrittenBlock] = []
    for block, kind in blocks:
        inner = _inner(block)
        key = getattr(inner, "key", None)
        position: int | None = None
        if kind == "entry":
            position = index_of.get(id(inner))
            if position is None:  # an exact repeat, dropped when read: it stands for the first
                position = by_key.get(str(key or "").lower())
            if position is None:
                continue
        out.append(WrittenBlock(kind=kind, key=key or None, line=line_of(block) or 1,
                                raw=block.raw or "", entry=position))
    return out


def read_bibtex_file(path: str | Path) -> BibReadResult:
    """Read a .bib file: UTF-8, or Windows-1252 with a problem saying so.

    :raises BibTeXError: when the file cannot be read, or is not text (NUL bytes, control
        characters, bytes that are neither UTF-8 nor Windows-1252).
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BibTeXError(name, f"cannot be read: {exc.strerror or exc}") from exc
    text, problems = _decode(data, name)
    result = read_bibtex(text, path=name)
    return BibReadResult(result.entries, problems + result.problems, result.written,
                         result.lost)


def _normalised(text: str) -> str:
    # Windows line ends would not change line numbers, but keep values free of \r.
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BibTeXError(name, f"binary data (a NUL byte at offset {nul}), not a BibTeX file")
    try:
        text = data.decode("utf-8-sig")
        problems: list[Problem] = []
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise BibTeXError(
                name, f"not text: byte 0x{data[exc.start]:02x} at offset {exc.start} is not "
                "UTF-8 (nor Windows-1252)"
            ) from exc
        problems = [Problem(None, f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                                  f"{exc.start}); read as Windows-1252: check accented letters")]
    if len(_CONTROL.findall(text[:_SNIFF])) > max(8, len(text[:_SNIFF]) // 100):
        raise BibTeXError(name, "binary data (control characters), not a BibTeX file")
    return text, problems


def _entry_of(block: Block) -> Entry | None:
    if isinstance(block, Entry):
        return block
    inner = block.ignore_error_block if isinstance(block, DuplicateBlockKeyBlock) else None
    return inner if isinstance(inner, Entry) and not inner.key else None


def _read_entry(entry: Entry, problems: list[Problem]) -> BibEntry:
    fields = {f.key: str(f.value) for f in entry.fields}
    entry_type = entry.entry_type.lower()
    work, messages = work_from_fields(entry_type, fields)
    line = line_of(entry) or 1
    key = entry.key
    if not key:
        messages.insert(0, f"the entry has no citation key; give it one, e.g. {citation_key(work)}")
    problems.extend(Problem(line, message, key or None) for message in messages)
    return BibEntry(key=key, work=work, line=line, entry_type=entry_type, fields=fields,
                    raw=entry.raw or "")


def _failure(block: ParsingFailedBlock) -> Problem:
    head = _HEAD.match((block.raw or "").lstrip())
    kind, key = (head.group(1).lower(), head.group(2)) if head else ("", "")
    error = block.error
    reason = error.abort_reason if isinstance(error, BlockAbortedException) else str(error)
    what = f"@{kind} entry '{key}'" if key else f"@{kind} entry" if kind else "a block"
    return Problem(
        line_of(block),
        f"{what} could not be read and is left out: {_plain(reason)}",
        key or None,
    )


def _plain(reason: str) -> str:
    """bibtexparser's reason without its own 0-based line numbers, which would mislead."""
    reason = re.sub(r"\s*\(?\bline \d+\)?", "", reason)
    return " ".join(reason.split()).rstrip(".")
