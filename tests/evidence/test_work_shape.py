"""One DOI reads the same from `resolve --json`, the check report and `GET /api/works/{doi}`.

The works are recorded registry responses served by the stand-in Crossref
(tests/fixtures/crossref, provenance in tests/fixtures/PROVENANCE.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence.cli import main
from evidence.serialise import WORK_KEYS, work_json
from evidence.web.schemas import WorkOut
from refs import work_from_crossref
from tests.evidence.web.site import running_site
from tests.standin import Standin, StandinConfig, run_standin

RETRACTED = "10.1177/0956797614520714"
CORRECTED = "10.1371/journal.pone.0033693"
RECORDED = Path(__file__).parents[1] / "fixtures" / "crossref" / "works"

ARTICLE = f"""\
Feeling powerful makes people more dishonest [1].
Methylphenidate exposure harms dopamine neurons in mice [2].

References
1. Gino F, Wiltermuth SS. Evil genius? How dishonesty can lead to greater creativity.
   Psychological Science. 2014. doi:{RETRACTED}
2. Sadasivan S, Pond BB, Pani AK, et al. Methylphenidate exposure induces dopamine neuron
   loss and activation of microglia in the basal ganglia of mice. PLoS ONE. 2012;7(3):e33693.
   doi:{CORRECTED}
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    main(list(args))
    return json.loads(capsys.readouterr().out)


def test_a_doi_gives_one_object_from_the_cli_the_report_and_the_api(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with run_standin(Standin(StandinConfig(enforce_limits=False))) as crossref:
        monkeypatch.setenv("EVIDENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        monkeypatch.setenv("EVIDENCE_CROSSREF_URL", crossref)
        monkeypatch.setenv("EVIDENCE_DOI_URL", f"{crossref}/doi")
        monkeypatch.setenv("EVIDENCE_MAILTO", "tests@example.org")
        monkeypatch.chdir(tmp_path)
        resolved = _cli(capsys, "resolve", "--json", RETRACTED, CORRECTED)
        (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
        report = _cli(capsys, "check", "article.txt", "--format", "json", "--fail-on", "never")
    with running_site(db_url) as site, site.client(role="reviewer") as client:
        served = [client.get(f"/api/works/{doi}").json() for doi in (RETRACTED, CORRECTED)]

    from_report = {r["doi"]: r["work"] for r in report["articles"][0]["references"]}
    for asked, api in zip(resolved, served, strict=True):
        assert asked["status"] == "resolved"
        assert {key: asked[key] for key in WORK_KEYS} == api
        assert from_report[asked["doi"]] == api
    # What the recorded responses say, read by hand: the first is retracted (by its
    # publisher and in Retraction Watch), the second corrected; authors are objects.
    assert served[0]["retracted"] is True and served[0]["authors"][0]["family"] == "Gino"
    assert served[1]["corrected"] is True and served[1]["updates"][0]["kind"] == "correction"


def test_the_api_model_is_the_serialisers_shape() -> None:
    assert tuple(WorkOut.model_fields) == WORK_KEYS
    for path in sorted(RECORDED.glob("*.json")):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        written = work_json(work_from_crossref(message))
        assert WorkOut.model_validate(written).model_dump() == written, path.name
