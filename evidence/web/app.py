"""The editors' service: ``create_app(settings)`` builds the FastAPI app, engine and all.

Nothing happens at import time. The store is opened (and migrated) when the app is made;
the Crossref client is opened when the app starts and closed when it stops, and so are the
check workers (``evidence.web.checkpool``; they import the main module again, hence the guard).

Usage::

    if __name__ == "__main__":
        app = create_app(Settings.from_env())
        uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

import evidence
from evidence.config import Settings
from evidence.loading import freeze_loaded
from evidence.registry import registry_client
from evidence.store.engine import open_store, session_factory
from evidence.web.auth import Principal, principal
from evidence.web.checkpool import CheckPool
from evidence.web.connections import overflow
from evidence.web.errors import install_handlers
from evidence.web.middleware import BodyLimit, SecurityHeaders
from evidence.web.options import WebOptions
from evidence.web.render import STATIC
from evidence.web.routes import alerts, articles, claims, jobs, pages, tokens, uploads, works
from evidence.web.schemas import ErrorOut, Health
from evidence.web.service import Service
from evidence.web.warm import WarmReads
from refs.crossref.limits import LimiterFactory

__all__ = ["MAX_BODY", "app_from_environment", "create_app"]

MAX_BODY = 5 * 1024 * 1024
"""Largest request body accepted (413 past it): an article is text, never this large."""

COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "bad input: the body is not JSON, or says nonsense"},
    413: {"model": ErrorOut, "description": "the request body is over 5 MB"},
    422: {"model": ErrorOut, "description": "bad input: a field is missing or wrong"},
}
"""Answers any route can give; each route documents its own others."""


def app_from_environment() -> FastAPI:
    """The app of one of ``evidence serve --workers N``'s processes (uvicorn's factory)."""
    return create_app(Settings.for_server_process())


def create_app(settings: Settings, *, options: WebOptions | None = None) -> FastAPI:
    """The app, on the store at ``settings.database_url`` (opened and migrated now).

    :param options: sign-in length and proxy trust; None takes them from ``settings``.
    """
    options = options or WebOptions.from_settings(settings)
    engine = open_store(settings.database_url, pool_size=settings.pool,
                        max_overflow=overflow(settings.pool))
    svc = Service(settings=settings, engine=engine, sessions=session_factory(engine),
                  options=options, checks=CheckPool(settings.check_workers))

    if settings.jobs:
        from evidence.jobs.engine import conninfo

        conninfo(settings)  # refuse a job engine on SQLite now, not at the first request

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            limiters = await _shared_budget(settings, stack) if settings.jobs else None
            if not settings.offline:
                svc.client = registry_client(settings, limiters=limiters)
            if settings.jobs:
                from evidence.jobs.engine import job_app

                svc.jobs = await stack.enter_async_context(
                    job_app(settings, min_size=1, max_size=4).open_async())
            _freeze_startup_objects()
            try:
                yield
            finally:
                if svc.client is not None:
                    await svc.client.aclose()
                    svc.client = None
                await anyio.to_thread.run_sync(svc.checks.shutdown)
                engine.dispose()

    app = FastAPI(
        title="evidence", version=evidence.__version__, lifespan=lifespan,
        description="Verify the claims of articles against their sources. Every route but "
                    "/health needs `Authorization: Bearer TOKEN` (`evidence token create`).",
        docs_url=None, redoc_url=None, openapi_url=None, responses=COMMON_ERRORS,
    )
    app.state.service = svc
    app.add_middleware(WarmReads, svc=svc)  # innermost: its answers get the headers below
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY)
    app.add_middleware(SecurityHeaders)
    install_handlers(app)
    app.add_exception_handler(pages.SignInRequired, pages.sign_in_redirect)
    app.add_api_route("/health", _health(svc), methods=["GET"], response_model=Health,
                      responses={503: {"model": ErrorOut}}, tags=["service"],
                      summary="Is the service up and its store reachable (no token)")
    app.add_api_route("/openapi.json", _schema(app), methods=["GET"], include_in_schema=False)
    app.include_router(uploads.page_router)
    app.include_router(alerts.page_router)
    app.include_router(jobs.page_router)
    for module in (uploads, articles, claims, works, tokens, alerts, jobs, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def _shared_budget(settings: Settings, stack: AsyncExitStack) -> LimiterFactory:
    """With workers, this process asks the registry within the budget they share."""
    from evidence.jobs.budget import SharedBudget, contact_of
    from evidence.jobs.engine import conninfo

    budget = await SharedBudget.open(conninfo(settings),
                                     contact_of(settings.mailto, settings.crossref_url))
    stack.push_async_callback(budget.aclose)
    return budget.limiter


def _freeze_startup_objects() -> None:
    """Leave what start-up made (modules, the app, its routes) out of garbage collections.

    A full collection stops every thread, the event loop's included, for as long as it walks
    every tracked object: 0.04 to 0.12 s for the 134,000 a started service holds (more under
    load), near nothing once they are frozen. They live as long as the process anyway.
    """
    freeze_loaded(collect=True)


def _health(svc: Service) -> Any:
    def health() -> Any:
        try:
            with svc.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            body = {"error": "the store cannot be reached", "status": 503}
            return JSONResponse(body, status_code=503)
        return {"status": "ok", "database": svc.engine.dialect.name}

    return health


def _schema(app: FastAPI) -> Any:
    def openapi(_: Annotated[Principal, Depends(principal)]) -> Any:
        return _without_null_parts(app.openapi())

    return openapi


def _without_null_parts(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, with multipart fields stated as what may be sent: a part left out, not a
    part holding ``null``. A multipart part is a file or text; the framework's ``anyOf``
    with ``null`` (for an optional field) would invite the text "null" as a value."""
    components = schema.get("components", {}).get("schemas", {})
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("multipart/form-data", {}).get("schema", {}).get("$ref", "")
            body = components.get(ref.rsplit("/", 1)[-1], {})
            for name, field in body.get("properties", {}).items():
                kept = [part for part in field.get("anyOf", ()) if part.get("type") != "null"]
                if "anyOf" in field and len(kept) == 1:
                    body["properties"][name] = {**{k: v for k, v in field.items()
                                                   if k != "anyOf"}, **kept[0]}
    return schema
