"""The API's input formats are the vocabulary's: a body field takes a stated subset of
``ArticleFormat``, hands the route its members, and /openapi.json names just that subset."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from evidence.vocabulary import BIBLIOGRAPHY_FORMATS, ArticleFormat
from evidence.web.schemas import TEXT_FORMATS, ArticleIn


def test_the_schema_states_the_formats_each_field_takes() -> None:
    fields = ArticleIn.model_json_schema()["properties"]
    assert fields["format"]["enum"] == ["text", "markdown", "html"]
    assert fields["format"]["default"] == "text"
    stated = fields["bibliography_format"]["anyOf"][0]["enum"]
    assert set(stated) == {f.value for f in BIBLIOGRAPHY_FORMATS}
    assert {f.value for f in TEXT_FORMATS} <= {f.value for f in ArticleFormat}


def test_a_taken_format_reaches_the_route_as_the_vocabularys_member() -> None:
    body = ArticleIn.model_validate_json(
        '{"name": "a", "text": "b", "format": "markdown", "bibliography_format": "csl-json"}')
    assert body.format is ArticleFormat.MARKDOWN
    assert body.bibliography_format is ArticleFormat.CSL_JSON
    assert ArticleIn(name="a", text="b").format is ArticleFormat.TEXT


@pytest.mark.parametrize("format", ["pdf", "jats", "bibtex", "Markdown", ""])
def test_a_format_the_field_does_not_take_is_refused_naming_those_it_does(format: str) -> None:
    with pytest.raises(ValidationError) as refused:
        ArticleIn.model_validate({"name": "a", "text": "b", "format": format})
    # ... and where a file of another format goes.
    assert refused.value.errors()[0]["msg"] == (
        "Input should be 'text', 'markdown' or 'html'; Word, PDF, LaTeX and JATS files go to "
        "POST /api/articles/upload (multipart)")



def test_a_bibliography_format_not_taken_names_those_that_are() -> None:
    with pytest.raises(ValidationError) as refused:
        ArticleIn.model_validate({"name": "a", "text": "b", "bibliography_format": "ris"})
    assert refused.value.errors()[0]["msg"] == "Input should be 'bibtex' or 'csl-json'"
