"""DOIs resolved through the stand-in Crossref on 127.0.0.1: a real server, real HTTP."""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from typing import Any

import pytest

from refs.crossref import CrossrefClient, CrossrefSettings, Outcome
from tests.standin import (
    Faults,
    Standin,
    StandinConfig,
    free_port_url,
    generated_doi,
    recorded_messages,
    run_standin,
)

RECORDED = list(recorded_messages())
GENERATED = [generated_doi(i) for i in range(1, 87)]
TWO_HUNDRED = RECORDED + GENERATED
MAILTO = "integration@example.org"


def resolve(app: Standin, dois: list[str], **settings: Any) -> tuple[list[Outcome], CrossrefClient]:
    with run_standin(app) as base_url:
        config = CrossrefSettings(
            base_url=base_url, doi_url=f"{base_url}/doi", mailto=MAILTO, timeout=5.0, **settings
        )
        client = CrossrefClient(config)

        async def run() -> list[Outcome]:
            async with client:
                return await client.works(dois)

        return asyncio.run(run()), client



def test_two_hundred_dois_resolve_with_no_duplicate_request() -> None:
    app = Standin(StandinConfig(generated=86))
    outcomes, client = resolve(app, TWO_HUNDRED)
    assert [o.doi for o in outcomes] == TWO_HUNDRED
    assert Counter(o.status for o in outcomes) == {"found": 200}
    generated = [o.work for o in outcomes if o.doi.startswith("10.5555/")]
    assert all(w is not None and "not a real work" in w.title for w in generated)
    asked = app.asked_dois()
    assert sorted(asked) == sorted(TWO_HUNDRED)  # each DOI asked exactly once
    assert app.counts["list"] == client.stats.list_requests <= math.ceil(200 / 50) + 1
    assert app.counts["single"] == client.stats.single_requests == 0
    assert all(record.status == 200 for record in app.log)


def test_only_the_dois_a_list_leaves_out_are_asked_alone() -> None:
    foreign = generated_doi(1, agency="datacite")
    app = Standin(StandinConfig(generated=86, foreign={foreign: "datacite"}))
    missing = "10.1371/notarealdoi"
    outcomes, client = resolve(app, [*TWO_HUNDRED, missing, foreign])
    by_doi = {o.doi: o for o in outcomes}
    assert by_doi[missing].status == "not-found"
    found = by_doi[foreign]
    assert found.status == "found" and found.work is not None and found.work.type == "dataset"
    encoded = foreign.replace("/", "%2F")  # a DOI is one path segment
    assert found.source and found.source.endswith(f"/doi/{encoded}")
    assert sum(o.status == "found" for o in outcomes) == 201
    singles = [r.path for r in app.log if r.kind == "single"]
    assert sorted(singles) == sorted([f"/works/{missing}", f"/works/{foreign}"])
    assert app.counts["agency"] == 2 and app.counts["resolver"] == 1
    assert client.stats.content_negotiation_requests == 1


def test_injected_faults_still_end_with_every_doi_found() -> None:
    faults = Faults(first=("500", "429", "drop", "garbage", "500"), error_500=0.05, seed=7)
    app = Standin(StandinConfig(generated=86, faults=faults))
    outcomes, client = resolve(app, TWO_HUNDRED)
    assert Counter(o.status for o in outcomes) == {"found": 200}
    statuses = Counter(record.status for record in app.log)
    assert statuses[500] >= 2 and statuses[429] >= 1
    assert client.stats.retries >= 5 and client.stats.rate_limited >= 1


@pytest.mark.parametrize("down", ["always-503", "nothing-listening"])
def test_a_registry_that_is_down_verifies_nothing_and_denies_nothing(down: str) -> None:
    dois = TWO_HUNDRED[:40] + ["10.1371/notarealdoi"]  # one list request
    if down == "always-503":
        app = Standin(StandinConfig(faults=Faults(status=503)))
        outcomes, client = resolve(app, dois, max_retries=2, retry_budget=2.0)
        assert app.counts["list"] == client.stats.list_requests
    else:
        config = CrossrefSettings(base_url=free_port_url(), max_retries=1, retry_budget=1.0)

        async def run() -> list[Outcome]:
            async with CrossrefClient(config) as dead:
                return await dead.works(dois)

        outcomes = asyncio.run(run())
    assert {o.status for o in outcomes} == {"unverified"}
    assert all(o.reason for o in outcomes)
