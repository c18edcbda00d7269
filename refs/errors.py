"""Errors raised by refs.

* RefsError
  + InvalidDOI                 the text is not a DOI (doi, reason)
  + RegistryError
    - DOINotFound              the registry answered: no such DOI (doi)
    - RegistryUnavailable      no answer we can trust (url, status | None, retry_after | None)
      · RateLimited            429, or the rate-limit budget is spent
      · RegistryUnreachable    no connection at all: the host is unknown or refuses it
  + BibTeXError                the file cannot be read at all (path); per-entry problems are data
  + CSLJSONError               the text is not CSL-JSON at all (path); per-item problems are data

"Not found" and "unavailable" are separate branches on purpose: the registry's silence
(a timeout, a 429, an HTML error page) is never a verdict on a DOI.
"""

from __future__ import annotations

__all__ = [
    "BibTeXError",
    "CSLJSONError",
    "DOINotFound",
    "InvalidDOI",
    "RateLimited",
    "RefsError",
    "RegistryError",
    "RegistryUnavailable",
    "RegistryUnreachable",
]


class RefsError(Exception):
    """Base of every error refs raises on purpose."""


class InvalidDOI(RefsError, ValueError):
    """The text is not a syntactically valid DOI."""

    def __init__(self, doi: str, reason: str) -> None:
        super().__init__(f"{doi!r} is not a valid DOI: {reason}")
        self.doi = doi
        self.reason = reason


class RegistryError(RefsError):
    """Something about asking the registry."""


class DOINotFound(RegistryError):
    """The registry answered, and it has no such DOI."""

    def __init__(self, doi: str) -> None:
        super().__init__(f"the registry has no record of doi:{doi}")
        self.doi = doi


class RegistryUnavailable(RegistryError):
    """No answer we can trust: timeout, dropped connection, 5xx, 429, HTML or garbage."""

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status
        self.retry_after = retry_after


class RateLimited(RegistryUnavailable):
    """The registry answered 429, or our own rate-limit budget is spent."""


class RegistryUnreachable(RegistryUnavailable):
    """No connection could be made: the name does not resolve, or the host refuses it.

    Retried once only: unlike a dropped connection or a 503, this rarely mends in seconds,
    and a user with no network should not wait through a full backoff schedule.
    """


class BibTeXError(RefsError):
    """A BibTeX file that cannot be read at all (not text, or not BibTeX)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CSLJSONError(RefsError):
    """A CSL-JSON file that cannot be read at all (not JSON, or not a list of CSL items)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
