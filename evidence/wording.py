"""How messages count things: ``1 DOI``, ``2 DOIs``, never ``DOI(s)``."""

from __future__ import annotations

__all__ = ["counted", "noun"]


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` and the noun agreeing with it: ``many`` (else ``one`` + "s") unless 1."""
    return f"{number} {noun(number, one, many)}"


def noun(number: int, one: str, many: str | None = None) -> str:
    """The noun agreeing with ``number``, for a place that shows the number apart (the HTML
    report's counts: the number large, the noun under it)."""
    return one if number == 1 else many or one + "s"
