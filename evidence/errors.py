"""Errors raised by evidence.

* EvidenceError
  + InputError          the input or the command line is wrong: exit 2, nothing written
  + StoreError          the database cannot be opened, migrated or written

Registry errors come from ``refs.errors`` and are handled where the registry is asked.
"""

from __future__ import annotations

__all__ = ["EvidenceError", "InputError", "StoreError"]


class EvidenceError(Exception):
    """Base of every error evidence raises on purpose."""


class InputError(EvidenceError):
    """The input or the command line is wrong; the message says what to do."""


class StoreError(EvidenceError):
    """The database cannot be opened, migrated or written."""
