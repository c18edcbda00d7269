"""What makes two stored texts one document, one version, one claim.

An article is stored once per document (``document_key``, from its name) and content
(``content_hash``); two versions' claims are the same claim when their ``normalise_claim``
texts are equal.
"""

from __future__ import annotations

import hashlib

from evidence.articles.markers import strip_markers
from evidence.folding import plain_words

__all__ = [
    "content_hash",
    "document_key",
    "normalise_claim",
]


def document_key(name: str) -> str:
    """What ties versions of one document together: its name, trimmed, case kept."""
    return name.strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_claim(text: str) -> str:
    """A claim's text with markers, case, accents, punctuation and spacing dropped.

    Two versions' claims are "the same claim" when this is equal: renumbering ``[2]`` to
    ``[3]``, citing by author and year instead, or retyping a quote mark does not make a
    claim new.
    """
    return plain_words(strip_markers(text))
