"""What the app's handlers share: settings, the store's sessions, the Crossref client.

Built by ``create_app`` (never at import time) and kept on ``app.state.service``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from anyio import CapacityLimiter
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from evidence.config import Settings
from evidence.web.checkpool import CheckPool
from evidence.web.options import WebOptions
from evidence.web.readcache import ReadCache
from evidence.web.throttle import SignInThrottle
from refs.crossref import CrossrefClient

if TYPE_CHECKING:
    from procrastinate import App

__all__ = ["Service", "service"]


@dataclass
class Service:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    client: CrossrefClient | None = field(default=None)
    """Opened when the app starts, unless offline; shared so that rate limits are shared."""
    checks: CheckPool = field(default_factory=lambda: CheckPool(1))
    """The worker processes of checks' CPU-bound steps (``evidence.checksteps``)."""
    check_limiter: CapacityLimiter | None = field(default=None)
    """Checks running at once (``evidence.web.offload``), made on first use."""
    form_limiter: CapacityLimiter | None = field(default=None)
    """Large forms decoded at once (``evidence.web.offload``), made on first use."""
    options: WebOptions = field(default_factory=WebOptions)
    throttle: SignInThrottle = field(default_factory=SignInThrottle)
    """Failed sign-ins per client address."""
    reads: ReadCache = field(default_factory=ReadCache)
    """Encoded article answers, each kept under its read stamp (``evidence.web.readcache``)."""
    jobs: App | None = field(default=None)
    """The job engine, opened when the app starts with ``EVIDENCE_JOBS=postgres``: plain
    submissions are then checked by the workers (``evidence.web.queue``)."""


async def service(request: Request) -> Service:
    """FastAPI dependency: the app's service.

    ``async`` though it awaits nothing: FastAPI runs a plain function dependency in its thread
    pool, and the hop there and back cost a read more CPU than looking up the attribute."""
    svc: Service = request.app.state.service
    return svc
