"""`evidence lock` refuses to lock "could not ask": its message counts what it names."""

from __future__ import annotations

import pytest

from evidence.errors import InputError
from evidence.lock import lock_from_check
from evidence.results import CheckResult
from tests.evidence.audit.samples import article, ref


def _unverified(count: int) -> CheckResult:
    refs = tuple(ref(f"[{n}] Roe R. Study {n}. doi:10.5555/x{n}", n, status="unverified",
                     doi=f"10.5555/x{n}") for n in range(1, count + 1))
    return CheckResult(articles=(article(references=refs),))


def test_the_message_says_how_many_it_does_not_name() -> None:
    with pytest.raises(InputError) as refused:
        lock_from_check(_unverified(7), {})
    message = str(refused.value)
    assert "could not be asked about 7 references, so nothing was written" in message
    assert "10.5555/x5; and 2 more; run again" in message and "10.5555/x6" not in message


def test_one_reference_is_one() -> None:
    with pytest.raises(InputError, match=r"about 1 reference, so .*:1: 10\.5555/x1; run again"):
        lock_from_check(_unverified(1), {})


def test_offline_it_says_to_go_online_rather_than_to_wait() -> None:
    """--offline asked nothing: waiting for the registry to answer would change nothing."""
    with pytest.raises(InputError) as refused:
        lock_from_check(_unverified(2), {}, offline=True)
    message = str(refused.value)
    assert message.startswith("could not lock: with --offline, the store holds no answer of "
                              "the registry for 2 references, so nothing was written: ")
    assert message.endswith("10.5555/x2; run `evidence lock` without --offline")
    assert "when it answers" not in message
