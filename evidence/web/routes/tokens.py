"""``/api/tokens`` (admins) and ``/api/me`` (anyone with a token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from evidence.store.tokens import (
    TokenInfo,
    count_tokens,
    create_token,
    list_tokens,
    revoke_token,
)
from evidence.web.auth import Principal, principal, require
from evidence.web.schemas import (
    AUTH_ERRORS,
    MAX_ID,
    ErrorOut,
    Me,
    TokenCreated,
    TokenIn,
    TokenNamePath,
    TokenOut,
)
from evidence.web.service import Service, service

__all__ = ["router"]

ERRORS = AUTH_ERRORS
router = APIRouter(prefix="/api", tags=["tokens"], responses=ERRORS)
Svc = Annotated[Service, Depends(service)]
Admin = Annotated[Principal, Depends(require("admin"))]


@router.get("/me", response_model=Me, summary="Who the token belongs to")
def me(who: Annotated[Principal, Depends(principal)]) -> dict[str, Any]:
    return {"name": who.name, "role": who.role}


@router.get("/tokens", response_model=list[TokenOut],
            summary="Tokens, oldest first (never the secret); the total in X-Total-Count")
def tokens(
    svc: Svc, _: Admin, response: Response,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[dict[str, Any]]:
    with svc.sessions() as session:
        found = list_tokens(session, limit=limit, offset=offset)
        response.headers["X-Total-Count"] = str(count_tokens(session))
    return [_out(t) for t in found]


@router.post("/tokens", status_code=201, response_model=TokenCreated,
             responses={409: {"model": ErrorOut, "description": "a token (even a revoked "
                                   "one) has that name: names are never reused"}},
             summary="Make a token; it is shown once")
def create(body: TokenIn, svc: Svc, who: Admin) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        secret = create_token(session, name=body.name, role=body.role, actor=who.name)
    return {"name": body.name.strip(), "role": body.role, "token": secret}


@router.delete("/tokens/{name}", response_model=TokenOut,
               responses={404: {"model": ErrorOut, "description": "no active token so named"},
                          409: {"model": ErrorOut, "description": "the last active admin "
                                "token: make another admin first"}},
               summary="Revoke a token by name; it stops working at once")
def revoke(name: TokenNamePath, svc: Svc, who: Admin) -> dict[str, Any]:
    with svc.sessions.begin() as session:
        return _out(revoke_token(session, name=name, actor=who.name, keep_an_admin=True))


def _out(token: TokenInfo) -> dict[str, Any]:
    return {"name": token.name, "role": token.role, "created_at": token.created_at,
            "revoked_at": token.revoked_at}
