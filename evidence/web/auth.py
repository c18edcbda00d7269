"""Who is asking: a bearer token (API) or the sign-in cookie (pages), and what their role allows.

Roles grow: a reviewer reads and comments; an editor also submits articles and changes links
and verdicts; an admin also manages tokens. Every route but ``/health``, the sign-in page and
the style sheet needs a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from evidence.store.tokens import TokenInfo, find_token
from evidence.web.errors import ApiError
from evidence.web.service import Service, service

__all__ = ["COOKIE", "RANK", "Principal", "principal", "require"]

COOKIE = "evidence_token"
RANK = {"reviewer": 1, "editor": 2, "admin": 3}


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of the token of this request."""

    name: str
    role: str
    token_id: int

    def can(self, role: str) -> bool:
        return RANK.get(self.role, 0) >= RANK[role]


def bearer(request: Request) -> str | None:
    """The token of the request: ``Authorization: Bearer``, else the pages' cookie."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else None
    return request.cookies.get(COOKIE)


def principal(request: Request, svc: Annotated[Service, Depends(service)]) -> Principal:
    """The caller, or 401 when the token is missing, unknown or revoked."""
    secret = bearer(request)
    holder: TokenInfo | None = None
    if secret:
        with svc.sessions() as session:
            holder = find_token(session, secret)
    if holder is None:
        why = "a token is needed" if not secret else "the token is unknown or revoked"
        error = ApiError(401, f"{why}: send Authorization: Bearer TOKEN "
                              "(`evidence token create` makes one)")
        error.headers["WWW-Authenticate"] = "Bearer"
        raise error
    return Principal(name=holder.name, role=holder.role, token_id=holder.id)


def require(role: str) -> Callable[..., Principal]:
    """A dependency: the caller, or 403 when their role is below ``role``."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.can(role):
            raise ApiError(403, f"{who.name} is a {who.role}; this needs the {role} role")
        return who

    check.__name__ = f"require_{role}"
    return check
