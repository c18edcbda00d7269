"""The test databases: a temporary SQLite file, and a scratch PostgreSQL database.

PostgreSQL: one database ``evidence_test_<random>`` per test session on the local server
(``EVIDENCE_TEST_POSTGRESQL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``, trust
auth), emptied before each test and dropped at the end. Tests that need it are skipped with
the reason when the server is unreachable, and fail instead under ``CI=true``.
"""

from __future__ import annotations

import os
import secrets

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get(
    "EVIDENCE_TEST_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def unreachable(reason: str) -> None:
    """Skip, or fail under CI=true: CI must not pass by skipping the PostgreSQL half."""
    message = f"PostgreSQL test server {ADMIN_URL} unreachable: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: PostgreSQL is required)")
    pytest.skip(message)


def create_database() -> str:
    """A new empty database on the test server; its SQLAlchemy URL."""
    name = f"evidence_test_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        unreachable(" ".join(str(exc).split()))
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database or ""
    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def empty_database(url: str) -> None:
    """Drop every table (and alembic's version table) a previous test left."""
    with psycopg.connect(_libpq(url), autocommit=True, connect_timeout=3) as connection:
        connection.execute("SET lock_timeout = '10s'")
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
