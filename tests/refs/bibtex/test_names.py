"""BibTeX name lists to persons and back."""

from __future__ import annotations

import pytest

from refs.bibtex.names import OTHERS, format_names, parse_names
from refs.work import Person


@pytest.mark.parametrize(
    ("written", "person"),
    [
        ("Hayden, Jill A.", Person(family="Hayden", given="Jill A.")),
        ("Jill A. Hayden", Person(family="Hayden", given="Jill A.")),
        ("Ludwig van Beethoven", Person(family="van Beethoven", given="Ludwig")),
        ("van Beethoven, Ludwig", Person(family="van Beethoven", given="Ludwig")),
        ("Smith, Jr, John", Person(family="Smith Jr", given="John")),
        ("{World Health Organization}", Person(literal="World Health Organization")),
        ("{Barnes and Noble}", Person(literal="Barnes and Noble")),
        ("{Adam{\\'o}w}, M.", Person(family="Adamów", given="M.")),
        ("{\\'E}mile Zola", Person(family="Zola", given="Émile")),
        ("Aristotle", Person(family="Aristotle")),
        ("others", OTHERS),
    ],
)
def test_one_name(written: str, person: Person) -> None:
    assert parse_names(written) == (person,)


def test_and_splits_only_outside_braces_and_in_any_case() -> None:
    people = parse_names("A. One AND {Two and Three} and\n  Four, F.")
    assert people == (
        Person(family="One", given="A."),
        Person(literal="Two and Three"),
        Person(family="Four", given="F."),
    )


def test_empty_names_are_dropped() -> None:
    assert parse_names("A. One and and  and B. Two") == (
        Person(family="One", given="A."), Person(family="Two", given="B.")
    )


@pytest.mark.parametrize(
    "person",
    [
        Person(family="de la Cruz", given="María José"),
        Person(family="and", given="x, y"),
        Person(family="others"),
        Person(family="O'Neil-Ábrego"),
        Person(given="Madonna"),
        Person(literal="UNESCO"),
        Person(literal="Médecins Sans Frontières & Co"),
        OTHERS,
    ],
)
def test_persons_survive_writing_and_reading(person: Person) -> None:
    people = (Person(family="First", given="A."), person)
    assert parse_names(format_names(people)) == people


def test_written_names() -> None:
    people = (Person(family="Müller", given="Jörg"), Person(literal="WHO"), OTHERS)
    assert format_names(people) == 'M{\\"u}ller, J{\\"o}rg and {WHO} and others'
