"""The service's own settings: how long a sign-in lasts, and whether to trust a proxy.

Read from the environment by :class:`evidence.config.Settings`, the one reader of
``EVIDENCE_*``; only ``evidence serve`` uses them.

| setting | environment | default |
| --- | --- | --- |
| sign-in lasts | ``EVIDENCE_SESSION_HOURS`` | 12 |
| trust ``X-Forwarded-Proto`` from a proxy in front | ``EVIDENCE_TRUST_PROXY`` (1/true/yes) | off |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request

from evidence.config import DEFAULT_SESSION_HOURS, Settings

__all__ = ["DEFAULT_SESSION_HOURS", "WebOptions", "scheme_of"]


@dataclass(frozen=True, slots=True)
class WebOptions:
    session_hours: float = DEFAULT_SESSION_HOURS
    """A sign-in ends this long after it began (the cookie and the stored session alike)."""
    trust_proxy: bool = False
    """Believe the ``X-Forwarded-Proto`` header from any address: the service is reached
    only through a proxy that sets it (and terminates HTTPS). Then cookies are ``Secure``
    and forms must come from the https origin. Off: the header counts only as uvicorn
    already counts it (from the addresses in its ``FORWARDED_ALLOW_IPS``, 127.0.0.1)."""

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @classmethod
    def from_settings(cls, settings: Settings) -> WebOptions:
        return cls(session_hours=settings.session_hours, trust_proxy=settings.trust_proxy)


def scheme_of(request: Request, options: WebOptions) -> str:
    """How the browser reached us: the proxy's word when trusted, else the connection's."""
    if options.trust_proxy:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            return forwarded
    return request.url.scheme
