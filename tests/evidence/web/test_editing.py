"""Editors' work through the API: verdicts, links, marks, comments, the audit trail,
optimistic concurrency, and work carried over to a new version."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.evidence.web.articles import CITED, EDITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import claim, link_of, submit
from tests.evidence.web.site import Site


def _verdict(client: httpx.Client, link: dict[str, int], verdict: str) -> httpx.Response:
    return client.put(f"/api/links/{link['link']}/verdict",
                      json={"verdict": verdict, "version": link["version"]})


def test_confirming_an_inferred_link_makes_the_claim_supported(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
        link = link_of(article, RELATED)
        answer = _verdict(client, link, "confirmed")
        after = client.get(f"/api/articles/{article['id']}").json()
    assert answer.status_code == 200
    assert answer.json()["verdict"] == "confirmed"
    assert answer.json()["version"] == link["version"] + 1
    assert answer.json()["why"] == link["why"] and link["why"]
    assert claim(after, RELATED)["status"] == "supported"


def test_rejecting_the_only_link_makes_the_claim_unsupported(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
        _verdict(client, link_of(article, CITED), "rejected")
        after = client.get(f"/api/articles/{article['id']}").json()
    assert claim(after, CITED)["status"] == "unsupported"
    unsupported = [f for f in after["findings"] if f["rule"] == "unsupported-claim"]
    assert {f["line"] for f in unsupported} == {claim(after, CITED)["line"],
                                                claim(after, UNSUPPORTED)["line"]}


def test_a_stale_version_gets_409_and_the_current_state(site: Site) -> None:
    with site.client() as first, site.client() as second:
        article = submit(first)
        link = link_of(article, RELATED)  # both editors read version 1
        won = _verdict(first, link, "confirmed")
        lost = _verdict(second, link, "rejected")
        now = first.get(f"/api/articles/{article['id']}").json()
    assert won.status_code == 200
    assert lost.status_code == 409
    assert lost.json()["current"]["verdict"] == "confirmed"
    assert lost.json()["current"]["version"] == link["version"] + 1
    assert "changed since you read it" in lost.json()["error"]
    assert link_of(now, RELATED)["verdict"] == "confirmed"  # the stale write lost nothing


def test_of_many_simultaneous_writes_on_one_version_exactly_one_wins(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    link = link_of(article, RELATED)

    def attempt(n: int) -> int:
        with site.client() as own:
            verdict = "confirmed" if n % 2 else "rejected"
            return _verdict(own, link, verdict).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert sorted(statuses) == [200] + [409] * 7
    with site.client() as client:
        trail = client.get(f"/api/claims/{claim(article, RELATED)['id']}/events").json()
        now = link_of(client.get(f"/api/articles/{article['id']}").json(), RELATED)
    assert [e["action"] for e in trail["events"]] == ["link.verdict"]  # one write, one event
    assert now["version"] == link["version"] + 1
    assert now["verdict"] == trail["events"][0]["after"]["verdict"]


def test_every_change_is_in_the_claims_trail_with_who_and_before_and_after(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
        target = claim(article, UNSUPPORTED)
        cited = link_of(article, CITED)
        added = client.post(f"/api/claims/{target['id']}/links",
                            json={"reference_id": cited["reference"], "version": target["version"]})
        rejected = _verdict(client, {"link": added.json()["id"],
                                     "version": added.json()["version"]}, "rejected")
        removed = client.delete(f"/api/links/{added.json()['id']}",
                                params={"version": rejected.json()["version"]})
        fresh = client.get(f"/api/claims/{target['id']}").json()
        marked = client.put(f"/api/claims/{target['id']}/no-source",
                            json={"reason": "the article's own estimate",
                                  "version": fresh["version"]})
        client.post(f"/api/claims/{target['id']}/comments", json={"text": "Fine by me."})
        trail = client.get(f"/api/claims/{target['id']}/events", params={"download": 1})
    assert added.status_code == 201 and added.json()["how"] == "editor"
    assert removed.status_code == 204
    assert marked.status_code == 200 and marked.json()["status"] == "no-source-needed"
    assert trail.headers["content-disposition"].startswith("attachment")
    events = trail.json()["events"]
    assert [e["action"] for e in events] == [
        "link.add", "link.verdict", "link.remove", "claim.no-source"]
    assert {e["actor"] for e in events} == {"editor-1"}
    assert events[1]["before"]["verdict"] == "confirmed"
    assert events[1]["after"]["verdict"] == "rejected"
    assert events[2]["after"] is None
    assert events[3]["after"]["no_source_reason"] == "the article's own estimate"
    assert [c["text"] for c in trail.json()["comments"]] == ["Fine by me."]


def test_a_found_link_is_rejected_not_removed(site: Site) -> None:
    with site.client() as client:
        link = link_of(submit(client), CITED)
        response = client.delete(f"/api/links/{link['link']}",
                                 params={"version": link["version"]})
    assert response.status_code == 409  # the link's kind, not the request, is at fault
    assert "reject it instead" in response.json()["error"]


def test_linking_twice_is_a_conflict(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
        cited = claim(article, CITED)
        again = client.post(f"/api/claims/{cited['id']}/links",
                            json={"reference_id": cited["sources"][0]["reference"],
                                  "version": cited["version"]})
        elsewhere = client.post(f"/api/claims/{cited['id']}/links",
                                json={"reference_id": 999_999, "version": cited["version"]})
    assert again.status_code == 409 and again.json()["current"]["how"] == "marker"
    assert elsewhere.status_code == 404


def test_a_new_version_keeps_the_editors_work_on_unchanged_claims(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
        _verdict(client, link_of(first, RELATED), "confirmed")
        _verdict(client, link_of(first, CITED), "rejected")
        changed = claim(first, UNSUPPORTED)
        client.put(f"/api/claims/{changed['id']}/no-source",
                   json={"reason": "an estimate", "version": changed["version"]})
        second = submit(client, text=EDITED)
        trail = client.get(f"/api/claims/{claim(second, RELATED)['id']}/events").json()
    assert second["id"] != first["id"]
    assert link_of(second, RELATED)["verdict"] == "confirmed"
    assert link_of(second, RELATED)["why"] == link_of(first, RELATED)["why"] is not None
    assert claim(second, RELATED)["status"] == "supported"
    assert link_of(second, CITED)["verdict"] == "rejected"
    new = claim(second, EDITED.split("\n\n")[3].strip())  # the claim whose text changed
    assert new["status"] == "unsupported" and new["no_source_reason"] is None
    assert [c["new"] for c in second["claims"] if c["needs_support"]] == [False, False, True]
    assert not any(c["new"] for c in first["claims"])
    # The trail follows the claim back into the first version.
    assert [e["action"] for e in trail["events"]] == ["link.verdict", "claim.carry-over"]


def test_comments_carry_over_to_unchanged_claims_once_per_version(site: Site) -> None:
    third_text = EDITED.replace("under ten minutes", "under a quarter of an hour")
    with site.client() as client, site.client("reviewer") as reviewer:
        first = submit(client)
        kept, changed = claim(first, RELATED), claim(first, UNSUPPORTED)
        made = reviewer.post(f"/api/claims/{kept['id']}/comments",
                             json={"text": "Mice, not people."}).json()
        client.post(f"/api/claims/{changed['id']}/comments", json={"text": "Which readers?"})
        second = submit(client, text=EDITED)
        third = submit(client, text=third_text)
        before = client.get(f"/api/articles/{first['id']}").json()
        trail = client.get(f"/api/claims/{claim(second, RELATED)['id']}/events").json()
    for version in (second, third):
        carried = claim(version, RELATED)["comments"]
        assert [(c["text"], c["actor"], c["at"]) for c in carried] == [
            ("Mice, not people.", "reviewer-1", made["at"])]
        assert carried[0]["claim"] == claim(version, RELATED)["id"]
        assert carried[0]["id"] != made["id"]
    assert claim(second, CITED)["comments"] == []
    edited = EDITED.split("\n\n")[3].strip()
    assert claim(second, edited)["comments"] == []  # its text changed: a new claim
    # The first version keeps its own comments.
    assert [c["text"] for c in claim(before, RELATED)["comments"]] == ["Mice, not people."]
    assert [c["text"] for c in claim(before, UNSUPPORTED)["comments"]] == ["Which readers?"]
    carry = [e for e in trail["events"] if e["action"] == "claim.carry-over"]
    assert carry and {"comments": [made["id"]]} in carry[0]["after"]["carried"]
    assert [c["text"] for c in trail["comments"]] == ["Mice, not people."]
