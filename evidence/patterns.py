"""Regular expressions compiled the first time a text needs them.

The claim rules and the marker finders hold some eighty patterns as module constants;
compiled at import, they cost every process tens of milliseconds before it reads a word, most
of it for patterns a given article never reaches (a plain-text article has no pandoc or
superscript markers; a sentence tries a cue's pattern only when it holds a word the pattern
needs). A :class:`LazyPattern` stays the one constant that holds its pattern, and compiles it
on first use.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["LazyPattern"]


class LazyPattern:
    """``re.compile(pattern, flags)``, done on the first search, not at import.

    It answers the methods of ``re.Pattern`` that the project uses; ``compiled`` is the
    pattern itself for anything else. ``flags`` are as given (a compiled pattern's also
    say ``re.UNICODE``, which ``re`` adds to every ``str`` pattern).
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = int(flags)
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    @property
    def groupindex(self) -> Any:
        return self.compiled.groupindex

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0,
                  endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.compiled.sub(repl, text, count)

    def split(self, text: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(text, maxsplit)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"
