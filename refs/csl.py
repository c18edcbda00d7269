"""CSL-JSON files in and out: a list of items (or one item) to ``(id, Work)`` pairs, and back.

As with BibTeX, bad items are data: an item that is not an object, has no ``id``, repeats an
``id`` or holds an invalid DOI becomes a ``Problem`` with the line it starts on, and the other
items are read. Only a text that is not CSL-JSON at all raises ``CSLJSONError``. A repeated
``id`` follows the BibTeX rule: an identical repeat is skipped, a different item is kept
renamed ``ID-2``.

``ISSN`` is a string in CSL; a work with several is written ``"0021-9967, 1096-9861"`` and
read back as several.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from refs.bibtex.keys import assign_keys
from refs.doi import doi_problem
from refs.errors import CSLJSONError
from refs.problems import Problem
from refs.work import PartialDate, Work, work_from_csl, work_to_csl

__all__ = ["CSLReadResult", "Problem", "read_csl_json", "write_csl_json"]

_ITEM_KEYS = frozenset({"id", "type", "title", "DOI", "author", "issued"})
_ISSN = re.compile(r"[0-9]{4}-?[0-9]{3}[0-9Xx]")
_WS = " \t\n\r"


@dataclass(frozen=True, slots=True)
class CSLReadResult:
    """The items read as ``(id, work)``, in file order, and the problems found; ``lost``
    counts the items that could not be read at all (an exact repeat is not lost)."""

    items: list[tuple[str, Work]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    lost: int = 0


def read_csl_json(text: str, *, path: str | None = None) -> CSLReadResult:
    """Every item of a CSL-JSON text (a list of items, or one item).

    :param path: names the text in the error, when there is one.
    :raises CSLJSONError: when the text is not JSON, or not a CSL item or list of items.
    """
    name = path or "<text>"
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CSLJSONError(
            name, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    problems: list[Problem] = []
    items: list[tuple[str, Work]] = []
    seen: dict[str, tuple[int, Mapping[str, Any]]] = {}
    lost = 0
    for number, (line, item) in enumerate(_located(data, text, name), start=1):
        read = _read_item(number, line, item, problems)
        lost += read is None
        if read is not None:
            kept = _unique(read, line, item, seen, problems)
            if kept is not None:
                items.append(kept)
    if not items:
        problems.append(Problem(None, "no CSL-JSON items found"))
    return CSLReadResult(items, problems, lost)


def write_csl_json(entries: Iterable[Work | tuple[str, Work]]) -> str:
    """The works as a CSL-JSON list, ids given or generated (``hayden2021exercise``)."""
    items = []
    for key, work in assign_keys(entries, bibtex=False):
        item = work_to_csl(work, key=key)
        if len(work.issn) > 1:
            item["ISSN"] = ", ".join(work.issn)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _located(data: Any, text: str, name: str) -> Iterator[tuple[int, Any]]:
    """The items with the 1-based line each starts on."""
    if isinstance(data, dict):
        if not _ITEM_KEYS & data.keys():
            hint = " (a Crossref API response? its 'message' is not CSL)" * ("message" in data)
            raise CSLJSONError(name, f"a JSON object that is not a CSL item{hint}")
        yield _line_at(text, len(text) - len(text.lstrip(_WS))), data
        return
    if not isinstance(data, list):
        raise CSLJSONError(name, f"CSL-JSON is a list of items, not a JSON {type(data).__name__}")
    yield from zip(_item_lines(text), data, strict=True)


def _item_lines(text: str) -> list[int]:
    """The line of each element of the top-level array (the text is known to be valid JSON)."""
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    line, counted = 1, 0
    lines: list[int] = []
    while True:
        index = _skip(text, index)
        if text[index] == "]":
            return lines
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == ",":
            index += 1


def _skip(text: str, index: int) -> int:
    while text[index] in _WS:
        index += 1
    return index


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _read_item(
    number: int, line: int, item: Any, problems: list[Problem]
) -> tuple[str, Work] | None:
    if not isinstance(item, Mapping):
        kind = type(item).__name__
        problems.append(Problem(line, f"item {number} is a JSON {kind}, not an object; skipped"))
        return None
    raw_id = item.get("id")
    key = "" if raw_id is None else str(raw_id).strip()
    if not key:
        problems.append(Problem(line, f"item {number} has no id; give it one"))
    try:
        work = work_from_csl(item)
    except (TypeError, ValueError, AttributeError) as exc:
        problems.append(Problem(line, f"item {number} could not be read ({exc}); skipped", key))
        return None
    work = _completed(work, item)
    doi = item.get("DOI")
    if doi is not None and work.doi is None:
        reason = doi_problem(str(doi)) or "not a string"
        problems.append(Problem(line, f"DOI {doi!r} is not a DOI: {reason}", key or None))
    return key, work


def _completed(work: Work, item: Mapping[str, Any]) -> Work:
    """What ``work_from_csl`` leaves out: several ISSNs in one string, a raw-string date."""
    issn = tuple(m for value in work.issn for m in _ISSN.findall(str(value)))
    issued = work.issued
    if issued is None and isinstance(item.get("issued"), str):
        issued = PartialDate.parse(item["issued"])
    return dataclasses.replace(work, issn=issn, issued=issued)


def _unique(
    read: tuple[str, Work],
    line: int,
    item: Mapping[str, Any],
    seen: dict[str, tuple[int, Mapping[str, Any]]],
    problems: list[Problem],
) -> tuple[str, Work] | None:
    key, work = read
    if not key:
        return read
    first = seen.get(key)
    if first is None:
        seen[key] = (line, item)
        return read
    first_line, first_item = first
    if first_item == item:
        problems.append(Problem(line, f"repeats item '{key}' at line {first_line}; skipped", key))
        return None
    number = 2
    while f"{key}-{number}" in seen:
        number += 1
    renamed = f"{key}-{number}"
    seen[renamed] = (line, item)
    problems.append(
        Problem(
            line,
            f"duplicate id '{key}' (first at line {first_line}); this item differs, so it is "
            f"kept as '{renamed}'",
            key,
        )
    )
    return renamed, work
