"""``evidence export``: the store as BibTeX or CSL-JSON.

BibTeX files imported into the store come back as they were written: their blocks are kept
verbatim (``evidence.store.bibblocks``), so every entry, key, field, macro and brace returns,
also two entries sharing a DOI. Works that came from elsewhere (the registry, CSL-JSON) are
written from their metadata after them. With ``metadata="registry"``, an imported entry whose
work the registry has described gets the registry's value for each field it knows, and each
field that changes is said; the fields the registry has no word on stay as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bibtexparser.entrypoint import parse_string, write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from evidence.store.bibblocks import StoredBlock, stored_blocks
from evidence.store.convert import work_from_record
from evidence.store.models import REGISTRY_ORIGINS, WorkRecord
from refs.bibtex import read_bibtex, write_bibtex
from refs.bibtex.fields import fields_from_work
from refs.csl import write_csl_json
from refs.work import Work

__all__ = ["Export", "FieldChange", "Metadata", "export_store"]

Metadata = Literal["as-written", "registry"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A field of an imported entry the registry's metadata changed (``written`` None: added)."""

    key: str
    field: str
    written: str | None
    registry: str

    def __str__(self) -> str:
        if self.written is None:
            return f"{self.key}: {self.field} added from the registry: {self.registry!r}"
        return f"{self.key}: {self.field} {self.written!r} -> {self.registry!r} (registry)"


@dataclass
class Export:
    text: str
    entries: int
    changes: list[FieldChange] = field(default_factory=list)


def export_store(session: Session, *, fmt: str = "bibtex",
                 metadata: Metadata = "as-written") -> Export:
    """Every stored work (and, for BibTeX, every imported block) as one text."""
    works = _works(session)
    if fmt != "bibtex":
        items: list[tuple[str, Work] | Work] = [(key, work) if key else work
                                                for key, work, _ in works.values()]
        return Export(write_csl_json(items), len(items))
    blocks = stored_blocks(session)
    written_ids = {b.work_id for b in blocks if b.kind == "entry"}
    macros: dict[str, list[str]] = {}  # each file's @string blocks, to read its entries with
    for block in blocks:
        if block.kind == "string":
            macros.setdefault(block.source, []).append(block.raw)
    out = Export(text="", entries=0)
    parts: list[str] = []
    for block in blocks:
        text = block.raw
        if block.kind == "entry":
            out.entries += 1
            stored = works.get(block.work_id) if block.work_id is not None else None
            if metadata == "registry" and stored is not None and stored[2] in REGISTRY_ORIGINS:
                text = _with_registry(block, stored[1], out.changes,
                                      macros="\n".join(macros.get(block.source, ())))
        parts.append(text.strip())
    rest = [(key, work) if key else work for work_id, (key, work, _) in works.items()
            if work_id not in written_ids]
    if rest:
        parts.append(write_bibtex(rest).strip())
        out.entries += len(rest)
    out.text = "\n\n".join(parts) + "\n" if parts else ""
    return out


def _works(session: Session) -> dict[int, tuple[str | None, Work, str]]:
    query = (select(WorkRecord)
             .options(selectinload(WorkRecord.authors), selectinload(WorkRecord.updates))
             .order_by(WorkRecord.id))
    return {record.id: (record.citation_key, work_from_record(record), record.origin)
            for record in session.scalars(query)}


_SPACE = re.compile(r"\s+")


def _plain(value: str) -> str:
    """A value compared without its braces and spacing: ``{{The} Title}`` = ``The Title``."""
    return _SPACE.sub(" ", value.replace("{", "").replace("}", "")).strip()


def _with_registry(block: StoredBlock, work: Work, changes: list[FieldChange], *,
                   macros: str = "") -> str:
    library = parse_string(block.raw, parse_stack=[])
    entries = [b for b in library.blocks if isinstance(b, Entry)]
    # Read with the file's @string macros, so `journal = j:acm` compares as its expansion.
    read = read_bibtex(f"{macros}\n\n{block.raw}" if macros else block.raw).entries
    if len(entries) != 1 or len(read) != 1:
        return block.raw  # not one plain entry: keep it as written rather than guess
    entry, written = entries[0], read[0].fields
    by_name = {f.key.lower(): f for f in entry.fields}
    _, registry = fields_from_work(work)
    for name, value in registry:
        old = written.get(name)
        if old is not None and _plain(old) == _plain(value):
            continue
        bare = name == "month"  # month macros (`sep`) are written bare, as write_bibtex does
        new_value = value if bare else "{" + value + "}"
        if name in by_name:
            by_name[name].value = new_value
        else:
            entry.fields.append(Field(name, new_value))
        changes.append(FieldChange(key=block.key or entry.key, field=name, written=old,
                                   registry=value))
    out_format = BibtexFormat()  # type: ignore[no-untyped-call]
    out_format.indent = "  "
    text: str = write_string(Library([entry]), unparse_stack=[], bibtex_format=out_format)
    return text
