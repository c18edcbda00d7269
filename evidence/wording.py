"""How messages count things: ``1 DOI``, ``2 DOIs``, never ``DOI(s)``."""

from __future__ import annotations

__all__ = ["counted"]


def counted(number: int, one: str, many: str | None = None) -> str:
    """``number`` and the noun agreeing with it: ``many`` (else ``one`` + "s") unless 1."""
    return f"{number} {one}" if number == 1 else f"{number} {many or one + 's'}"
