"""Bad input as data: what a reader could not take as written, with the line it stands on.

Readers (BibTeX, CSL-JSON) return their records *and* a list of problems instead of raising on
the first bad entry; ``evidence.audit`` turns problems into findings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, said so that a person can act on it.

    >>> Problem(12, "duplicate key 'smith2020' (first at line 3)", key="smith2020")
    Problem(line=12, message="duplicate key 'smith2020' (first at line 3)", key='smith2020')
    """

    line: int | None
    """1-based line in the file where the entry starts, or ``None`` for the file as a whole."""
    message: str
    key: str | None = None
    """The entry's citation key (BibTeX) or ``id`` (CSL-JSON), when it has one."""
