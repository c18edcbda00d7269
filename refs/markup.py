"""Markup in registry text to clean text: HTML, MathML, JATS and entities escaped twice over.

Crossref titles carry ``<i>``, ``<sub>``, MathML (``<mml:math>``), and sometimes entities escaped
twice (``&amp;lt;sup&amp;gt;``, seen on 10.5194/cp-2020-95); abstracts are JATS XML. Readers keep
the raw text beside the clean one; this module only makes the clean one.
"""

from __future__ import annotations

import html
import re

__all__ = ["clean_text", "strip_jats"]

_TAG = re.compile(r"<\s*/?\s*[A-Za-z][\w.:-]*(?:\s[^<>]*)?/?\s*>")
_SPACE = re.compile(r"\s+")
_JATS_BREAKS = re.compile(r"<\s*/?\s*jats:(?:p|sec|title|list-item)\b[^>]*>", re.IGNORECASE)


def clean_text(text: str | None) -> str:
    """Text with tags dropped, entities decoded (repeatedly), whitespace collapsed."""
    if not text:
        return ""
    previous = None
    # Entities escaped twice hide tags: decode until stable, dropping tags each round.
    for _ in range(4):
        if previous == text:
            break
        previous = text
        text = html.unescape(_TAG.sub("", text))
    text = _TAG.sub("", text)
    return _SPACE.sub(" ", text).strip()


def strip_jats(text: str | None) -> str:
    """A JATS abstract as plain text, paragraphs and section titles kept apart by a space."""
    if not text:
        return ""
    return clean_text(_JATS_BREAKS.sub(" ", text))
