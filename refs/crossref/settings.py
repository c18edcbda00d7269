"""Settings of the Crossref client, and the User-Agent that names the tool to the polite pool.

The tool is the application's to name (``tool``, ``tool_url``); refs names itself otherwise."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_REGISTRY_HOSTS", "CrossrefSettings", "user_agent"]

DEFAULT_REGISTRY_HOSTS: tuple[str, ...] = (
    "api.crossref.org",
    "data.crossref.org",
    "doi.org",
    "dx.doi.org",
    "data.crosscite.org",
    "data.datacite.org",
    "api.datacite.org",
    "data.medra.org",
)
"""Crossref's API, the DOI resolver, and the metadata services doi.org sends content-negotiated
requests to (Crossref, DataCite, mEDRA)."""


@dataclass(frozen=True, slots=True)
class CrossrefSettings:
    """Where and how politely to ask Crossref.

    Every request is built from ``base_url`` (the REST API, or a mirror, proxy or stand-in) or
    ``doi_url`` (the resolver used for content negotiation on non-Crossref DOIs).

    >>> CrossrefSettings(mailto="editor@example.org", batch_size=20).batch_size
    20
    """

    base_url: str = "https://api.crossref.org"
    doi_url: str = "https://doi.org"
    mailto: str | None = None
    timeout: float = 20.0
    batch_size: int = 50
    max_retries: int = 6
    retry_budget: float = 120.0
    """Seconds of backoff at most, per call; past it the call gives up as unavailable."""
    max_url_length: int = 4000
    """A list request's URL is kept under this many characters (proxies cut longer ones)."""
    wait: float = 60.0
    """Seconds at most one call (``works``, ``work``, ``search``) waits for the registry,
    retries included; what is unanswered by then is ``unverified``."""
    registry_hosts: tuple[str, ...] = DEFAULT_REGISTRY_HOSTS
    tool: str | None = None
    """The application asking, as ``name/version`` (None: ``refs/`` and refs' version)."""
    tool_url: str | None = None
    """Where the application is described, for the registry's operators to read."""
    """Hosts a redirect may lead to, besides those of ``base_url`` and ``doi_url``
    (``refs.crossref.redirects``)."""

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {self.batch_size}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {self.max_retries}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")
        if self.wait <= 0:
            raise ValueError(f"wait must be positive, not {self.wait}")

    @property
    def api(self) -> str:
        """``base_url`` without a trailing slash, ready to have paths appended."""
        return self.base_url.rstrip("/")

    @property
    def resolver(self) -> str:
        """``doi_url`` without a trailing slash."""
        return self.doi_url.rstrip("/")


def user_agent(settings: CrossrefSettings) -> str:
    """``tool/1.0 (https://tool.example; mailto:x@y)``.

    Crossref's etiquette asks for the tool, its version, a URL and a contact; the contact is
    what routes requests to the polite pool (together with the ``mailto`` parameter).
    """
    # Imported here, not at the top: refs/__init__ may re-export this package before it
    # defines __version__.
    from refs import __version__

    tool = settings.tool or f"refs/{__version__}"
    about = [part for part in (settings.tool_url,
                               f"mailto:{settings.mailto}" if settings.mailto else None) if part]
    return f"{tool} ({'; '.join(about)})" if about else tool
