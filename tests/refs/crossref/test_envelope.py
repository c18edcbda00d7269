"""Envelope checks: only a well-formed Crossref answer becomes a Work."""

from __future__ import annotations

import json
from typing import Any

import pytest

from refs.crossref import _envelope
from refs.errors import RegistryUnavailable
from tests.refs.crossref.recorded import CORRECTED, CROSSREF, work_message

URL = "https://crossref.test/works/x"


def test_recorded_work_passes() -> None:
    body = json.loads((CROSSREF / "works" / "10.1371__journal.pone.0033693.json").read_bytes())
    work = _envelope.read_work(body, url=URL)
    assert work.doi == CORRECTED and work.raw == body["message"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"status":"ok","message-type":"work","mess', "not JSON"),
        (b"<html><body><h1>429 Too Many Requests</h1></body></html>", "an HTML page"),
        (b"\xff\xfe\x00garbage", "not JSON"),
    ],
    ids=["truncated", "html", "binary"],
)
def test_non_json_is_unavailable(content: bytes, says: str) -> None:
    with pytest.raises(RegistryUnavailable, match=says):
        _envelope.parse_body(content, url=URL, status=200)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"status": "failed", "message-type": "work", "message": {}},
        {"status": "ok", "message-type": "work-list", "message": {"items": []}},
        {"status": "ok", "message-type": "work", "message": "Resource not found."},
        {"status": "ok", "message-type": "work", "message": {"DOI": CORRECTED, "author": 3}},
    ],
    ids=["list", "failed", "wrong-type", "string-message", "malformed-record"],
)
def test_wrong_envelope_is_unavailable(body: Any) -> None:
    with pytest.raises(RegistryUnavailable):
        _envelope.read_work(body, url=URL)


def test_list_items_that_cannot_be_read_are_left_out() -> None:
    good = work_message(CORRECTED)
    body = {
        "status": "ok",
        "message-type": "work-list",
        "message": {"items": [good, {"DOI": "10.1234/bad", "title": ["x"], "author": 5}]},
    }
    assert [w.doi for w in _envelope.read_works(body, url=URL)] == [CORRECTED]
    with pytest.raises(RegistryUnavailable, match="no list of items"):
        _envelope.read_works({**body, "message": {"items": None}}, url=URL)


def test_agency_answer() -> None:
    body = {
        "status": "ok",
        "message-type": "work-agency",
        "message": {"DOI": "10.5061/dryad.8515", "agency": {"id": "DataCite"}},
    }
    assert _envelope.agency_of(body, url=URL) == "datacite"
    with pytest.raises(RegistryUnavailable, match="no agency"):
        _envelope.agency_of({**body, "message": {"DOI": "x"}}, url=URL)


def test_csl_answer_needs_a_title_or_doi() -> None:
    work = _envelope.read_csl([{"DOI": "10.5555/standin.datacite.000001", "title": "t"}], url=URL)
    assert work.doi == "10.5555/standin.datacite.000001"
    with pytest.raises(RegistryUnavailable):
        _envelope.read_csl({"type": "dataset"}, url=URL)
