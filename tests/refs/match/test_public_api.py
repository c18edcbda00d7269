"""The entry points other code and users rely on: their names, parameters and fields."""

from __future__ import annotations

import dataclasses
import inspect

import refs
import refs.match
from refs.doi import find_dois
from refs.match import ParsedReference, parse_reference


def test_parse_reference_takes_the_text_and_gives_the_fields() -> None:
    assert list(inspect.signature(parse_reference).parameters) == ["text"]
    assert [f.name for f in dataclasses.fields(ParsedReference)] == [
        "text", "doi", "year", "first_author", "authors", "title", "container", "volume",
        "issue", "pages",
    ]


def test_find_dois_takes_the_text_and_an_optional_keyword() -> None:
    parameters = inspect.signature(find_dois).parameters
    assert list(parameters) == ["text", "across_breaks"]
    assert parameters["across_breaks"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["across_breaks"].default is False


def test_the_packages_export_them() -> None:
    assert refs.find_dois is find_dois
    assert {"parse_reference", "ParsedReference", "match_reference", "compare"} <= set(
        refs.match.__all__
    )
