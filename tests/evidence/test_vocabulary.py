"""The domain's words are defined once and keep the values DESIGN.md documents."""

from __future__ import annotations

import json

from sqlalchemy import CheckConstraint

from evidence import results
from evidence.report import describe
from evidence.store import models, views
from evidence.vocabulary import ClaimStatus, How, ReferenceStatus, Verdict
from evidence.web import schemas


def test_the_documented_values_are_kept() -> None:
    # DESIGN.md, "--format json" and "The store": these values are stored and published.
    assert {h.value for h in How} == {"marker", "inferred", "editor"}
    assert {s.value for s in ReferenceStatus} == {
        "resolved", "matched", "not-found", "invalid", "unverified", "no-doi"}
    assert {v.value for v in Verdict} == {"unreviewed", "confirmed", "rejected"}
    assert {c.value for c in ClaimStatus} == {
        "supported", "related", "unsupported", "no-source-needed", "not-a-claim"}


def test_every_layer_uses_the_same_enumeration() -> None:
    assert results.How is How and models.How is How
    assert results.ReferenceStatus is ReferenceStatus and models.ReferenceStatus is ReferenceStatus
    assert models.Verdict is Verdict
    assert describe.ClaimStatus is ClaimStatus and views.ClaimStatus is ClaimStatus
    assert schemas.SourceOut.model_fields["how"].annotation is How
    assert schemas.ReferenceOut.model_fields["status"].annotation is ReferenceStatus
    assert schemas.ClaimOut.model_fields["status"].annotation is ClaimStatus
    assert schemas.LinkOut.model_fields["verdict"].annotation is Verdict


def test_a_member_is_written_as_its_plain_value() -> None:
    assert json.dumps({"how": How.MARKER, "status": ReferenceStatus.NOT_FOUND}) == (
        '{"how": "marker", "status": "not-found"}')
    assert f"{ClaimStatus.NO_SOURCE_NEEDED}" == "no-source-needed"


def test_the_store_allows_exactly_these_values() -> None:
    link = models.Base.metadata.tables["link"]
    constraints = {c.name: str(c.sqltext) for c in link.constraints
                   if isinstance(c, CheckConstraint) and str(c.name).endswith(("how", "verdict"))}
    assert any("'marker', 'inferred', 'editor'" in text for text in constraints.values())
    assert any("'unreviewed', 'confirmed', 'rejected'" in text for text in constraints.values())


def test_article_formats_are_one_list() -> None:
    from typing import get_args

    from evidence.articles import build, model
    from evidence.vocabulary import BIBLIOGRAPHY_FORMATS, ArticleFormat

    # DESIGN.md: plain text, Markdown, HTML, Word, PDF, LaTeX, JATS, or a bibliography.
    assert {f.value for f in ArticleFormat} == {
        "text", "markdown", "html", "docx", "pdf", "latex", "jats", "bibtex", "csl-json"}
    assert BIBLIOGRAPHY_FORMATS == {"bibtex", "csl-json"}
    assert model.ArticleFormat is ArticleFormat and results.ArticleResult.__dataclass_fields__[
        "format"].type in ("ArticleFormat", ArticleFormat)
    assert all(type(kind) is ArticleFormat for kind in build.FORMATS.values())
    # What the API takes is named in its own words, but only from this list.
    submitted = schemas.ArticleIn.model_fields
    taken = [m for m in submitted["format"].metadata if isinstance(m, schemas.FormatsTaken)]
    assert submitted["format"].annotation is ArticleFormat
    assert set(taken[0].formats) == {"text", "markdown", "html"}
    bibliography = get_args(submitted["bibliography_format"].annotation)
    assert get_args(bibliography[0])[0] is ArticleFormat
    assert set(get_args(bibliography[0])[1].formats) == BIBLIOGRAPHY_FORMATS
