"""The job engine: procrastinate on the store's own PostgreSQL database.

Why procrastinate (docs/jobs.md): the jobs live in the database that already holds the store,
so there is no other server to run; a job's lock and queueing lock give idempotency; retries
are scheduled with the delay we choose; workers send heartbeats, and the jobs of a worker that
stopped sending them are found and retried by the others. The SQLite default has no job engine:
``check`` and the service check in-process there, as before.
"""

from __future__ import annotations

from typing import Any

from procrastinate import App, PsycopgConnector
from sqlalchemy.engine import make_url

from evidence.config import Settings
from evidence.errors import InputError

__all__ = ["CHECK_TASK", "NEEDS_POSTGRESQL", "conninfo", "job_app"]

CHECK_TASK = "evidence.check_article"
"""The name the check job is deferred under and registered as (one spelling, here)."""

NEEDS_POSTGRESQL = (
    "a job engine needs PostgreSQL: set EVIDENCE_DATABASE_URL (or --database) to a "
    "postgresql:// URL shared by the workers; with the SQLite default, `evidence check` and "
    "the service check in-process"
)


def conninfo(settings: Settings) -> str:
    """The libpq connection string of the store, which must be PostgreSQL.

    :raises InputError: the store is not PostgreSQL (exit 2).
    """
    try:
        url = make_url(settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any unreadable URL is the same input error
        raise InputError(f"{NEEDS_POSTGRESQL} (not {settings.database_url!r})") from exc
    if url.get_backend_name() != "postgresql":
        raise InputError(NEEDS_POSTGRESQL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def job_app(settings: Settings, **pool: Any) -> App:
    """A procrastinate app on the store's database (not opened: ``async with app.open_async()``)."""
    return App(connector=PsycopgConnector(conninfo=conninfo(settings), **pool))
