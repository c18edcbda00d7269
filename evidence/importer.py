"""Reading bibliography files whole, then storing what they hold in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from evidence.errors import InputError
from evidence.store.bibblocks import StoredBlock, replace_blocks
from evidence.store.convert import work_key
from evidence.store.queries import find_work_id, upsert_work
from refs import RefsError, Work
from refs.bibtex import WrittenBlock, read_bibtex_file
from refs.csl import read_csl_json

__all__ = ["Batch", "ImportReport", "import_files", "read_files"]

MAX_BYTES = 200 * 1024 * 1024
"""Larger files are refused before reading: a bibliography that size is a mistake."""


@dataclass(frozen=True, slots=True)
class Batch:
    """What one file holds: entries (key, work, origin) and problems as ``file:line: text``."""

    path: Path
    entries: list[tuple[str | None, Work]]
    origin: str
    problems: list[str]
    written: list[WrittenBlock] = field(default_factory=list)  # BibTeX: the blocks as written
    lost: int = 0  # entries that could not be read at all


@dataclass
class ImportReport:
    """What an import did. ``duplicates``: entries naming a work an earlier entry of the same
    import named (two keys, one DOI); ``updated``: works the store held before."""

    stored: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    lost: int = 0
    problems: list[str] = field(default_factory=list)


def read_files(paths: Sequence[Path]) -> list[Batch]:
    """Read every file before storing anything; a file unreadable as a whole stops it all."""
    return [_read(path) for path in paths]


def _read(path: Path) -> Batch:
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB, refused")
    suffix = path.suffix.lower()
    try:
        if suffix == ".bib":
            result = read_bibtex_file(path)
            entries = [(e.key or None, e.work) for e in result.entries]
            return Batch(path, entries, "bibtex", _problems(path, result.problems),
                         written=result.written, lost=result.lost)
        if suffix == ".json":
            data = _text(path)
            csl = read_csl_json(data, path=str(path))
            csl_entries: list[tuple[str | None, Work]] = [(k or None, w) for k, w in csl.items]
            return Batch(path, csl_entries, "csl-json", _problems(path, csl.problems),
                         lost=csl.lost)
    except RefsError as exc:
        raise InputError(str(exc)) from exc
    raise InputError(f"{path}: not a .bib or .json file; evidence imports BibTeX and CSL-JSON")


def _text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"{path}: binary data, not CSL-JSON")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _problems(path: Path, problems: Sequence[object]) -> list[str]:
    lines = []
    for problem in problems:
        line = getattr(problem, "line", None)
        where = f"{path}:{line}" if line else str(path)
        lines.append(f"{where}: {getattr(problem, 'message', problem)}")
    return lines


def import_files(batches: Sequence[Batch], *, sessions: sessionmaker[Session]) -> ImportReport:
    """Store every entry of every batch in one transaction; idempotent.

    A BibTeX file's blocks are stored as written too (replacing an earlier import of the
    same file), so that ``evidence export`` gives the file back whole.
    """
    report = ImportReport()
    seen: set[tuple[str, str]] = set()
    with sessions.begin() as session:
        for batch in batches:
            report.problems.extend(batch.problems)
            report.lost += batch.lost
            ids: list[int] = []
            for key, work in batch.entries:
                identity = work_key(work)
                existed = find_work_id(session, work) is not None
                ids.append(upsert_work(session, work, origin=batch.origin, citation_key=key,
                                       source_url=str(batch.path)))
                report.stored += 1
                if identity in seen:
                    report.duplicates += 1
                elif existed:
                    report.updated += 1
                else:
                    report.new += 1
                seen.add(identity)
            if batch.written:
                blocks = [StoredBlock(source=str(batch.path.resolve()), kind=b.kind, key=b.key,
                                      line=b.line, raw=b.raw,
                                      work_id=ids[b.entry] if b.entry is not None else None)
                          for b in batch.written]
                replace_blocks(session, str(batch.path.resolve()), blocks)
    return report
