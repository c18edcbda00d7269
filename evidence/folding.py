"""Text folded for comparing, written once: what "the same words" means across the package.

:func:`fold` is the linker's (lower case without accents); :func:`plain_words` also drops
punctuation and runs of spaces, and is what recognises a claim across versions and a work
without a DOI across imports. Its results are stored (work fingerprints), so it must not
change without a migration.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "plain_words"]

_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: ``Müller`` -> ``muller``."""
    if text.isascii():  # nothing to decompose: most text, and the whole cost otherwise
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def plain_words(text: str) -> str:
    """Case, accents, punctuation and spacing removed: "Ünïcode,  Title" -> "unicode title"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", letters).strip()
