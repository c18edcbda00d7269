"""Reports: one module per format, each with ``render(result, *, color=False) -> str``.

A new format is a new module and one entry in ``FORMATS``.
"""

from __future__ import annotations

from typing import Protocol

from evidence.errors import InputError
from evidence.report import github, html, json, junit, sarif, text
from evidence.results import CheckResult

__all__ = ["FORMATS", "Renderer", "render"]


class Renderer(Protocol):
    def __call__(self, result: CheckResult, *, color: bool = False) -> str: ...


FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "html": html.render,
}
"""Format name (``--format``) -> renderer."""


def render(result: CheckResult, fmt: str = "text", *, color: bool = False) -> str:
    """The result in format ``fmt``; ``color`` matters only to ``text``."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})") from None
    return renderer(result, color=color)
