"""Errors as JSON with a clear message and the right status, mapped in one place.

Every error body is ``{"error": MESSAGE, "status": CODE}``, with ``details`` for bad input
(422) and ``current`` (the row as it now is) for a stale write (409). Pages get the same
message as an HTML page instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic_core import ErrorDetails
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from evidence.errors import InputError, StoreError
from evidence.store.editing import AlreadyLinked, NotHandMade, RecordNotFound, StaleVersion
from evidence.store.newest import SupersededVersion
from evidence.store.tokens import LastAdmin, NameTaken, TokenNotFound
from refs import DOINotFound, InvalidDOI, RegistryUnavailable

if TYPE_CHECKING:
    from evidence.web.auth import Principal

__all__ = ["STORE_UNREACHABLE", "ApiError", "bad_input", "install_handlers", "is_page",
           "store_unavailable"]

RETRY_STORE_AFTER = 5
"""Seconds a client is told to wait (``Retry-After``) when the store is unreachable or busy."""
STORE_UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)
"""The store's errors that say it cannot answer now (503), not that a request is wrong."""


class ApiError(Exception):
    """An answer other than success: status, message, and extra fields for the body."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra
        self.headers: dict[str, str] = {}


def install_handlers(app: FastAPI) -> None:
    """Map the library's errors and the framework's to one error shape."""
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    for error, status in _MAPPED.items():
        app.add_exception_handler(error, _mapped(status))
    for store_error in STORE_UNREACHABLE:
        app.add_exception_handler(store_error, store_unavailable)


def is_page(request: Request) -> bool:
    """Whether the request is for a page (HTML), not the API."""
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/health", "/openapi.json"))


def render_error(request: Request, error: ApiError) -> Response:
    if is_page(request):
        from evidence.web.render import error_page

        return error_page(request, error.status, error.message, error.headers)
    body = {"error": error.message, "status": error.status, **error.extra}
    return JSONResponse(jsonable_encoder(body), status_code=error.status, headers=error.headers)


async def _api_error(request: Request, exc: ApiError) -> Response:
    return render_error(request, exc)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) else "request refused"
    if is_page(request) and not hasattr(request.state, "who"):
        # No route ran (a page that does not exist), so nobody looked at the sign-in: the
        # page would show a signed-in person no navigation, as if they were signed out.
        request.state.who = await run_in_threadpool(_signed_in_or_none, request)
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such page or route: {request.url.path}"
    elif message == "There was an error parsing the body":
        message = _unreadable_body(exc.__cause__)
    elif exc.status_code == 405:
        allowed = ", ".join(_allowed_methods(request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allowed})
        headers["Allow"] = allowed
        message = f"method {request.method} is not allowed on {request.url.path}: {allowed}"
    error = ApiError(exc.status_code, message)
    error.headers = headers
    return render_error(request, error)


def _signed_in_or_none(request: Request) -> Principal | None:
    """Who is signed in on this request, for the page's navigation; None when nobody is, or
    when the store cannot say (the error page is still shown)."""
    from evidence.web.auth import caller

    try:
        who, _ = caller(request, request.app.state.service)
    except STORE_UNREACHABLE:
        return None
    return who


def _unreadable_body(cause: BaseException | None) -> str:
    """Why the framework could not read a JSON body, in words a client can act on."""
    if isinstance(cause, RecursionError):
        return "the JSON is nested too deeply to read: flatten it"
    if isinstance(cause, UnicodeDecodeError):
        return "the request body cannot be read: send JSON in UTF-8"
    return "the request body cannot be read: send a JSON object in UTF-8"


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (the framework's ``Allow`` names only
    the first route's), with HEAD beside GET, and OPTIONS.

    A path the API documents as written (``/api/works/match``) has that entry's methods,
    though a route with a parameter (``/api/works/{doi}``) would also take it. Any other
    path: asked of the routes (routers included in routers), one method at a time.
    """
    documented = request.app.openapi().get("paths", {}).get(request.url.path)
    if documented is not None:
        methods = {method.upper() for method in documented} | {"OPTIONS"}
    else:
        methods = {"OPTIONS"}
        for method in _METHODS:
            scope = {**request.scope, "method": method}
            if any(route.matches(scope)[0] is Match.FULL for route in request.app.routes):
                methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return render_error(request, bad_input(exc.errors()))


def bad_input(errors: Sequence[ErrorDetails | dict[str, Any]]) -> ApiError:
    """The 422 for a request the models refuse, naming the first field at fault.

    One wording for the API's bodies and the pages' forms (``evidence.web.forms``).
    """
    details = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in errors
    ]
    first = details[0] if details else {"where": "request", "problem": "invalid"}
    if errors and errors[0].get("type") == "json_invalid":
        # Its place is a character offset ("body.22"), which reads as a field named 22.
        loc, why = errors[0].get("loc", ()), (errors[0].get("ctx") or {}).get("error")
        at = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        return ApiError(422, f"the body is not JSON{at}" + (f": {why}" if why else ""),
                        details=details)
    return ApiError(422, f"bad input at {first['where']}: {first['problem']}", details=details)


async def store_unavailable(request: Request, exc: Exception) -> Response:
    """The database cannot be reached, or (SQLite) another writer held it past the wait.

    503 and a retry hint, never the driver's words: they can name hosts and ports.
    """
    busy = "database is locked" in str(getattr(exc, "orig", exc))
    message = ("the store is busy with another write: try again shortly" if busy
               else "the store cannot be reached: try again shortly")
    error = ApiError(503, message)
    error.headers["Retry-After"] = str(RETRY_STORE_AFTER)
    return render_error(request, error)


def _mapped(status: int) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        stale = StaleVersion | AlreadyLinked | SupersededVersion
        extra = {"current": exc.current} if isinstance(exc, stale) else {}
        error = ApiError(status, str(exc), **extra)
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(exc, RegistryUnavailable) and retry_after:
            error.headers["Retry-After"] = str(max(1, round(float(retry_after))))
        return render_error(request, error)

    return handler


_MAPPED: dict[type[Exception], int] = {
    InputError: 400,
    InvalidDOI: 400,
    RecordNotFound: 404,
    TokenNotFound: 404,
    LastAdmin: 409,
    NameTaken: 409,
    NotHandMade: 409,
    DOINotFound: 404,
    StaleVersion: 409,
    SupersededVersion: 409,
    AlreadyLinked: 409,
    RegistryUnavailable: 503,
    StoreError: 503,
}
"""Library errors and their HTTP status; everything else is a bug (500)."""
