"""URLs for Crossref requests, and the packing of DOIs into list requests.

Every URL is built from the configured base, so a mirror, proxy or stand-in serves them all.
A DOI goes into a path as one percent-encoded segment: SICI DOIs hold ``<>;()[]``, a ``#``,
``?`` or ``%`` in a suffix would otherwise end the path or start an escape, and its ``/`` is
``%2F``, so that a DOI such as ``10.1234/../../x`` (``%2E%2E`` decodes to ``..``) stays a name
and never climbs to another path of the registry host. Crossref and doi.org decode it.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

from refs.crossref.settings import CrossrefSettings

__all__ = ["list_url", "plan_batches", "work_url"]


def work_url(base: str, doi: str, *, prefix: str = "/works") -> str:
    """``{base}/works/{doi}`` with the DOI one percent-encoded segment (``prefix=""`` for a
    resolver).

    >>> work_url("https://api.crossref.org", "10.1234/../x")
    'https://api.crossref.org/works/10.1234%2F..%2Fx'
    """
    return f"{base.rstrip('/')}{prefix}/{quote(doi, safe='')}"


def list_url(dois: list[str], settings: CrossrefSettings) -> tuple[str, dict[str, str]]:
    """The list request for ``dois``: ``{base}/works?filter=doi:A,doi:B&rows=N``."""
    params = {"filter": ",".join(f"doi:{doi}" for doi in dois), "rows": str(len(dois))}
    return f"{settings.api}/works", params


def plan_batches(dois: list[str], settings: CrossrefSettings) -> tuple[list[list[str]], list[str]]:
    """Pack DOIs into list requests; return the batches and the DOIs to ask one by one.

    A batch holds at most ``batch_size`` DOIs and its URL (``mailto`` included) stays within
    ``max_url_length``. A DOI with a comma cannot go in a filter (commas separate filter
    values), and a batch of one is cheaper as a single request (its budget is larger).
    """
    batches: list[list[str]] = []
    lone: list[str] = []
    current: list[str] = []
    length = 0  # at least the URL's length for ``current``
    for doi in dois:
        if "," in doi or settings.batch_size == 1:
            lone.append(doi)
            continue
        if current and len(current) >= settings.batch_size:
            batches.append(current)
            current = []
        if current:
            # The URL is built (costly, and a list of 50 would build it 50 times) only when
            # the most this DOI can add, every character escaped, might pass the limit.
            length += _most_added(doi)
            if length > settings.max_url_length:
                length = _length(current + [doi], settings)
                if length > settings.max_url_length:
                    batches.append(current)
                    current = []
        if not current:
            length = _length([doi], settings)
        current.append(doi)
    if current:
        batches.append(current)
    lone.extend(batch[0] for batch in batches if len(batch) == 1)
    return [batch for batch in batches if len(batch) > 1], lone


def _most_added(doi: str) -> int:
    """The most ``,doi:{doi}`` can lengthen the URL: each character escaped as ``%XX``, and
    one more digit in ``rows``."""
    return 3 * len(f",doi:{doi}") + 1


def _length(dois: list[str], settings: CrossrefSettings) -> int:
    url, params = list_url(dois, settings)
    if settings.mailto:
        params["mailto"] = settings.mailto
    return len(str(httpx.URL(url, params=params)))
