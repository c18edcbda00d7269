"""The stand-in itself: routes, headers, limits and faults, over real HTTP."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.standin import Faults, Standin, StandinConfig, generated_doi, run_standin

CORRECTED = "10.1371/journal.pone.0033693"


def test_routes_and_crossref_headers() -> None:
    app = Standin(StandinConfig(generated=3, prefix="/api"))
    with run_standin(app) as base, httpx.Client(base_url=base) as http:
        assert base.endswith("/api")
        work = http.get(f"/works/{CORRECTED}", params={"mailto": "a@b.org"})
        missing = http.get("/works/10.1371/notarealdoi")
        agency = http.get(f"/works/{CORRECTED}/agency")
        listing = http.get(
            "/works",
            params={"filter": f"doi:{CORRECTED},doi:{generated_doi(2)},doi:10.1/x", "rows": "1"},
        )
    assert work.json()["message"]["DOI"] == CORRECTED
    assert work.headers["x-api-pool"] == "polite" and work.headers["x-rate-limit-limit"] == "10"
    assert (missing.status_code, missing.text) == (404, "Resource not found.")
    assert missing.headers["x-api-pool"] == "public"
    assert agency.json()["message"]["agency"]["id"] == "crossref"
    message = listing.json()["message"]
    assert message["total-results"] == 2 and len(message["items"]) == 1
    assert listing.headers["x-rate-limit-limit"] == "3"
    assert listing.headers["x-concurrency-limit"] == "3"
    assert dict(app.counts) == {"single": 2, "agency": 1, "list": 1}


def test_rate_limit_per_kind_answers_429() -> None:
    app = Standin(StandinConfig(single_rate=2, list_rate=1))
    with run_standin(app) as base, httpx.Client(base_url=base) as http:
        singles = [http.get(f"/works/{CORRECTED}").status_code for _ in range(4)]
        lists = [
            http.get("/works", params={"filter": f"doi:{CORRECTED}"}).status_code for _ in range(2)
        ]
    assert singles[:2] == [200, 200] and 429 in singles[2:]
    assert lists == [200, 429]  # the list budget is its own
    refused = [r.refused for r in app.log if r.status == 429]
    assert refused and all(r is not None and r.limit == "rate" and r.tokens < 1
                           and r.in_flight == 0 for r in refused)
    assert [r.at for r in app.log] == sorted(r.at for r in app.log)


def test_concurrency_limit_answers_429() -> None:
    app = Standin(StandinConfig(concurrency=1, single_rate=100, latency=0.3))
    with run_standin(app) as base, ThreadPoolExecutor(3) as pool:
        statuses = list(
            pool.map(lambda _: httpx.get(f"{base}/works/{CORRECTED}").status_code, range(3))
        )
    assert sorted(statuses) == [200, 429, 429]
    refused = [(r.refused.limit, r.refused.in_flight) for r in app.log if r.refused]
    assert refused == [("concurrency", 1)] * statuses.count(429)


def test_scripted_faults() -> None:
    faults = Faults(first=("500", "429", "garbage", "drop", "ok"))
    app = Standin(StandinConfig(faults=faults, enforce_limits=False))
    with run_standin(app) as base, httpx.Client(base_url=base) as http:
        first = [http.get(f"/works/{CORRECTED}") for _ in range(3)]
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(f"/works/{CORRECTED}")
        last = http.get(f"/works/{CORRECTED}")
    assert [r.status_code for r in first] == [500, 429, 200]
    assert "429 Too Many Requests" in first[1].text
    assert app.log[1].refused is None  # an injected 429, not one of the limits
    with pytest.raises(json.JSONDecodeError):
        json.loads(first[2].text)
    assert last.json()["message"]["DOI"] == CORRECTED


def test_generated_works_are_marked() -> None:
    app = Standin(StandinConfig(generated=2))
    doi = generated_doi(2)
    with run_standin(app) as base:
        message = httpx.get(f"{base}/works/{doi}").json()["message"]
    assert doi.startswith("10.5555/")
    assert message["generated-by"] == "tests/standin" and "not a real work" in message["title"][0]


def test_update_notices_with_filters_and_cursor_paging() -> None:
    from datetime import UTC, datetime

    from tests.standin import generated_notice, recorded_notices

    app = Standin(StandinConfig(generated=3, enforce_limits=False))
    today = datetime.now(UTC)
    fresh = generated_notice(1, generated_doi(1), "retraction", indexed=today)
    app.add_notice(fresh)
    recorded = recorded_notices()  # PLOS ONE, 2019 notices indexed 2021
    assert len(recorded) == 5

    def page(**filters: str) -> dict[str, object]:
        query = ",".join(f"{k}:{v}" for k, v in filters.items())
        with run_standin(app) as base, httpx.Client(base_url=base) as http:
            answer = http.get("/works", params={"filter": query, "rows": "1000", "cursor": "*"})
        message: dict[str, object] = answer.json()["message"]
        return message

    every = page(**{"is-update": "true", "from-index-date": "2000-01-01"})
    assert every["total-results"] >= 6  # also a recorded work that is a notice of itself
    since_today = page(**{"is-update": "true", "from-index-date": today.date().isoformat()})
    assert [i["DOI"] for i in since_today["items"]] == [fresh["DOI"]]  # type: ignore[index]
    retractions = page(**{"update-type": "retraction", "from-index-date": "2000-01-01"})
    assert {i["DOI"] for i in retractions["items"]} == {  # type: ignore[union-attr]
        fresh["DOI"], "10.1371/journal.pone.0210896", "10.1371/journal.pone.0211247"}
    about = page(updates="10.1371/journal.pone.0090062")
    assert [i["DOI"] for i in about["items"]] == ["10.1371/journal.pone.0210896"]  # type: ignore[index]

    # cursor paging: every notice once, in pages of 2, then an empty page
    seen: list[str] = []
    cursor = "*"
    with run_standin(app) as base, httpx.Client(base_url=base) as http:
        while True:
            answer = http.get("/works", params={"filter": "is-update:true", "rows": "2",
                                                "cursor": cursor}).json()["message"]
            seen += [i["DOI"] for i in answer["items"]]
            if not answer["items"]:
                break
            cursor = answer["next-cursor"]
    assert len(seen) == len(set(seen)) == every["total-results"]
