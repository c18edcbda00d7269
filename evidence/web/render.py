"""The pages' templates: Jinja2 with autoescape on, so article text and registry titles (which
carry HTML, MathML, even ``<script>``) are shown as text, never run."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from evidence.articles.build import FORMATS
from evidence.articles.places import describe_place
from evidence.report.reordering import Verbatim, shown
from evidence.vocabulary import ArticleFormat
from evidence.web.notices import notice_text
from evidence.web.schemas import TEXT_FORMATS

__all__ = ["STATIC", "environment", "error_page", "page", "render"]

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: nothing is trusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,  # no value reorders itself on the page (evidence.report.reordering)
    )
    env.filters["verbatim"] = Verbatim
    env.filters["when"] = _when
    env.globals["place"] = _place
    # The forms offer what the service takes, from the vocabulary and the readers' own list.
    env.globals["text_formats"] = TEXT_FORMATS
    env.globals["upload_accept"] = ",".join(FORMATS)
    env.filters["format_label"] = lambda value: ArticleFormat(value).label
    return env


def _place(line: int | None, place: str | None) -> str:
    """Where a claim, a reference or a finding stands, as the reports write it."""
    return describe_place(line or 1, place)


def page(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with ``context``, the request and the signed-in person (or None)."""
    return HTMLResponse(render(request, template, **context), status_code=status,
                        headers=headers)


def render(request: Request, template: str, **context: Any) -> str:
    """The HTML of ``template`` with ``context``, the request and the signed-in person."""
    context.setdefault("who", getattr(request.state, "who", None))
    context.setdefault("notice", notice_text(request.query_params.get("notice")))
    return environment().get_template(template).render(request=request, **context)


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return page(request, "error.html", status=status, headers=headers, status_code=status,
                message=message)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""
