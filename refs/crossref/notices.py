"""The registry's update notices: works that retract, correct or supersede other works.

A notice is a work of its own whose ``update-to`` names the works it updates. Crossref lists
them with ``filter=is-update:true``; ``from-index-date:D`` keeps those (re)indexed on or after
D, so a walk from the day of the last one finds every notice that appeared since, in
cursor-paged lists (``cursor=*``, then each answer's ``next-cursor``; up to 1,000 rows a page).
See https://www.crossref.org/documentation/retrieve-metadata/rest-api/rest-api-filters/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refs.work import Work

__all__ = ["MAX_ROWS", "NoticePage", "notice_params"]

MAX_ROWS = 1000
"""The most rows Crossref gives in one list answer."""


@dataclass(frozen=True, slots=True)
class NoticePage:
    """One page of notices: each a Work whose ``notice_of`` names what it updates.

    ``total`` is the registry's count of every notice the filter matches (all pages);
    ``next_cursor`` asks for the page after this one.
    """

    notices: tuple[Work, ...]
    total: int
    next_cursor: str | None


def notice_params(since: date, *, rows: int = MAX_ROWS, cursor: str = "*") -> dict[str, str]:
    """The query of one page of the walk of notices indexed on or after ``since``."""
    if not 0 < rows <= MAX_ROWS:
        raise ValueError(f"rows must be 1 to {MAX_ROWS}, not {rows}")
    return {"filter": f"is-update:true,from-index-date:{since.isoformat()}",
            "rows": str(rows), "cursor": cursor}
