"""Fixtures of the web tests: a running service on each test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.evidence.web.site import Site, running_site


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    """The service on a fresh store (SQLite, then PostgreSQL), with the stand-in Crossref."""
    with running_site(db_url) as running:
        yield running
