"""Settings and a sleep that never waits, for the Crossref client tests."""

from __future__ import annotations

import pytest

from refs.crossref import CrossrefSettings


class FakeSleep:
    """Records the delays asked for, and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def settings() -> CrossrefSettings:
    return CrossrefSettings(
        base_url="https://crossref.test", mailto="tests@example.org", max_retries=3
    )
