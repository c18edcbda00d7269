"""Where candidates come from: a ``WorkSource`` searched with ``query.bibliographic``.

The Crossref client (``refs.crossref.CrossrefClient``) is one; tests pass a fake built from
recorded search responses. The matcher never catches the source's errors: a registry that did
not answer (``RegistryUnavailable``) is not a reference without a match.
"""

from __future__ import annotations

from typing import Protocol

from refs.match.parse import ParsedReference
from refs.work import SearchHit

__all__ = ["MAX_QUERY_LENGTH", "WorkSource", "build_query"]

MAX_QUERY_LENGTH = 1000
"""Characters of a query at most: longer references are mostly noise, and URLs get cut."""


class WorkSource(Protocol):
    """Anything that searches a registry for a free-text reference."""

    async def search(self, bibliographic: str, *, rows: int = 5) -> list[SearchHit]:
        """Works matching ``bibliographic``, best first, with the registry's scores."""
        ...


def build_query(ref: ParsedReference) -> str:
    """The text to search for: the reference as written, or its fields when there is none.

    Crossref's own matcher sends the whole string (identifiers too): the search engine
    weighs every word, and a parse error must not lose the words that would have found it.
    """
    text = " ".join(ref.text.split())
    if not text:
        parts = (
            " ".join(ref.authors) or ref.first_author,
            ref.title,
            ref.container,
            ref.volume,
            ref.issue,
            ref.pages,
            str(ref.year) if ref.year else None,
        )
        text = " ".join(p for p in parts if p)
    return text[:MAX_QUERY_LENGTH]
