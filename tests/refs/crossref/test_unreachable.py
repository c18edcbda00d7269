"""A registry that cannot be reached at all is retried once, then reported unverified."""

from __future__ import annotations

import httpx
import pytest

from refs.crossref import CrossrefClient, CrossrefSettings
from refs.errors import RegistryUnreachable


@pytest.mark.anyio
async def test_unreachable_registry_is_retried_once_then_unverified() -> None:
    calls = 0

    def refuse(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    async def sleep(seconds: float) -> None:
        return None

    settings = CrossrefSettings(base_url="http://registry.invalid", max_retries=6)
    async with CrossrefClient(settings, transport=httpx.MockTransport(refuse),
                              sleep=sleep) as client:
        with pytest.raises(RegistryUnreachable) as info:
            await client.work("10.1177/0956797614520714")
        (outcome,) = await client.works(["10.1177/0956797614520714"])
    assert calls == 4  # two calls, each: one try and one retry
    assert "cannot connect" in info.value.reason
    # One pair of parentheses: the cause and the tries read as one aside.
    assert info.value.reason.endswith("Name or service not known; after 2 tries)")
    assert outcome.status == "unverified" and "cannot connect" in (outcome.reason or "")
