"""The service's own settings: how long a sign-in lasts, and whether to trust a proxy.

Kept apart from :class:`evidence.config.Settings`, which every command reads: only
``evidence serve`` needs these. Read from the environment when the app is made, never at
import time.

| setting | environment | default |
| --- | --- | --- |
| sign-in lasts | ``EVIDENCE_SESSION_HOURS`` | 12 |
| trust ``X-Forwarded-Proto`` from a proxy in front | ``EVIDENCE_TRUST_PROXY`` (1/true/yes) | off |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request

from evidence.errors import InputError

__all__ = ["DEFAULT_SESSION_HOURS", "WebOptions", "scheme_of"]

DEFAULT_SESSION_HOURS = 12.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


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
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebOptions:
        """:raises InputError: a value that is not a number of hours, or not yes/no."""
        env = os.environ if environ is None else environ
        hours_text = env.get("EVIDENCE_SESSION_HOURS", "").strip()
        try:
            hours = float(hours_text) if hours_text else DEFAULT_SESSION_HOURS
        except ValueError:
            hours = -1.0
        if not 0 < hours <= 24 * 366:
            raise InputError(f"EVIDENCE_SESSION_HOURS must be a number of hours between 0 and "
                             f"8784, not {hours_text!r}")
        trust = env.get("EVIDENCE_TRUST_PROXY", "").strip().lower()
        if trust not in _TRUE | _FALSE:
            raise InputError(f"EVIDENCE_TRUST_PROXY must be 1 or 0 (yes or no), not {trust!r}")
        return cls(session_hours=hours, trust_proxy=trust in _TRUE)


def scheme_of(request: Request, options: WebOptions) -> str:
    """How the browser reached us: the proxy's word when trusted, else the connection's."""
    if options.trust_proxy:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            return forwarded
    return request.url.scheme
