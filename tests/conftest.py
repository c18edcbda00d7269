"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from evidence.store.engine import make_engine, open_store, session_factory, upgrade
from tests import database

FIXTURES = Path(__file__).parent / "fixtures"
"""Recorded registry responses and real .bib files; provenance in fixtures/PROVENANCE.md."""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


# --- databases (evidence.store) ----------------------------------------------------------


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    """One scratch PostgreSQL database for the test session (see tests/database.py)."""
    url = database.create_database()
    yield url
    database.drop_database(url)


@pytest.fixture
def pg_url(postgresql_database: str) -> str:
    """The session's PostgreSQL database, emptied and migrated (mark the test postgresql)."""
    database.empty_database(postgresql_database)
    open_store(postgresql_database).dispose()
    return postgresql_database


@pytest.fixture
def pg_sessions(pg_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on ``pg_url``."""
    engine = open_store(pg_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, not migrated: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'evidence.db'}"
    url: str = request.getfixturevalue("postgresql_database")
    database.empty_database(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head; disposed after the test."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session on a migrated database; callers open transactions with session.begin()."""
    with sessions() as session:
        yield session
