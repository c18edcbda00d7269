"""The only code that reads raw Crossref JSON: envelope checks, then conversion to Work.

Crossref wraps every answer as ``{"status": "ok", "message-type": ..., "message": ...}``.
An answer that is not JSON, or JSON of another shape, is not the registry speaking (a proxy's
error page, a truncated body): it raises :class:`RegistryUnavailable` and is retried.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from refs.crossref.notices import NoticePage
from refs.errors import RegistryUnavailable
from refs.work import SearchHit, Work, work_from_crossref, work_from_csl

__all__ = [
    "agency_of", "parse_body", "read_csl", "read_hits", "read_notices", "read_work", "read_works",
]


def parse_body(content: bytes, *, url: str, status: int | None = None) -> Any:
    """The JSON in ``content``, or :class:`RegistryUnavailable` naming what came instead."""
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        head = content[:60].decode("utf-8", "replace").strip()
        kind = "an HTML page" if head.lower().startswith(("<!doctype", "<html")) else "not JSON"
        raise RegistryUnavailable(
            f"the answer was {kind}: {head!r}", url=url, status=status
        ) from exc


def read_work(body: Any, *, url: str) -> Work:
    """The Work in a ``/works/{doi}`` answer."""
    return _convert(_message(body, "work", url=url), url=url)


def read_works(body: Any, *, url: str) -> list[Work]:
    """The Works in a ``/works?...`` list answer, in the registry's order.

    An item that cannot be read is left out: its DOI then counts as absent from the answer
    and is asked on its own, where a failure is reported for that DOI alone.
    """
    works = []
    for item in _items(body, url=url):
        try:
            works.append(_convert(item, url=url))
        except RegistryUnavailable:
            continue
    return works


def read_notices(body: Any, *, url: str) -> NoticePage:
    """A page of the walk of update notices: its works, the total and the next cursor.

    A notice that cannot be read is garbage on a page the walk cannot skip (what it updates
    would go unseen), so it refuses the page: the page is asked again.
    """
    message = _message(body, "work-list", url=url)
    notices = tuple(_convert(item, url=url) for item in _items(body, url=url))
    total = message.get("total-results")
    cursor = message.get("next-cursor")
    if not isinstance(total, int):
        raise RegistryUnavailable("the list answer gives no total-results", url=url)
    return NoticePage(notices, total, cursor if isinstance(cursor, str) and cursor else None)


def read_hits(body: Any, *, url: str) -> list[SearchHit]:
    """A search answer's works, each with the registry's relevance score."""
    hits = []
    for item in _items(body, url=url):
        score = item.get("score")
        relevance = float(score) if isinstance(score, int | float) else 0.0
        hits.append(SearchHit(_convert(item, url=url), relevance))
    return hits


def agency_of(body: Any, *, url: str) -> str:
    """The registration agency's id (``crossref``, ``datacite``, ``medra``...), lower case."""
    message = _message(body, "work-agency", url=url)
    agency = message.get("agency")
    ident = agency.get("id") if isinstance(agency, Mapping) else None
    if not isinstance(ident, str) or not ident:
        raise RegistryUnavailable("the agency answer names no agency", url=url)
    return ident.lower()


def read_csl(body: Any, *, url: str) -> Work:
    """The Work in a CSL-JSON answer from DOI content negotiation."""
    # Some agencies answer with a one-item list; CSL-JSON allows both shapes.
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, Mapping) or not (body.get("title") or body.get("DOI")):
        raise RegistryUnavailable("the content-negotiation answer is not a CSL-JSON item", url=url)
    try:
        return work_from_csl(body)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise RegistryUnavailable(f"the CSL-JSON could not be read ({exc!r})", url=url) from exc


def _message(body: Any, expected: str, *, url: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise RegistryUnavailable("the answer is not a Crossref envelope", url=url)
    if body.get("status") != "ok":
        raise RegistryUnavailable(f"the answer's status is {body.get('status')!r}", url=url)
    if body.get("message-type") != expected:
        raise RegistryUnavailable(
            f"expected message-type {expected!r}, got {body.get('message-type')!r}", url=url
        )
    message = body.get("message")
    if not isinstance(message, Mapping):
        raise RegistryUnavailable("the answer's message is not an object", url=url)
    return message


def _items(body: Any, *, url: str) -> list[Mapping[str, Any]]:
    items = _message(body, "work-list", url=url).get("items")
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise RegistryUnavailable("the list answer has no list of items", url=url)
    return items


def _convert(message: Mapping[str, Any], *, url: str) -> Work:
    try:
        return work_from_crossref(message)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        # A record of the wrong shape (a string where a list belongs...) is garbage, not data.
        raise RegistryUnavailable(f"the record could not be read ({exc!r})", url=url) from exc
