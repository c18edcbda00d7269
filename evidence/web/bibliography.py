"""A bibliography sent with an article: refused whole when it is not BibTeX at all, or when
an entry of it cannot be read (it would be left out, and its references with it).

The check's own reader skips such entries with a problem each, which suits a file on disk
(the report names them); a submission is stored, so it is refused instead, with the first
problem. CSL-JSON is refused by its reader already when it is not JSON.

The patterns below are what /openapi.json states a bibliography looks like: a plain part of
each format that is always read, so that a client (or schemathesis) that follows the
schema is never refused. The service takes far more than they say.
"""

from __future__ import annotations

from typing import Any

from evidence.errors import InputError
from evidence.vocabulary import ArticleFormat
from evidence.web.submit import guess_bibliography_format

__all__ = ["ARTICLE_BIBLIOGRAPHY_RULES", "refuse_unreadable_bibtex"]

_LEFT_OUT = "could not be read and is left out"
"""How refs.bibtex words an entry it skipped (refs.bibtex.read._failure)."""

BIBTEX_STATED = r"^@(article|book|misc)\{[a-z][a-z0-9]{0,8}, title = \{[A-Za-z][A-Za-z ]{0,30}\}\}$"
CSL_JSON_STATED = r'^\[\{"type": "book", "title": "[A-Za-z][A-Za-z ]{0,30}"\}\]$'
_BLANK = r"^\s*$"

ARTICLE_BIBLIOGRAPHY_RULES: dict[str, Any] = {
    "anyOf": [
        {"properties": {"bibliography": {"type": "null"}}},
        {"properties": {"bibliography": {"type": "string", "pattern": _BLANK}}},
        {"properties": {"bibliography": {"type": "string", "pattern": BIBTEX_STATED},
                        "bibliography_format": {"enum": [ArticleFormat.BIBTEX.value, None]}}},
        {"properties": {"bibliography": {"type": "string", "pattern": CSL_JSON_STATED},
                        "bibliography_format": {"enum": [ArticleFormat.CSL_JSON.value, None]}}},
    ]
}
"""The article body's rule across two fields: a bibliography is none, blank, or readable in
the format named (or guessed from it)."""


def refuse_unreadable_bibtex(text: str | None, format: str | None) -> None:
    """:raises InputError: a BibTeX bibliography with no entry, or an entry it cannot read."""
    from refs.bibtex import read_bibtex

    if not text or not text.strip():
        return
    if (format or guess_bibliography_format(text)) != ArticleFormat.BIBTEX:
        return
    read = read_bibtex(text, path="bibliography")
    left_out = [p for p in read.problems if _LEFT_OUT in p.message]
    if read.entries and not left_out:
        return
    problem = left_out[0] if left_out else read.problems[0]
    where = f" (line {problem.line})" if problem.line else ""
    raise InputError(f"the bibliography is not BibTeX that can be read{where}: "
                     f"{problem.message}; nothing was stored")
