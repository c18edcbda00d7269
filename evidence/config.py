"""Settings: the one reader of the ``EVIDENCE_*`` environment.

The CLI and the web app build one ``Settings`` and pass it down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from evidence.errors import InputError

__all__ = [
    "DEFAULT_CHECK_WORKERS",
    "DEFAULT_DB_POOL",
    "DEFAULT_CROSSREF_URL",
    "DEFAULT_DOI_URL",
    "DEFAULT_REGISTRY_BACKOFF",
    "DEFAULT_REGISTRY_RETRIES",
    "DEFAULT_REGISTRY_WAIT",
    "DEFAULT_SESSION_HOURS",
    "SERVE_MODE_ENV",
    "Settings",
    "default_database_url",
    "project_root",
]

_N = TypeVar("_N", int, float)

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_DOI_URL = "https://doi.org"
DEFAULT_REGISTRY_WAIT = 60.0
"""Seconds a check waits for the registry in all; what is unanswered by then is unverified."""
DEFAULT_REGISTRY_RETRIES = 6
"""Times one request is tried again when the registry is slow, limits or fails (429, 5xx)."""
DEFAULT_REGISTRY_BACKOFF = 120.0
"""Seconds of waiting between retries at most, per call; past it the call gives up."""
DEFAULT_CHECK_WORKERS = 2
DEFAULT_DB_POOL = 20
"""PostgreSQL connections a server process keeps: about as many as the requests it serves at
once, so that twenty clients do not make it open and close connections per read."""
DEFAULT_SESSION_HOURS = 12.0
"""How long a sign-in to the service's pages lasts."""
SERVE_MODE_ENV = "EVIDENCE_SERVE_MODE"
"""Set by ``evidence serve --workers N`` for its own server processes (``offline`` or
``online``): the serving command's ``--offline``, which no other process is told of. Not a
user's setting."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
"""Checks the service runs at once, each in a worker thread (never on the event loop)."""


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
        Settings.from_env(os.environ, configured_wait=30)  # a configuration file's value,
                                                           # which the environment beats
    """

    database_url: str
    crossref_url: str = DEFAULT_CROSSREF_URL
    doi_url: str = DEFAULT_DOI_URL
    mailto: str | None = None
    offline: bool = False
    timeout: float = 20.0
    registry_wait: float = DEFAULT_REGISTRY_WAIT
    registry_retries: int = DEFAULT_REGISTRY_RETRIES
    registry_backoff: float = DEFAULT_REGISTRY_BACKOFF
    registry_hosts: tuple[str, ...] | None = None
    """Hosts the registry may redirect to (besides the Crossref and DOI URLs' own); None: the
    known registries' (``refs.crossref.settings.DEFAULT_REGISTRY_HOSTS``)."""
    check_workers: int = DEFAULT_CHECK_WORKERS
    db_pool: int | None = None
    """The service: PostgreSQL connections each server process keeps open
    (``EVIDENCE_DB_POOL``); half as many again at a peak (``evidence.web.connections``).
    None: not given, so ``DEFAULT_DB_POOL``, or fewer where ``serve --workers N`` would not
    fit in the server's ``max_connections`` with it (:attr:`pool`)."""
    session_hours: float = DEFAULT_SESSION_HOURS
    """The service: a sign-in ends this long after it began."""
    trust_proxy: bool = False
    """The service: believe ``X-Forwarded-Proto`` (``evidence.web.options.WebOptions``)."""
    jobs: bool = False
    """``EVIDENCE_JOBS=postgres``: the service hands checks to workers (``evidence.jobs``)."""
    job_attempts: int = 5
    """Runs of a check job at most while the registry is out; the last stores it unverified."""
    job_retry_wait: float = 30.0
    """Seconds before a job's first retry after an outage; each retry waits about twice as long."""
    recheck_cron: str | None = None
    """``EVIDENCE_RECHECK_CRON`` (``0 3 * * *``): workers run ``evidence recheck`` then."""
    job_heartbeat: float = 10.0
    """Seconds between a worker's heartbeats; a worker silent for 3 of them is taken as dead
    and its running jobs go to another worker."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 configured_wait: float | None = None, **overrides: Any) -> Settings:
        """The environment's settings, then the defaults; ``overrides`` (flags) win over both.

        :param configured_wait: ``registry-wait`` from ``evidence check``'s configuration
            file: it stands in for the default, and ``EVIDENCE_REGISTRY_WAIT`` beats it.
        """
        env = os.environ if environ is None else environ
        wait_default = DEFAULT_REGISTRY_WAIT if configured_wait is None else configured_wait
        settings = cls(
            database_url=env.get("EVIDENCE_DATABASE_URL") or default_database_url(),
            crossref_url=(env.get("EVIDENCE_CROSSREF_URL") or DEFAULT_CROSSREF_URL).rstrip("/"),
            doi_url=(env.get("EVIDENCE_DOI_URL") or DEFAULT_DOI_URL).rstrip("/"),
            mailto=env.get("EVIDENCE_MAILTO") or None,
            registry_wait=_positive(env, "EVIDENCE_REGISTRY_WAIT", float, wait_default),
            registry_retries=_retries(env.get("EVIDENCE_REGISTRY_RETRIES")),
            registry_backoff=_positive(env, "EVIDENCE_REGISTRY_BACKOFF", float,
                                       DEFAULT_REGISTRY_BACKOFF),
            registry_hosts=_hosts(env.get("EVIDENCE_REGISTRY_HOSTS")),
            check_workers=_positive(env, "EVIDENCE_CHECK_WORKERS", int, DEFAULT_CHECK_WORKERS),
            db_pool=(_positive(env, "EVIDENCE_DB_POOL", int, DEFAULT_DB_POOL)
                     if env.get("EVIDENCE_DB_POOL", "").strip() else None),
            session_hours=_session_hours(env.get("EVIDENCE_SESSION_HOURS", "")),
            trust_proxy=_yes_or_no(env.get("EVIDENCE_TRUST_PROXY", ""), "EVIDENCE_TRUST_PROXY"),
            jobs=_jobs(env.get("EVIDENCE_JOBS")),
            job_attempts=_positive(env, "EVIDENCE_JOB_ATTEMPTS", int, 5),
            job_retry_wait=_positive(env, "EVIDENCE_JOB_RETRY_WAIT", float, 30.0),
            job_heartbeat=_positive(env, "EVIDENCE_JOB_HEARTBEAT", float, 10.0),
            recheck_cron=_cron(env.get("EVIDENCE_RECHECK_CRON")),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given)

    @classmethod
    def for_server_process(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of one of ``evidence serve --workers N``'s processes: the
        environment's, offline when the serving command was (see :meth:`server_environment`).
        """
        env = os.environ if environ is None else environ
        return cls.from_env(env, offline=env.get(SERVE_MODE_ENV) == "offline" or None)

    @property
    def pool(self) -> int:
        """The connections each server process keeps open (:attr:`db_pool`)."""
        return DEFAULT_DB_POOL if self.db_pool is None else self.db_pool

    def server_environment(self) -> dict[str, str]:
        """What ``evidence serve --workers N`` puts in the environment of its processes
        (uvicorn's factory takes no arguments): its flags, read back by
        :meth:`for_server_process`."""
        return {
            "EVIDENCE_DATABASE_URL": self.database_url,
            **({"EVIDENCE_MAILTO": self.mailto} if self.mailto else {}),
            SERVE_MODE_ENV: "offline" if self.offline else "online",
            **({"EVIDENCE_DB_POOL": str(self.db_pool)} if self.db_pool is not None else {}),
        }


def _positive(env: Mapping[str, str], name: str, kind: type[_N], default: _N) -> _N:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = kind(0)
    if not 0 < value < math.inf:  # also refuses "nan" and "inf"
        what = "a whole number" if kind is int else "a number"
        raise InputError(f"{name} must be {what} above 0, not {text!r}")
    return value


def _session_hours(text: str) -> float:
    text = text.strip()
    try:
        hours = float(text) if text else DEFAULT_SESSION_HOURS
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 366:
        raise InputError(f"EVIDENCE_SESSION_HOURS must be a number of hours between 0 and "
                         f"8784, not {text!r}")
    return hours


def _yes_or_no(text: str, name: str) -> bool:
    value = text.strip().lower()
    if value not in _TRUE | _FALSE:
        raise InputError(f"{name} must be 1 or 0 (yes or no), not {value!r}")
    return value in _TRUE


def _retries(text: str | None) -> int:
    """``EVIDENCE_REGISTRY_RETRIES``: a whole number, 0 (never retry) or more."""
    if text is None or not text.strip():
        return DEFAULT_REGISTRY_RETRIES
    if not text.strip().isascii() or not text.strip().isdigit():
        raise InputError(f"EVIDENCE_REGISTRY_RETRIES must be a whole number, 0 or more, "
                         f"not {text!r}")
    return int(text)


def _jobs(text: str | None) -> bool:
    """``EVIDENCE_JOBS``: ``postgres`` (the one engine there is), or empty for in-process."""
    value = (text or "").strip().lower()
    if value in ("", "none", "off"):
        return False
    if value in ("postgres", "postgresql", "procrastinate"):
        return True
    raise InputError(f"EVIDENCE_JOBS must be 'postgres' (checks run by workers) or empty, "
                     f"not {text!r}")


def _cron(text: str | None) -> str | None:
    """``EVIDENCE_RECHECK_CRON``: a cron line (5 fields, or 6 with seconds)."""
    value = " ".join((text or "").split())
    if not value:
        return None
    from croniter import croniter

    if not croniter.is_valid(value):
        raise InputError(f"EVIDENCE_RECHECK_CRON must be a cron line like '0 3 * * *', "
                         f"not {text!r}")
    return value


def _hosts(text: str | None) -> tuple[str, ...] | None:
    """``EVIDENCE_REGISTRY_HOSTS``: host names separated by commas or spaces."""
    if text is None or not text.strip():
        return None
    return tuple(host for host in text.replace(",", " ").split() if host)
