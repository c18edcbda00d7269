"""Messages count things in words that agree with the number (``evidence.wording``)."""

from __future__ import annotations

import pytest

from evidence.recheck import _refuse_silence
from evidence.wording import counted, noun
from refs.crossref import Outcome
from refs.errors import RegistryUnavailable


def test_counted_agrees_with_the_number() -> None:
    assert [counted(n, "DOI") for n in (0, 1, 2)] == ["0 DOIs", "1 DOI", "2 DOIs"]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"


def test_noun_agrees_with_a_number_shown_apart() -> None:
    # The HTML report's tiles: the number large, the noun under it.
    assert [noun(n, "article") for n in (0, 1, 2)] == ["articles", "article", "articles"]
    assert noun(2, "bibliography", "bibliographies") == "bibliographies"


def test_a_recheck_the_registry_left_unanswered_counts_its_works_in_words() -> None:
    silent = Outcome("10.5555/a", "unverified", reason="timed out")
    with pytest.raises(RegistryUnavailable) as one:
        _refuse_silence([silent])
    with pytest.raises(RegistryUnavailable) as two:
        _refuse_silence([silent, Outcome("10.5555/b", "found")])
    assert str(one.value).startswith("1 of 1 work unanswered, e.g. 10.5555/a: timed out")
    assert str(two.value).startswith("1 of 2 works unanswered")

