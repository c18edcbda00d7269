"""The registry client, built from :class:`~evidence.config.Settings` in one place.

Every command and the service ask the registry through a client made here, so where it asks,
how long it waits and how often it retries are settings (``EVIDENCE_*``), never constants
scattered over the call sites. A caller that already has a client (a test, the service's own)
passes it down instead: every entry point takes ``client``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import evidence
from evidence.config import Settings
from refs.crossref import CrossrefSettings
from refs.crossref.settings import DEFAULT_REGISTRY_HOSTS

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient, OnRetry
    from refs.crossref.limits import LimiterFactory

__all__ = ["PROJECT_URL", "crossref_settings", "registry_client"]

PROJECT_URL = "https://github.com/evidence-tools/evidence"
"""Named to the registry in every request's User-Agent, with the version and the contact."""


def crossref_settings(settings: Settings) -> CrossrefSettings:
    """The client's settings: where to ask, how long to wait, how often to retry, where a
    redirect may lead."""
    return CrossrefSettings(
        base_url=settings.crossref_url,
        doi_url=settings.doi_url,
        mailto=settings.mailto,
        timeout=settings.timeout,
        wait=settings.registry_wait,
        tool=f"evidence/{evidence.__version__}",
        tool_url=PROJECT_URL,
        max_retries=settings.registry_retries,
        retry_budget=settings.registry_backoff,
        registry_hosts=(DEFAULT_REGISTRY_HOSTS if settings.registry_hosts is None
                        else settings.registry_hosts),
    )


def registry_client(settings: Settings, *, on_retry: OnRetry | None = None,
                    limiters: LimiterFactory | None = None) -> CrossrefClient:
    """A new client for ``settings`` (use it as ``async with``, which closes it);
    ``limiters`` paces it with limits shared beyond this process (the job engine's budget)."""
    from refs.crossref.client import CrossrefClient  # httpx and the client load only here

    return CrossrefClient(crossref_settings(settings), on_retry=on_retry, limiters=limiters)
