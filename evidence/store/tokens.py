"""API tokens: created, checked, listed and revoked; only their SHA-256 hash is kept.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once when it is created.
Every function takes the session first and never commits.

Usage::

    with Session.begin() as session:
        secret = create_token(session, name="ada", role="editor")
    with Session() as session:
        holder = find_token(session, secret)      # None when unknown or revoked
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, func, select
from sqlalchemy.orm import Session

from evidence.errors import InputError
from evidence.store.models import Event, Role, Token, utcnow

__all__ = [
    "HOLDER_COLUMNS",
    "ROLES",
    "LastAdmin",
    "NameTaken",
    "TokenInfo",
    "TokenNotFound",
    "count_tokens",
    "create_token",
    "find_token",
    "hash_token",
    "holder_info",
    "list_tokens",
    "revoke_token",
    "token_info",
    "token_name",
]

ROLES = tuple(role.value for role in Role)
"""Roles from least to most powerful: reviewer < editor < admin (see ``Role``)."""

MAX_NAME = 100


class TokenNotFound(InputError):
    """No active token has that name."""


class NameTaken(InputError):
    """A token, active or revoked, already has that name."""


class LastAdmin(InputError):
    """Revoking this token would leave no active admin token to manage the others."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What is known of a token's holder; never the token itself."""

    id: int
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_token(secret: str) -> str:
    """The hex SHA-256 of the token: a fast hash is enough for 256 random bits."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, *, name: str, role: str, actor: str = "cli") -> str:
    """Store a new token for ``name`` with ``role``; the token, to be shown once.

    :raises InputError: the name is empty or too long, the role unknown, or a token, even a
        revoked one, already has this name: names are how tokens are revoked and how the
        audit trail names people, so one name is one holder, ever.
    """
    name = token_name(name)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    taken = session.scalars(select(Token).where(Token.name == name)).first()
    if taken is not None:
        state = "a revoked token was" if taken.revoked_at is not None else "a token is"
        raise NameTaken(f"{state} named {name!r}; names are never reused (the audit "
                         "trail would mix up two holders): pick another name")
    secret = secrets.token_urlsafe(32)
    token = Token(name=name, role=role, hash=hash_token(secret), created_at=utcnow())
    session.add(token)
    session.flush()
    _event(session, actor, "token.create", token, before=None, after={"role": role})
    return secret


HOLDER_COLUMNS = (Token.id, Token.name, Token.role, Token.created_at, Token.revoked_at)
"""What :class:`TokenInfo` holds, as columns to select."""

# One statement object for every request: rebuilt each time, SQLAlchemy made its cache key
# again and matched the cached statement's result columns to the new one's, which cost more
# of the server's CPU than the query (0.5 ms a look-up; 0.2 with the same object).
_FIND_TOKEN = select(*HOLDER_COLUMNS).where(Token.hash == bindparam("hash"))


def find_token(session: Session | Connection, secret: str) -> TokenInfo | None:
    """The active token matching ``secret``, or None when unknown or revoked.

    Asked on every request, so it reads plain columns and also takes a Core connection
    (``evidence.store.engine.reading_connection``): no ORM object, no session to make.
    """
    if not secret:
        return None
    row = session.execute(_FIND_TOKEN, {"hash": hash_token(secret)}).first()
    if row is None or row.revoked_at is not None:
        return None
    return holder_info(row)


def holder_info(row: Row[int, str, str, datetime, datetime | None]) -> TokenInfo:
    """The :class:`TokenInfo` of a row of :data:`HOLDER_COLUMNS`."""
    return TokenInfo(id=row.id, name=row.name, role=row.role, created_at=row.created_at,
                     revoked_at=row.revoked_at)


def list_tokens(
    session: Session, *, include_revoked: bool = True, limit: int | None = None,
    offset: int = 0,
) -> list[TokenInfo]:
    """Every token (or ``limit`` of them from ``offset``), oldest first."""
    query = select(Token).order_by(Token.id).offset(offset).limit(limit)
    if not include_revoked:
        query = query.where(Token.revoked_at.is_(None))
    return [token_info(token) for token in session.scalars(query)]


def count_tokens(session: Session) -> int:
    """How many tokens there are, revoked ones included."""
    return int(session.scalar(select(func.count()).select_from(Token)) or 0)


def revoke_token(
    session: Session, *, name: str, actor: str = "cli", keep_an_admin: bool = False
) -> TokenInfo:
    """Revoke the active token named ``name``; it stops working at once.

    :param keep_an_admin: refuse to revoke the last active admin token (the service asks
        this: without an admin, nobody could manage tokens there; the command line, run by
        whoever holds the database, can always make a new one).
    :raises TokenNotFound: no active token has that name.
    :raises LastAdmin: ``keep_an_admin`` and this is the last active admin token. The
        revocation is flushed, not committed: the caller's transaction rolls it back
        (``with Session.begin()`` does, on the exception).
    """
    if keep_an_admin:
        # Lock the active admins first (PostgreSQL; SQLite has one writer anyway), so two
        # admins revoking each other at once cannot both see the other still active.
        session.scalars(select(Token.id).where(Token.role == Role.ADMIN.value,
                                               Token.revoked_at.is_(None)).with_for_update())
    token = _active(session, name)
    if token is None:
        raise TokenNotFound(f"no active token named {name!r}")
    token.revoked_at = utcnow()
    session.flush()
    if keep_an_admin and token.role == Role.ADMIN.value and not _admins_left(session):
        raise LastAdmin(f"{name!r} is the last active admin token: make another admin token "
                        "first, then revoke this one")
    _event(
        session, actor, "token.revoke", token, before={"revoked": False}, after={"revoked": True}
    )
    return token_info(token)


def token_name(name: str) -> str:
    """``name`` as stored (stripped), the one rule for the CLI and the API alike.

    :raises InputError: empty, longer than ``MAX_NAME`` or with unprintable characters.
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise InputError(f"a token name is 1 to {MAX_NAME} printable characters, not {name!r}")
    return name


def _admins_left(session: Session) -> bool:
    query = select(Token.id).where(Token.role == Role.ADMIN.value, Token.revoked_at.is_(None))
    return session.scalars(query.limit(1)).first() is not None


def _active(session: Session, name: str) -> Token | None:
    query = select(Token).where(Token.name == name.strip(), Token.revoked_at.is_(None))
    return session.scalars(query).first()


def token_info(token: Token) -> TokenInfo:
    """What may be shown of ``token``."""
    return TokenInfo(
        id=token.id,
        name=token.name,
        role=token.role,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
    )


def _event(
    session: Session,
    actor: str,
    action: str,
    token: Token,
    *,
    before: dict[str, object] | None,
    after: dict[str, object],
) -> None:
    session.add(
        Event(
            at=utcnow(),
            actor=actor,
            action=action,
            object_type="token",
            object_id=token.id,
            before=before,
            after={"name": token.name, **after},
        )
    )
