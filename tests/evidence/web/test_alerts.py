"""Sources retracted after the check: the article (API and page), the alerts, acknowledging.

The work that is retracted is a generated one (10.5555, marked generated), and so is its
notice; the registry changes between the check and the recheck.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from evidence.recheck import recheck
from evidence.store.models import Event
from tests.evidence.web.helpers import signed_in
from tests.evidence.web.site import Site, running_site
from tests.standin import StandinConfig, generated_doi, generated_notice, updated_message

CITED = generated_doi(1)
ARTICLE = f"""# Stand-in findings

Generated works improved outcomes in 40% of cases [1].

## References

1. Author 1 G. Generated stand-in work 1 (load data, not a real work). Generated Journal of
   Stand-in Load. 2001. doi:{CITED}
"""


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    with running_site(db_url, standin_config=StandinConfig(enforce_limits=False,
                                                           generated=3)) as running:
        yield running


def checked_then_retracted(site: Site) -> tuple[int, str]:
    """An article checked, then its source retracted in the registry and a recheck run."""
    with site.client() as client:
        created = client.post("/api/articles", json={"name": "findings.md", "text": ARTICLE,
                                                     "format": "markdown"})
    assert created.status_code == 201, created.text
    notice = generated_notice(1, CITED, "retraction", indexed=datetime.now(UTC))
    site.standin.add_notice(notice)
    site.standin.works[CITED] = updated_message(site.standin.works[CITED], notice)
    result = asyncio.run(recheck(site.service.sessions, site.service.settings))
    assert [c.change.doi for c in result.alerting] == [CITED]
    return int(created.json()["id"]), str(notice["DOI"])


def test_the_article_shows_a_source_retracted_after_its_check(site: Site) -> None:
    article_id, notice = checked_then_retracted(site)
    with site.client("reviewer") as client:
        article = client.get(f"/api/articles/{article_id}").json()
    (change,) = article["source_changes"]
    assert (change["doi"], change["kind"], change["notice_doi"]) == (CITED, "retraction", notice)
    assert change["references"] == [article["references"][0]["id"]]
    assert change["seen_at"] > article["created_at"]
    assert article["references"][0]["retracted"] is True
    assert any(f["rule"] == "retracted-source" for f in article["findings"])
    with signed_in(site, "reviewer") as browser:
        page = browser.get(f"/articles/{article_id}").text
    section = page.split('class="source-changes"', 1)[1].split("</section>", 1)[0]
    assert "Changed since this check" in page and f"doi:{notice}" in section
    assert 'data-kind="retraction"' in section and "seen " in section


def test_alerts_are_listed_and_acknowledged_in_the_audit_trail(site: Site) -> None:
    article_id, notice = checked_then_retracted(site)
    with site.client("reviewer") as reviewer:
        listed = reviewer.get("/api/alerts")
        assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "1"
        (alert,) = listed.json()
        assert alert["article"] == {"id": article_id, "name": "findings.md", "version": 1,
                                    "url": f"/articles/{article_id}"}
        assert (alert["doi"], alert["kind"], alert["notice_doi"]) == (CITED, "retraction",
                                                                      notice)
        assert alert["acknowledged_by"] is None
        refused = reviewer.post(f"/api/alerts/{alert['id']}/acknowledge")
        assert refused.status_code == 403
    with site.client("editor") as editor:
        done = editor.post(f"/api/alerts/{alert['id']}/acknowledge")
        assert done.status_code == 200, done.text
        assert done.json()["acknowledged_by"] == "editor-1"
        assert editor.post("/api/alerts/999999/acknowledge").status_code == 404
        assert editor.get("/api/alerts").json() == []
        shown = editor.get("/api/alerts", params={"show": "acknowledged"})
        assert [a["id"] for a in shown.json()] == [alert["id"]]
        assert shown.headers["X-Total-Count"] == "1"
    with site.service.sessions() as session:
        (event,) = session.scalars(select(Event).where(Event.object_type == "source_alert"))
    assert (event.actor, event.action, event.object_id) == ("editor-1", "acknowledge",
                                                            alert["id"])


def test_the_alerts_page_lists_and_acknowledges_by_form(site: Site) -> None:
    article_id, notice = checked_then_retracted(site)
    with signed_in(site) as browser:
        page = browser.get("/alerts").text
        alert_id = _alert_ids(page)[0]
        assert f'href="/articles/{article_id}"' in page and f"doi:{notice}" in page
        done = browser.post(f"/alerts/{alert_id}/acknowledge", data={})
        assert done.status_code == 303 and done.headers["location"] == "/alerts?notice=ack"
        after = browser.get(done.headers["location"]).text
        assert "alert acknowledged" in after and _alert_ids(after) == []
        everything = browser.get("/alerts?show=all").text
        assert "acknowledged by editor-1" in everything
    with signed_in(site, "reviewer") as reviewer:
        page = reviewer.get("/alerts?show=all").text
        assert "<button" not in page.split("<table", 1)[1]  # no form for a reviewer
        assert reviewer.post(f"/alerts/{alert_id}/acknowledge", data={}).status_code == 403


def _alert_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-alert="(\d+)"', page)]


def test_no_alert_without_a_change(site: Site) -> None:
    with site.client() as client:
        assert client.get("/api/alerts").json() == []
    with signed_in(site) as browser:
        assert "No alerts to acknowledge" in browser.get("/alerts").text


@pytest.mark.parametrize("show", ["bogus", ""])
def test_an_unknown_filter_is_refused(site: Site, show: Any) -> None:
    with site.client() as client:
        assert client.get("/api/alerts", params={"show": show}).status_code == 422
