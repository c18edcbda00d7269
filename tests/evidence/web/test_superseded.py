"""Writes on a version that a newer one has replaced: refused (409) with the newest named,
never accepted and left behind, even while the newer version is being stored."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from tests.evidence.web.articles import CITED, EDITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import claim, link_of, signed_in, submit
from tests.evidence.web.site import Site


def _two_versions(site: Site) -> tuple[dict[str, Any], dict[str, Any]]:
    with site.client() as client:
        first = submit(client)
        second = submit(client, text=EDITED)
    assert second["previous_id"] == first["id"]
    return first, second


def test_every_write_on_an_old_version_is_refused_naming_the_newest(site: Site) -> None:
    first, second = _two_versions(site)
    link = link_of(first, RELATED)
    target = claim(first, UNSUPPORTED)
    with site.client() as client:
        answers = [
            client.post(f"/api/claims/{target['id']}/comments", json={"text": "Too late?"}),
            client.put(f"/api/links/{link['link']}/verdict",
                       json={"verdict": "confirmed", "version": link["version"]}),
            client.put(f"/api/claims/{target['id']}/no-source",
                       json={"reason": "common knowledge", "version": target["version"]}),
            client.post(f"/api/claims/{target['id']}/links",
                        json={"reference_id": link["reference"], "version": target["version"]}),
        ]
        old_after = client.get(f"/api/articles/{first['id']}").json()
        new_after = client.get(f"/api/articles/{second['id']}").json()
    assert [a.status_code for a in answers] == [409] * 4, [a.text for a in answers]
    for answer in answers:
        assert answer.json()["current"]["id"] == second["id"]
        assert answer.json()["current"]["number"] == 2
        assert "version 2" in answer.json()["error"]
    # Nothing was written anywhere (the old version now lists the newer one, nothing else).
    assert old_after["claims"] == first["claims"] and new_after == second


def test_an_old_version_page_offers_no_forms_and_refuses_a_post(site: Site) -> None:
    first, second = _two_versions(site)
    target = claim(first, CITED)
    with signed_in(site) as browser:
        old = browser.get(f"/articles/{first['id']}").text
        new = browser.get(f"/articles/{second['id']}").text
        posted = browser.post(f"/articles/{first['id']}/claims/{target['id']}/comments",
                              data={"text": "On the old one"})
    assert f'action="/articles/{first["id"]}/' not in old
    assert f'action="/articles/{second["id"]}/claims/' in new
    assert "Add comment" in new and "Add comment" not in old
    assert posted.status_code == 409 and "version 2" in posted.text


def test_no_write_racing_a_new_version_is_lost(site: Site) -> None:
    """Comments sent to version 1 while version 2 is stored: each is either refused (409,
    naming version 2) or carried to version 2. None is accepted and left on version 1."""
    with site.client() as client:
        first = submit(client)
    target = claim(first, CITED)["id"]  # unchanged in EDITED, so its comments carry over
    stop = threading.Event()
    accepted: list[str] = []
    refused: list[httpx.Response] = []
    other: list[httpx.Response] = []

    def write(worker: int) -> None:
        with site.client() as client:
            n = 0
            while not stop.is_set():
                text = f"comment {worker}-{n}"
                n += 1
                answer = client.post(f"/api/claims/{target}/comments", json={"text": text})
                if answer.status_code == 201:
                    accepted.append(text)
                elif answer.status_code == 409:
                    refused.append(answer)
                    if len(refused) >= 6:
                        return
                else:
                    other.append(answer)

    writers = [threading.Thread(target=write, args=(i,)) for i in range(3)]
    for thread in writers:
        thread.start()
    try:
        # Writes are landing before version 2 starts (else the race would not be run).
        deadline = time.monotonic() + 30
        while not accepted and time.monotonic() < deadline:
            time.sleep(0.01)
        with site.client() as client:
            second = client.post("/api/articles", json={"name": "creativity.md",
                                                        "text": EDITED, "format": "markdown"})
    finally:
        for thread in writers:
            thread.join(timeout=60)
        stop.set()
        for thread in writers:
            thread.join()
    assert second.status_code == 201, second.text
    new_id = second.json()["id"]
    with site.client() as client:
        carried = client.get(f"/api/articles/{new_id}").json()
    on_new = {c["text"] for c in claim(carried, CITED)["comments"]}
    assert other == []
    assert accepted and refused
    assert set(accepted) <= on_new
    assert all(r.json()["current"]["id"] == new_id for r in refused)
