"""Stable citation keys."""

from __future__ import annotations

import pytest

from refs.bibtex import citation_key
from refs.bibtex.keys import assign_keys
from refs.work import PartialDate, Person, Work

HAYDEN = Work(
    doi="10.1002/14651858.cd009790.pub2",
    title="Exercise therapy for chronic low back pain",
    authors=(Person(family="Hayden", given="Jill A."),),
    issued=PartialDate(2021, 9, 28),
)


@pytest.mark.parametrize(
    ("work", "key"),
    [
        (HAYDEN, "hayden2021exercise"),
        (Work(doi=None, title="The Ørsted effect on a Łódź street",
              authors=(Person(family="Øster-Ünal"),), issued=PartialDate(1999)),
         "osterunal1999orsted"),
        (Work(doi=None, title="A guideline", authors=(Person(literal="North American Spine "
                                                             "Society"),)),
         "northguideline"),
        (Work(doi=None, title="On the of", issued=PartialDate(2001)), "2001"),
        (Work(doi=None), "ref"),
    ],
    ids=["hayden", "folded", "organisation", "only-stopwords", "nothing"],
)
def test_citation_key(work: Work, key: str) -> None:
    assert citation_key(work) == key


def test_clashes_get_letter_suffixes_in_order() -> None:
    keys = [key for key, _ in assign_keys([HAYDEN, HAYDEN, HAYDEN])]
    assert keys == ["hayden2021exercise", "hayden2021exercisea", "hayden2021exerciseb"]


def test_given_keys_are_kept_and_generated_ones_avoid_them() -> None:
    entries: list[Work | tuple[str, Work]] = [HAYDEN, ("Hayden2021exercise", HAYDEN), ("", HAYDEN)]
    keys = [key for key, _ in assign_keys(entries)]
    assert keys == ["hayden2021exercisea", "Hayden2021exercise", "hayden2021exerciseb"]
    assert keys == [key for key, _ in assign_keys(entries)]  # the same every time


def test_a_given_key_bibtex_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be a BibTeX key"):
        assign_keys([("has space", HAYDEN)])
    assert assign_keys([("has space", HAYDEN)], bibtex=False)[0][0] == "has space"
