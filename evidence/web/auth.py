"""Who is asking: a bearer token (API) or a sign-in session's cookie (pages), and what their
role allows. The cookie names a server-side session (``evidence.store.web_sessions``), never
the token itself.

Roles grow: a reviewer reads and comments; an editor also submits articles and changes links
and verdicts; an admin also manages tokens. Every route but ``/health``, the sign-in page and
the style sheet needs a token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection

from evidence.store.engine import reading_connection
from evidence.store.tokens import TokenInfo, find_token
from evidence.store.web_sessions import find_session
from evidence.web.errors import ApiError
from evidence.web.service import Service, service

__all__ = ["COOKIE", "RANK", "Principal", "caller", "check_role", "holder", "principal", "require"]

COOKIE = "evidence_session"
RANK = {"reviewer": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of the token of this request."""

    name: str
    role: str
    token_id: int

    def can(self, role: str) -> bool:
        return RANK.get(self.role, 0) >= RANK[role]


def holder(
    request: Request, svc: Service, connection: Connection | None = None
) -> tuple[TokenInfo | None, bool]:
    """Who the request's credentials belong to, and whether any were sent.

    ``Authorization: Bearer TOKEN`` first (the API); else the sign-in cookie, which names a
    session (the pages, and the API links they carry). Looked up in the database on every
    request, so a token revoked (a session ended) is refused on the very next one.

    :param connection: one this request holds already for its other reads (a warm read's,
        ``evidence.web.warm``); else one is taken from the pool for the look-up.
    """
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        secret = value.strip() if scheme.lower() == "bearer" else ""
        if not secret:
            return None, True
        return _looked_up(svc, connection, find_token, secret), True
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None, False
    return _looked_up(svc, connection, find_session, cookie), True


def _looked_up(
    svc: Service, connection: Connection | None,
    find: Callable[[Connection, str], TokenInfo | None], secret: str,
) -> TokenInfo | None:
    if connection is not None:
        return find(connection, secret)
    with reading_connection(svc.engine) as own:
        return find(own, secret)


def caller(
    request: Request, svc: Service, connection: Connection | None = None
) -> tuple[Principal | None, bool]:
    """The caller (None when unknown), and whether any credentials were sent: what the API's
    :func:`principal` and the pages' sign-in check both ask (``connection``: see
    :func:`holder`)."""
    found, sent = holder(request, svc, connection)
    if found is None:
        return None, sent
    return Principal(name=found.name, role=found.role, token_id=found.id), sent


def principal(request: Request, svc: Annotated[Service, Depends(service)]) -> Principal:
    """The caller, or 401 when the token is missing, unknown or revoked."""
    who, sent = caller(request, svc)
    if who is None:
        why = "the token is unknown or revoked" if sent else "a token is needed"
        error = ApiError(401, f"{why}: send Authorization: Bearer TOKEN "
                              "(`evidence token create` makes one)")
        error.headers["WWW-Authenticate"] = "Bearer"
        raise error
    return who


def check_role(who: Principal, role: str) -> Principal:
    """``who``, or 403 when their role is below ``role``."""
    if not who.can(role):
        raise ApiError(403, f"{who.name} is a {who.role}; this needs the {role} role")
    return who


def require(role: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, or 403 when their role is below ``role``."""

    # async: no thread pool hop for a comparison (see evidence.web.service.service)
    async def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        return check_role(who, role)

    check.__name__ = f"require_{role}"
    return check
