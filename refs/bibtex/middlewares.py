"""Our steps after bibtexparser's splitter: recover set-aside entries, expand ``@string`` macros.

bibtexparser sets aside an entry with a repeated field (``DuplicateFieldKeyBlock``) or a
repeated key (``DuplicateBlockKeyBlock``); an import must lose nothing, so ``RecoverEntries``
takes them back and says what it did. Its duplicate-key rule, as BibTeX's own (keys compare
case-insensitively):

* a repeat identical field for field to the first entry is skipped (nothing is lost);
* a different entry under the same key is kept, renamed ``KEY-2`` (``-3``...), and reported.

``ExpandStrings`` replaces ``@string`` macros, the predefined month macros (``jan``...) and
``#`` concatenation, and reports macros that are used but never defined. Both record problems
in the list they are given, with 1-based lines.
"""

from __future__ import annotations

from collections.abc import Collection

from bibtexparser.library import Library
from bibtexparser.middlewares import BlockMiddleware, LibraryMiddleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    Field,
    ParsingFailedBlock,
    String,
)

from refs.problems import Problem

__all__ = ["ExpandStrings", "RecoverEntries", "line_of"]

MONTH_MACROS = {
    name[:3].lower(): name
    for name in (
        "January February March April May June July August September October November December"
    ).split()
}
"""BibTeX's predefined month macros: ``jan`` -> ``January``."""
_JOINABLE = frozenset({"keywords"})
"""Fields whose repeated values are joined (``a, b``) instead of one being dropped."""


def line_of(block: Block) -> int | None:
    """The 1-based line a block starts on (bibtexparser counts from 0)."""
    return None if block.start_line is None else block.start_line + 1


def _short(raw: object, limit: int = 60) -> str:
    value = _unenclosed(str(raw))
    return value if len(value) <= limit else value[: limit - 1] + "…"


class RecoverEntries(LibraryMiddleware):
    """Take back entries with repeated fields or keys; lower-case field names."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(allow_inplace_modification=True)
        self.problems = problems

    def transform(self, library: Library) -> Library:
        blocks: list[Block] = []
        first_by_key: dict[str, Entry] = {}
        for block in library.blocks:
            entry = _recoverable(block)
            if entry is None:
                blocks.append(block)
                continue
            self._merge_fields(entry)
            kept = self._keep(entry, first_by_key)
            if kept is not None:
                blocks.append(kept)
        return Library(blocks=blocks, fail_on_duplicate_key=False)

    def _merge_fields(self, entry: Entry) -> None:
        merged: dict[str, Field] = {}
        for field in entry.fields:
            name = field.key.lower()
            first = merged.get(name)
            if first is None:
                field.key = name
                merged[name] = field
            elif str(first.value) == str(field.value):
                continue
            elif name in _JOINABLE:
                first.value = _join(str(first.value), str(field.value))
            else:
                self._report(
                    entry,
                    f"field '{name}' is given twice: {_short(first.value)!r} is used, "
                    f"{_short(field.value)!r} is ignored",
                )
        entry.fields = list(merged.values())

    def _keep(self, entry: Entry, first_by_key: dict[str, Entry]) -> Entry | None:
        if not entry.key:
            return entry  # reported when read: there is no key to clash
        first = first_by_key.get(entry.key.lower())
        if first is None:
            first_by_key[entry.key.lower()] = entry
            return entry
        where = f"line {line_of(first)}"
        if _same(first, entry):
            self._report(entry, f"repeats the entry '{first.key}' at {where} exactly; skipped")
            return None
        written = entry.key
        number = 2
        while f"{written}-{number}".lower() in first_by_key:
            number += 1
        entry.key = f"{written}-{number}"
        first_by_key[entry.key.lower()] = entry
        self._report(
            entry,
            f"duplicate key '{written}' (first at {where}); this entry differs from it, "
            f"so it is kept as '{entry.key}': give it a key of its own",
            key=written,
        )
        return entry

    def _report(self, entry: Entry, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(line_of(entry), message, key or entry.key or None))


class ExpandStrings(BlockMiddleware):
    """Expand ``@string`` macros, month macros and ``#``; strip the outer braces or quotes."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=False)
        self.problems = problems
        self._macros: dict[str, str] = {}

    def transform(self, library: Library) -> Library:
        self._macros = dict(MONTH_MACROS)
        for block in library.blocks:
            string = block.ignore_error_block if isinstance(block, ParsingFailedBlock) else block
            if isinstance(string, String):
                # A later @string wins, as in BibTeX; a macro may use those defined before it.
                self._macros[string.key.lower()] = self._expand(str(string.value), [])
        result: Library = super().transform(library)
        return result

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        for field in entry.fields:
            undefined: list[str] = []
            field.value = self._expand(str(field.value), undefined)
            for name in undefined:
                self.problems.append(
                    Problem(
                        line_of(entry),
                        f"field '{field.key}' uses the @string macro '{name}', which is not "
                        "defined; its name is kept as the value",
                        entry.key or None,
                    )
                )
        return entry

    def transform_failed_block(
        self, failed_block: ParsingFailedBlock, library: Library
    ) -> Block | Collection[Block] | None:
        # Entries under a repeated empty key stay wrapped; they are read all the same.
        inner = failed_block.ignore_error_block
        if isinstance(failed_block, DuplicateBlockKeyBlock) and isinstance(inner, Entry):
            self.transform_entry(inner, library)
        return failed_block

    def _expand(self, value: str, undefined: list[str]) -> str:
        out: list[str] = []
        for part in _concatenated(value):
            if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
                out.append(part[1:-1])
            elif part.isdigit() or not part:
                out.append(part)
            elif part.lower() in self._macros:
                out.append(self._macros[part.lower()])
            else:
                undefined.append(part)
                out.append(part)
        return "".join(out)


def _recoverable(block: Block) -> Entry | None:
    if isinstance(block, Entry):
        return block
    if isinstance(block, (DuplicateFieldKeyBlock, DuplicateBlockKeyBlock)):
        inner = block.ignore_error_block
        return inner if isinstance(inner, Entry) else None
    return None


def _same(first: Entry, second: Entry) -> bool:
    def content(entry: Entry) -> tuple[str, list[tuple[str, str]]]:
        return entry.entry_type.lower(), [(f.key, str(f.value)) for f in entry.fields]

    return content(first) == content(second)


def _join(first: str, second: str) -> str:
    """Two ``{...}`` values as one: ``{a}`` and ``{b}`` -> ``{a, b}``."""
    return "{" + _unenclosed(first) + ", " + _unenclosed(second) + "}"


def _unenclosed(value: str) -> str:
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] in "{\"" else value


def _concatenated(value: str) -> list[str]:
    """The parts of ``"a" # macro # {b}``, split at ``#`` outside braces and quotes."""
    if "#" not in value:
        return [value.strip()]  # most values: skip the walk through every character
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return parts
