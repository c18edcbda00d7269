"""The pages' sign-in sessions: started at sign-in, found on each page, ended at sign-out.

The browser holds a random secret (``secrets.token_urlsafe(32)``); the store keeps only its
SHA-256, under the token that signed in. A session counts while it has not ended, has not
expired, and its token is not revoked, so revoking a token signs its browsers out too.
Every function takes the session first and never commits.

Usage::

    with Session.begin() as session:
        secret = start_session(session, token_id=holder.id, lifetime=timedelta(hours=12))
    with Session() as session:
        holder = find_session(session, secret)     # None when ended, expired or revoked
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from evidence.store.models import Token, WebSession, utcnow
from evidence.store.tokens import HOLDER_COLUMNS, TokenInfo, hash_token, holder_info

__all__ = ["end_session", "find_session", "start_session"]


def start_session(session: Session, *, token_id: int, lifetime: timedelta) -> str:
    """A new session for the holder of ``token_id``, lasting ``lifetime``; its secret."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(token_id=token_id, hash=hash_token(secret), created_at=now,
                           expires_at=now + lifetime))
    session.flush()
    return secret


# One statement object for every page: see evidence.store.tokens._FIND_TOKEN. The time is
# a parameter too: a literal would make each statement a new one to SQLAlchemy.
_FIND_SESSION = (
    select(*HOLDER_COLUMNS)
    .join(WebSession, WebSession.token_id == Token.id)
    .where(WebSession.hash == bindparam("hash"), WebSession.ended_at.is_(None),
           WebSession.expires_at > bindparam("now", type_=WebSession.expires_at.type),
           Token.revoked_at.is_(None))
)


def find_session(session: Session | Connection, secret: str) -> TokenInfo | None:
    """Who a live session belongs to; None when unknown, ended, expired or revoked.

    Asked on every page, so, as :func:`evidence.store.tokens.find_token`, it reads plain
    columns and also takes a Core connection.
    """
    if not secret:
        return None
    row = session.execute(_FIND_SESSION, {"hash": hash_token(secret), "now": utcnow()}).first()
    return holder_info(row) if row is not None else None


def end_session(session: Session, secret: str) -> bool:
    """End the session of ``secret`` (sign-out); whether a live one was ended."""
    if not secret:
        return False
    result = session.execute(
        update(WebSession)
        .where(WebSession.hash == hash_token(secret), WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0)) > 0
