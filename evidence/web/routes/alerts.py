"""Alerts: articles citing a work the registry retracted or corrected after their check.

``evidence recheck`` (or a job running it) makes them; editors work through them here:
``GET /api/alerts`` and the ``/alerts`` page list them, and acknowledging one
(``POST /api/alerts/{id}/acknowledge``, or the page's form) is an event of the audit trail.
Reading takes the reviewer role, acknowledging the editor role, as for the articles.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from evidence.store.models import utcnow
from evidence.store.source_events import (
    AlertRow,
    acknowledge_alert,
    count_alerts,
    list_alerts,
)
from evidence.web.auth import Principal, require
from evidence.web.errors import ApiError
from evidence.web.render import page
from evidence.web.routes.pages import Form, Who, needs
from evidence.web.schemas import AUTH_ERRORS, MAX_ID, AlertOut, ErrorOut, IdPath
from evidence.web.service import Service, service

__all__ = ["page_router", "router"]

ERRORS = AUTH_ERRORS
router = APIRouter(prefix="/api/alerts", tags=["alerts"], responses=ERRORS)
page_router = APIRouter(include_in_schema=False)
Svc = Annotated[Service, Depends(service)]
Shown = Literal["open", "acknowledged", "all"]
_ACKNOWLEDGED: dict[str, bool | None] = {"open": False, "acknowledged": True, "all": None}


@router.get("", response_model=list[AlertOut],
            summary="Alerts, newest first (by default those not acknowledged yet); the total "
                    "in X-Total-Count")
def alerts(
    svc: Svc, _: Annotated[Principal, Depends(require("reviewer"))], response: Response,
    show: Annotated[Shown, Query(description="open (not acknowledged), acknowledged, or all")]
    = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[dict[str, Any]]:
    with svc.sessions() as session:
        rows = list_alerts(session, limit=limit, offset=offset, acknowledged=_ACKNOWLEDGED[show])
        response.headers["X-Total-Count"] = str(
            count_alerts(session, acknowledged=_ACKNOWLEDGED[show]))
    return [alert_json(row) for row in rows]


@router.post("/{alert_id}/acknowledge", response_model=AlertOut,
             responses={404: {"model": ErrorOut, "description": "no such alert"}},
             summary="Acknowledge an alert (an event of the audit trail); again changes nothing")
def acknowledge(
    alert_id: IdPath, svc: Svc, who: Annotated[Principal, Depends(require("editor"))]
) -> dict[str, Any]:
    return alert_json(_acknowledge(svc, alert_id, who.name))


def alert_json(row: AlertRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "article": {"id": row.article_id, "name": row.article_name,
                    "version": row.article_number, "url": f"/articles/{row.article_id}"},
        "doi": row.doi, "title": row.title, "kind": row.kind, "notice_doi": row.notice_doi,
        "notice_date": row.notice_date, "detail": row.detail, "seen_at": row.seen_at,
        "acknowledged_by": row.acknowledged_by, "acknowledged_at": row.acknowledged_at,
    }


def _acknowledge(svc: Service, alert_id: int, actor: str) -> AlertRow:
    with svc.sessions.begin() as session:
        if acknowledge_alert(session, alert_id, actor=actor, at=utcnow()) is None:
            raise ApiError(404, f"no alert {alert_id}")
        rows = list_alerts(session, limit=1, offset=0, acknowledged=None, alert_id=alert_id)
    return rows[0]


# --- the page ----------------------------------------------------------------------------


@page_router.get("/alerts")
def alerts_page(
    request: Request, who: Who, svc: Svc,
    show: Annotated[Shown, Query()] = "open",
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    limit = 100
    with svc.sessions() as session:
        rows = list_alerts(session, limit=limit, offset=offset, acknowledged=_ACKNOWLEDGED[show])
        total = count_alerts(session, acknowledged=_ACKNOWLEDGED[show])
    return page(request, "alerts.html", alerts=rows, total=total, show=show, offset=offset,
                limit=limit, can_edit=who.can("editor"),
                notice="alert acknowledged" if request.query_params.get("notice") == "ack"
                else None)


@page_router.post("/alerts/{alert_id}/acknowledge")
def acknowledge_page(alert_id: IdPath, _: Form, who: Who, svc: Svc) -> Response:
    needs(who, "editor")
    _acknowledge(svc, alert_id, who.name)
    return RedirectResponse("/alerts?notice=ack", status_code=303)
