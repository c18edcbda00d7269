"""A cheap test run before a cue's regex: words that any match must contain.

Most sentences hold none of a pattern's key words, and ``"word" in text`` is far cheaper than
a case-insensitive regex tried at every position. The words are read off the pattern itself
(``needed``), not written by hand, so that editing a pattern cannot leave a stale filter.
"""

from __future__ import annotations

from functools import lru_cache

# The regex parser's own modules (sre_parse, their public name, is deprecated since 3.11);
# typeshed has no stubs for them.
from re import _constants as C  # type: ignore[attr-defined]  # noqa: N812
from re import _parser as P  # type: ignore[attr-defined]  # noqa: N812
from typing import Any

from evidence.claims._needs import NEEDS

__all__ = ["ASKED", "Strings", "fold", "known_needs", "needed", "passes", "table_source"]

_MAX_STRINGS = 256  # beyond this a set of alternatives is not worth spelling out
# Characters outside ASCII that re.IGNORECASE matches to an ASCII letter, and str.lower()
# does not turn into it (found by trying every code point against every letter).
_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})

Strings = frozenset[str]


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """``text`` lowered so that a word a case-insensitive pattern matched is found in it."""
    return text.lower() if text.isascii() else text.translate(_TO_ASCII).lower()


def passes(needs: Strings | None, folded: str) -> bool:
    """Whether a pattern that needs ``needs`` can match the text that folds to ``folded``."""
    if needs is None:
        return True
    for word in needs:  # a plain loop: any() over a generator costs half as much again
        if word in folded:
            return True
    return False


ASKED: set[tuple[str, int]] = set()
"""Every (pattern, flags) the rules asked ``known_needs`` about (the tests compare the table)."""


def known_needs(pattern: str, flags: int = 0) -> Strings | None:
    """``needed``, read from the table ``_needs.py`` when it holds the pattern.

    Reading 58 patterns with the regex parser costs about 22 ms, paid by every ``evidence
    check`` process at start-up; the table spares it. A pattern edited since the table was
    written is not in it and is read afresh, so a stale table costs time, never a wrong
    filter; a test fails until the table is written again (``python -m
    evidence.claims.write_needs``).
    """
    key = (pattern, int(flags))
    ASKED.add(key)
    if key in NEEDS:
        words = NEEDS[key]
        return None if words is None else frozenset(words)
    return needed(pattern, flags)


def table_source(keys: set[tuple[str, int]]) -> str:
    """The text of ``_needs.py`` for ``keys``: each pattern's needed words, worked out now."""
    lines = [
        "# ruff: noqa: E501",
        '"""Words each claim pattern needs, read off the patterns by ``prefilter.needed``.',
        "",
        "Written by ``python -m evidence.claims.write_needs``; do not edit by hand.",
        '"""',
        "",
        "NEEDS: dict[tuple[str, int], tuple[str, ...] | None] = {",
    ]
    for pattern, flags in sorted(keys):
        words = needed(pattern, flags)
        value = None if words is None else tuple(sorted(words))
        lines.append(f"    ({pattern!r}, {flags}): {value!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def needed(pattern: str, flags: int = 0) -> Strings | None:
    """Strings (lowered) one of which every match of ``pattern`` contains; ``None`` if unknown."""
    _, needs = _sequence(P.parse(pattern, flags))
    if needs is None:
        return None
    # A word that holds another is found whenever that one is: checking it too is waste.
    return frozenset(w for w in needs if not any(o != w and o in w for o in needs))


def _best(candidates: list[Strings]) -> Strings | None:
    useful = [c for c in candidates if c and "" not in c]
    if not useful:
        return None
    return max(useful, key=lambda c: (min(map(len, c)), -len(c)))


def _sequence(items: Any) -> tuple[Strings | None, Strings | None]:
    """(the exact strings the sequence matches, or None; the strings a match needs, or None)."""
    run: Strings = frozenset({""})
    whole_exact = True
    candidates: list[Strings] = []
    for op, av in items:
        exact, needs = _item(op, av)
        if exact is not None and len(run) * len(exact) <= _MAX_STRINGS:
            run = frozenset(a + b for a in run for b in exact)
            continue
        candidates.append(run)
        whole_exact = False
        if exact is not None:
            run = exact
        else:
            run = frozenset({""})
            if needs is not None:
                candidates.append(needs)
    candidates.append(run)
    return (run if whole_exact else None), _best(candidates)


def _item(op: Any, av: Any) -> tuple[Strings | None, Strings | None]:
    if op is C.LITERAL:
        s = frozenset({chr(av).lower()})
        return s, s
    if op is C.IN:
        chars = [chr(v).lower() for o, v in av if o is C.LITERAL]
        if len(chars) == len(av):
            s = frozenset(chars)
            return s, s
        return None, None
    if op is C.SUBPATTERN:
        return _sequence(av[3])
    if op is C.ATOMIC_GROUP:
        return _sequence(av)
    if op is C.BRANCH:
        parts = [_sequence(branch) for branch in av[1]]
        exacts = [e for e, _ in parts]
        exact = (
            frozenset().union(*exacts)  # type: ignore[arg-type]
            if all(e is not None for e in exacts)
            else None
        )
        if exact is not None and len(exact) > _MAX_STRINGS:
            exact = None
        needs_all = [n for _, n in parts]
        needs = (
            frozenset().union(*needs_all)  # type: ignore[arg-type]
            if all(n is not None for n in needs_all)
            else None
        )
        return exact, needs
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, high, body = av
        exact, needs = _sequence(body)
        if low == high == 1:
            return exact, needs
        return None, (needs if low >= 1 else None)
    if op is C.AT or op is C.ASSERT or op is C.ASSERT_NOT:
        return frozenset({""}), None  # zero width: matches the empty string, needs nothing
    return None, None

