"""Reports: one module per format, each with ``render(result, *, color=False) -> str``.

A new format is a new module and one entry in ``FORMATS``. Only the module of the format
asked for is imported: the HTML report alone brings Jinja2, and a CI run's start-up counts.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol, cast

from evidence.errors import InputError
from evidence.results import CheckResult

__all__ = ["FORMATS", "Renderer", "render"]


class Renderer(Protocol):
    def __call__(self, result: CheckResult, *, color: bool = False) -> str: ...


FORMATS: dict[str, str] = {
    "text": "evidence.report.text",
    "json": "evidence.report.json",
    "sarif": "evidence.report.sarif",
    "junit": "evidence.report.junit",
    "github": "evidence.report.github",
    "html": "evidence.report.html",
}
"""Format name (``--format``) -> the module whose ``render`` writes it."""


def render(result: CheckResult, fmt: str = "text", *, color: bool = False) -> str:
    """The result in format ``fmt``; ``color`` matters only to ``text``."""
    try:
        module = FORMATS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})") from None
    renderer = cast(Renderer, import_module(module).render)
    return renderer(result, color=color)
