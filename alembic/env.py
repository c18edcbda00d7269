"""Alembic environment: migrations for evidence's store (SQLite and PostgreSQL).

Run from code (``evidence.store.engine.upgrade``), which passes its live connection in
``config.attributes["connection"]``, or from the ``alembic`` command line in the source tree,
which opens ``sqlalchemy.url`` from alembic.ini, else ``EVIDENCE_DATABASE_URL``, else the
default SQLite file.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from alembic import context
from evidence.config import Settings
from evidence.store.engine import make_engine
from evidence.store.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """procrastinate's tables are its own schema (revision 0010), not our models'."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our UTCDateTime as the plain SQL type, so revisions do not import the models."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.TIMESTAMP(timezone=True)"
    return False


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            run_migrations(connection)
            connection.commit()
    finally:
        engine.dispose()


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


if context.is_offline_mode():
    run_offline()
else:
    run_online()
