"""Opening the database: engines, migrations, sessions.

Nothing here runs at import time; the CLI and the web app call ``open_store(settings.database_url)``
and pass the engine down.

Usage::

    engine = open_store("sqlite:///.evidence/evidence.db")   # made and migrated to head
    Session = session_factory(engine)
    with Session() as session, session.begin():
        upsert_work(session, work, origin="crossref")
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import evidence
from evidence.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "SCHEMA_HEAD",
    "current_revision",
    "head_revision",
    "make_engine",
    "migration_config",
    "open_store",
    "reading",
    "reading_connection",
    "script_location",
    "session_factory",
    "upgrade",
]

SCHEMA_HEAD = "0013"
"""The newest migration this version ships (a test holds it equal to Alembic's head).

Known without Alembic so that opening a store already at head costs one query, not the
~0.1 s of importing Alembic and reading the scripts: start-up is part of every CI check.
"""

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another writer's lock before SQLite says "database is locked"."""
POSTGRESQL_CONNECT_TIMEOUT_S = 10
"""So an unreachable host fails in seconds, not after the operating system's TCP timeout."""


def make_engine(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """An engine for ``url``: SQLite (file or memory) or PostgreSQL through psycopg 3.

    SQLite gets its folder created, WAL journal (readers do not block the writer), foreign
    keys on and a busy timeout (a second writer waits instead of failing).

    :param pool_size: PostgreSQL connections kept open (None: SQLAlchemy's 5). Past them, up
        to ``max_overflow`` more (None: 10) are opened when needed and closed when given
        back; a server whose handlers use more than 5 at once would otherwise open and close
        connections all day.
    :raises StoreError: the URL is malformed or names a database we cannot drive.
    """
    parsed = _parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        if parsed.get_backend_name() == "postgresql":
            return _postgresql_engine(parsed, pool_size, max_overflow)
        return create_engine(parsed)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot open database {_shown(parsed)}: {exc}") from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (web handlers return them)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reads only, whose transaction ends with COMMIT (it wrote nothing).

    A session merely closed ends with the pool's ROLLBACK, and on ROLLBACK psycopg drops
    every statement it had prepared on the connection: each read's queries were planned
    again every time (a read stamp: 1.1 ms of PostgreSQL's CPU instead of 0.2).
    """
    with sessions.begin() as session:
        yield session


@contextmanager
def reading_connection(engine: Engine) -> Iterator[Connection]:
    """A Core connection for reads only, ended by COMMIT as in :func:`reading`: for the
    queries of every request (the token, a read stamp), where an ORM session's own making
    and closing cost more than the query."""
    with engine.connect() as connection:
        yield connection
        connection.commit()


def open_store(
    url: str, *, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """An engine on ``url`` whose schema is at head, migrating it first if it is behind.

    :raises StoreError: the database cannot be reached or migrated, or it was migrated by a
        newer version of evidence than this one.
    """
    engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    try:
        if _stamped_revision(engine) != SCHEMA_HEAD:
            current = current_revision(engine)
            if current != head_revision():
                upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` on ``engine``, in one transaction where possible.

    :raises StoreError: the database cannot be reached or a migration fails.
    """
    from alembic.util.exc import CommandError

    from alembic import command

    shown = _shown(engine.url)
    try:
        with engine.begin() as connection:
            config = migration_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except CommandError as exc:
        raise StoreError(f"cannot migrate database {shown}: {exc}") from exc
    except DBAPIError as exc:
        raise StoreError(f"cannot migrate database {shown}: {_reason(exc)}") from exc


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated).

    :raises StoreError: the database cannot be reached, or is at a revision this version
        of evidence does not know (it was migrated by a newer one).
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except DBAPIError as exc:
        raise StoreError(f"cannot open database {_shown(engine.url)}: {_reason(exc)}") from exc
    known = ScriptDirectory.from_config(migration_config())
    for head in heads:
        try:
            known.get_revision(head)
        except CommandError as exc:
            raise StoreError(
                f"database {_shown(engine.url)} is at schema revision {head!r}, which this "
                f"version of evidence ({evidence.__version__}) does not know; upgrade evidence"
            ) from exc
    return heads[0] if heads else None


def head_revision() -> str | None:
    """The newest revision of the migration scripts this version ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migration_config()).get_current_head()


def _stamped_revision(engine: Engine) -> str | None:
    """The single revision in ``alembic_version``, or None (no table, several heads, an error).

    None sends ``open_store`` down Alembic's own path, which explains any error properly.
    """
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def migration_config() -> Config:
    """An Alembic config built in code: no alembic.ini is needed at run time."""
    from alembic.config import Config

    # Alembic's default ``stdout`` is bound when Alembic is first imported; now that it is
    # imported lazily, that can be a stream someone has since closed (pytest's capture).
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(script_location()))
    return config


def script_location() -> Path:
    """Where the migration scripts are: inside the wheel, else the source tree's ``alembic/``."""
    packaged = Path(evidence.__file__).parent / "_alembic"
    if packaged.is_dir():
        return packaged
    return Path(evidence.__file__).parent.parent / "alembic"


# --- helpers -----------------------------------------------------------------------------


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"cannot open database {url!r}: not a database URL") from exc
    # A plain postgresql:// URL would pick psycopg2, which we do not ship.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot open database {_shown(url)}: {exc}") from exc
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _postgresql_engine(
    url: URL, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """psycopg 3 with native ``$1`` placeholders (``RawCursor``, paramstyle ``numeric_dollar``).

    With the default ``%(name)s`` style, psycopg parses every statement for placeholders and
    caches the result only for statements under 4 KB and 50 parameters; the batch upsert's
    multi-row INSERT (28,000 parameters a chunk) was re-parsed on every chunk, which took
    over half its time (benchmarks/RESULTS.md, store). Native placeholders need no parsing.
    """
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRESQL_CONNECT_TIMEOUT_S
    if url.get_driver_name() != "psycopg":  # another driver named explicitly: its defaults
        return create_engine(url, connect_args=connect_args)
    sizes = {name: value for name, value in (("pool_size", pool_size),
                                             ("max_overflow", max_overflow))
             if value is not None}
    engine = create_engine(url, connect_args=connect_args, paramstyle="numeric_dollar",
                           **sizes)
    event.listen(engine, "connect", _raw_cursors)
    return engine


def _raw_cursors(dbapi_connection: Any, _record: Any) -> None:
    from psycopg import RawCursor, RawServerCursor

    dbapi_connection.cursor_factory = RawCursor
    dbapi_connection.server_cursor_factory = RawServerCursor  # yield_per streams through it


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Safe with WAL (a crash loses at most the last transactions, never consistency).
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's own words, on one line: "connection refused", "database is locked"."""
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return " ".join(lines) or type(original).__name__
