"""A check's CPU-bound steps run in worker processes (issue 16): what crosses the boundary.

A real uvicorn server, on each test database. A worker killed in the middle of a check gives
a clear 500 and stores nothing, and the next check gets a new worker; the worker's own errors
reach the client as the same answers as before (a bad bibliography 400, a superseded version
409).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import httpx
from sqlalchemy import func, select

from evidence.store.models import Article, Claim, Reference
from tests.evidence.web.site import Site
from tests.evidence.web.test_responsive import long_paragraph


def stored_rows(site: Site) -> tuple[int, int, int]:
    with site.service.sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(table)) or 0
                     for table in (Article, Claim, Reference))  # type: ignore[return-value]


def test_a_worker_killed_mid_check_gives_a_clear_500_and_stores_nothing(site: Site) -> None:
    answer: list[httpx.Response] = []

    def submit() -> None:
        headers = {"Authorization": f"Bearer {site.tokens['editor']}"}
        with httpx.Client(base_url=site.url, headers=headers, timeout=300.0) as client:
            answer.append(client.post("/api/articles",
                                      json={"name": "meadows.txt", "text": long_paragraph(15_000)}))

    submitting = threading.Thread(target=submit)
    submitting.start()
    deadline = time.monotonic() + 60
    workers: list[multiprocessing.process.BaseProcess] = []
    while not workers and time.monotonic() < deadline:
        workers = multiprocessing.active_children()
        time.sleep(0.05)
    assert workers, "no worker process was started for the check"
    time.sleep(1.0)  # started, and into the check (reading 15,000 sentences takes longer)
    assert submitting.is_alive(), "the check ended before its worker could be killed"
    for worker in workers:
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
    submitting.join(timeout=120)

    response = answer[0]
    assert response.status_code == 500, response.text
    body = response.json()
    assert "stopped before it ended" in body["error"]
    assert "nothing of it was stored" in body["error"]
    assert "meadows.txt" in body["error"]
    assert stored_rows(site) == (0, 0, 0)
    with site.client() as client:
        assert client.get("/api/articles").json()["articles"] == []
        # The next check gets a new worker.
        again = client.post("/api/articles", json={"name": "short.txt",
                                                   "text": "Walking helps. See [1].\n\n"
                                                           "References\n\n[1] A. (2001). B.\n"})
    assert again.status_code == 201, again.text
    assert stored_rows(site)[0] == 1


def test_a_workers_input_error_is_the_same_400(site: Site) -> None:
    with site.client() as client:
        sent = client.post("/api/articles", json={"name": "x", "text": "Walking helps.",
                                                  "bibliography": "[{not json"})
    assert sent.status_code == 400
    assert "x.json" in sent.json()["error"]
    assert stored_rows(site) == (0, 0, 0)


def test_a_version_superseded_while_it_was_checked_is_the_same_409(site: Site) -> None:
    """``replaces`` is asked again when the worker stores: a version stored meanwhile wins,
    and the worker's refusal (with the newest version) reaches the client as a 409."""
    import evidence.web.submit as submit_module

    with site.client() as client:
        first = client.post("/api/articles", json={"name": "a.txt", "text": "One."}).json()
        real = submit_module.check_replaces
        submit_module.check_replaces = lambda *args: None  # type: ignore[assignment]
        try:
            client.post("/api/articles", json={"name": "a.txt", "text": "Two.",
                                               "replaces": first["id"]})
            stale = client.post("/api/articles", json={"name": "a.txt", "text": "Three.",
                                                       "replaces": first["id"]})
        finally:
            submit_module.check_replaces = real  # type: ignore[assignment]
    assert stale.status_code == 409, stale.text
    assert stale.json()["current"]["number"] == 2
