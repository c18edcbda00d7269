"""The API's models are the serialisers' shapes: a claim, its sources, a reference and a
finding read the same in `evidence check --format json` and in the API, which only adds its
own keys (ids, versions, verdicts, comments).

The article is the test article of the web tests, citing two recorded Crossref works (one
retracted, one corrected: tests/fixtures/crossref, provenance in tests/fixtures/PROVENANCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from evidence.cli import main
from evidence.serialise import CLAIM_KEYS, FINDING_KEYS, REFERENCE_KEYS, SOURCE_KEYS
from evidence.web.schemas import ClaimOut, FindingOut, ReferenceOut, SourceOut
from tests.evidence.web.articles import ARTICLE
from tests.evidence.web.site import running_site

API_KEYS: dict[type[BaseModel], tuple[tuple[str, ...], set[str]]] = {
    ClaimOut: (CLAIM_KEYS, {"id", "new", "reason", "no_source_reason", "version", "comments"}),
    SourceOut: (SOURCE_KEYS, {"link", "verdict", "version"}),
    ReferenceOut: (REFERENCE_KEYS, {"id"}),
    FindingOut: (FINDING_KEYS, set()),
}
"""Each model, the serialiser's keys, and what the API adds."""


@pytest.mark.parametrize("model", list(API_KEYS), ids=lambda m: m.__name__)
def test_each_model_has_the_serialisers_keys_and_its_own(model: type[BaseModel]) -> None:
    shared, own = API_KEYS[model]
    assert set(model.model_fields) == set(shared) | own
    assert [k for k in model.model_fields if k in shared] == list(shared)  # in the same order


def _without(obj: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in keys}


def test_the_report_and_the_api_write_the_same_objects(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "creativity.md").write_text(ARTICLE, encoding="utf-8")
    with running_site(db_url) as site:
        crossref = site.service.settings.crossref_url
        monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", crossref)
        monkeypatch.setenv("EVIDENCE_DOI_URL", f"{crossref}/doi")
        monkeypatch.setenv("EVIDENCE_MAILTO", "tests@example.org")
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        assert main(["check", "creativity.md", "--format", "json", "--fail-on", "never"]) == 0
        report = json.loads(capsys.readouterr().out)
        with site.client() as client:
            created = client.post("/api/articles", json={
                "name": "creativity.md", "text": ARTICLE, "format": "markdown"})
            api = client.get(f"/api/articles/{created.json()['id']}").json()
    (checked,) = report["articles"]

    # The report's objects, with what the API adds, are valid API objects, unchanged.
    for finding in report["findings"]:
        assert FindingOut.model_validate(finding).model_dump() == finding
    assert [f for f in api["findings"]] == report["findings"]
    references = [{**r, "path": r["path"] or "creativity.md"} for r in checked["references"]]
    assert [_without(r, {"id"}) for r in api["references"]] == references
    for reference in api["references"]:
        assert ReferenceOut.model_validate(reference).model_dump(mode="json") == reference
    # Claims: the API's score is not stored, nor a source's marker; its sources name the
    # reference by id, with the link's verdict and version.
    ids = [r["id"] for r in api["references"]]
    for ours, theirs in zip(checked["claims"], api["claims"], strict=True):
        assert ClaimOut.model_validate(theirs).model_dump(mode="json", exclude_unset=True) \
            == theirs
        assert _without(theirs, API_KEYS[ClaimOut][1] | {"score", "sources"}) \
            == _without(ours, {"score", "sources"})
        assert [(s["doi"], s["how"], s["score"], ids[s["reference"]])
                for s in ours["sources"]] \
            == [(s["doi"], s["how"], s["score"], s["reference"]) for s in theirs["sources"]]
    assert any(c["sources"] for c in api["claims"])  # something was compared
