"""Settings: the one reader of the ``EVIDENCE_*`` environment.

The CLI and the web app build one ``Settings`` and pass it down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_CROSSREF_URL",
    "DEFAULT_DOI_URL",
    "Settings",
    "default_database_url",
    "project_root",
]

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_DOI_URL = "https://doi.org"


def default_database_url(cwd: Path | None = None) -> str:
    """The embedded default: a SQLite file ``.evidence/evidence.db`` in the project's folder
    (see :func:`project_root`), so that a run from a subfolder finds the same warm store."""
    folder = project_root(cwd or Path.cwd()) / ".evidence"
    return f"sqlite:///{folder / 'evidence.db'}"


def project_root(start: Path) -> Path:
    """The folder of the configuration file that applies in ``start`` (found as ``evidence
    check`` finds it: ``evidence.toml``, or ``pyproject.toml`` with ``[tool.evidence]``), else
    the repository root (the folder holding ``.git``), else ``start`` itself."""
    start = start.absolute()
    for candidate in (start, *start.parents):
        if (candidate / "evidence.toml").is_file() or _configures(candidate / "pyproject.toml"):
            return candidate
        if (candidate / ".git").exists():
            return candidate
    return start


def _configures(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    import tomllib

    try:
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # `evidence check` reports a broken configuration file itself
    return isinstance(tool, dict) and "evidence" in tool


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run needs to know about its surroundings.

    Usage::

        Settings.from_env(os.environ)                      # environment, then defaults
        Settings.from_env(os.environ, offline=True)        # a command-line flag wins
    """

    database_url: str
    crossref_url: str = DEFAULT_CROSSREF_URL
    doi_url: str = DEFAULT_DOI_URL
    mailto: str | None = None
    offline: bool = False
    timeout: float = 20.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("EVIDENCE_DATABASE_URL") or default_database_url(),
            crossref_url=(env.get("EVIDENCE_CROSSREF_URL") or DEFAULT_CROSSREF_URL).rstrip("/"),
            doi_url=(env.get("EVIDENCE_DOI_URL") or DEFAULT_DOI_URL).rstrip("/"),
            mailto=env.get("EVIDENCE_MAILTO") or None,
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given)
