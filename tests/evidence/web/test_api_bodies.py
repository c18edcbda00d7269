"""Bodies the API answers with straight from the store's dataclasses (``ArticleSummary``,
``EventView``): the route's ``asdict`` is validated and written back unchanged, and the
schema states every field the store gives."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import UTC, datetime

from evidence.store.editing import EventView
from evidence.store.views import ArticleSummary
from evidence.web.schemas import ArticleList, Trail

AT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_an_article_summary_is_answered_as_the_store_gives_it() -> None:
    summary = ArticleSummary(id=3, name="a.md", title=None, created_at=AT, versions=2,
                             claims=10, unsupported=4, bad_references=1)
    answered = ArticleList.model_validate({"articles": [asdict(summary)]}).model_dump(mode="json")
    assert answered == {"articles": [asdict(summary) | {"created_at": "2026-12-03T12:00:00Z"}]}
    stated = ArticleList.model_json_schema()["$defs"]["ArticleSummary"]
    assert set(stated["required"]) == {f.name for f in fields(ArticleSummary)}


def test_an_event_is_answered_with_its_before_and_after_as_stored() -> None:
    event = EventView(id=7, at=AT, actor="ada", action="link.verdict", object_type="link",
                      object_id=5, before={"verdict": "unreviewed"}, after=None)
    body = {"claim": 1, "events": [asdict(event)], "comments": []}
    answered = Trail.model_validate(body).model_dump(mode="json")
    assert answered["events"] == [asdict(event) | {"at": "2026-12-03T12:00:00Z"}]
    stated = Trail.model_json_schema()["$defs"]["EventView"]
    assert set(stated["properties"]) == {f.name for f in fields(EventView)}
