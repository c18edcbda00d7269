"""The blocks of imported .bib files as written (``bib_block``): stored per file, read in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from evidence.store.models import BibBlock

__all__ = ["StoredBlock", "replace_blocks", "stored_blocks"]


@dataclass(frozen=True, slots=True)
class StoredBlock:
    source: str
    kind: str  # entry, string, preamble
    key: str | None
    line: int
    raw: str
    work_id: int | None = None


def replace_blocks(session: Session, source: str, blocks: Sequence[StoredBlock]) -> None:
    """Store the blocks of the file ``source``, replacing those of an earlier import of it."""
    session.execute(delete(BibBlock).where(BibBlock.source == source))
    session.add_all(
        BibBlock(source=source, position=position, kind=block.kind, citation_key=block.key,
                 line=block.line, raw=block.raw, work_id=block.work_id)
        for position, block in enumerate(blocks)
    )
    session.flush()


def stored_blocks(session: Session) -> list[StoredBlock]:
    """Every stored block, file by file in the order they were imported, each in file order."""
    query = select(BibBlock).order_by(BibBlock.id)
    return [StoredBlock(source=row.source, kind=row.kind, key=row.citation_key, line=row.line,
                        raw=row.raw, work_id=row.work_id)
            for row in session.scalars(query)]
