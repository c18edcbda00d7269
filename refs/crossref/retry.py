"""Retrying what the registry did not answer: backoff with jitter, Retry-After, a budget."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from refs.crossref.limits import backoff_delay
from refs.crossref.redirects import RedirectRefused
from refs.errors import RateLimited, RegistryUnavailable, RegistryUnreachable

__all__ = ["RetryPolicy", "is_retryable", "retrying"]

T = TypeVar("T")

UNREACHABLE_RETRIES = 1
"""Retries when no connection can be made at all (see ``RegistryUnreachable``)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``max_retries`` retries and ``budget`` seconds of waiting, per call."""

    max_retries: int = 6
    budget: float = 120.0
    base: float = 0.5
    cap: float = 30.0


def is_retryable(exc: RegistryUnavailable) -> bool:
    """Silence and overload are worth asking again; a 4xx refusal (400, 403...) or a redirect
    the policy does not follow is not."""
    if isinstance(exc, RedirectRefused):
        return False
    status = exc.status
    return status is None or status == 429 or not 400 <= status < 500


async def retrying(
    attempt: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]],
    jitter: Callable[[], float],
    on_retry: Callable[[RegistryUnavailable, float], None] | None = None,
) -> T:
    """``await attempt()`` until it answers, backing off between tries.

    The wait is the registry's ``Retry-After`` when it sent one, else exponential backoff.
    When the retries or the budget run out, the last error is raised with a reason that says so.
    """
    waited = 0.0
    tries = 0
    while True:
        try:
            return await attempt()
        except RegistryUnavailable as exc:
            if not is_retryable(exc):
                raise
            limit = min(policy.max_retries, UNREACHABLE_RETRIES) if isinstance(
                exc, RegistryUnreachable) else policy.max_retries
            if tries >= limit:
                raise _gave_up(exc, f"after {tries + 1} tries") from exc
            delay = exc.retry_after
            if delay is None:
                delay = backoff_delay(tries, base=policy.base, cap=policy.cap, jitter=jitter())
            if waited + delay > policy.budget:
                raise _gave_up(exc, f"retry budget of {policy.budget:g}s spent") from exc
            if on_retry is not None:
                on_retry(exc, delay)
            await sleep(delay)
            waited += delay
            tries += 1


def _gave_up(exc: RegistryUnavailable, why: str) -> RegistryUnavailable:
    cls = type(exc) if isinstance(exc, RateLimited | RegistryUnreachable) else RegistryUnavailable
    # One pair of parentheses, not two: "cannot connect (ConnectError: ...; after 2 tries)".
    reason = f"{exc.reason[:-1]}; {why})" if exc.reason.endswith(")") else f"{exc.reason} ({why})"
    return cls(reason, url=exc.url, status=exc.status, retry_after=exc.retry_after)
