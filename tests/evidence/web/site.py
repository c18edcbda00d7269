"""A running editors' service for tests: the app on a store, a stand-in Crossref, tokens.

``running_site(db_url)`` starts the stand-in Crossref (recorded works, plus any extra
records given) and the service on two free ports of 127.0.0.1, with one token per role.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from evidence.config import Settings
from evidence.store.tokens import create_token
from evidence.web import create_app
from evidence.web.service import Service
from tests.evidence.web.server import serve_in_thread
from tests.standin import Standin, StandinConfig, run_standin

__all__ = ["EXAMPLES", "Site", "running_site"]

EXAMPLES = Path(__file__).parents[3] / "examples"
MAILTO = "web-tests@example.org"


@dataclass
class Site:
    url: str
    app: FastAPI
    standin: Standin
    tokens: dict[str, str]  # role -> token

    @property
    def service(self) -> Service:
        svc: Service = self.app.state.service
        return svc

    def client(self, role: str | None = "editor", **kwargs: Any) -> httpx.Client:
        """An HTTP client with the token of ``role`` (None: no token)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0, **kwargs)

    def token(self, name: str, role: str) -> str:
        with self.service.sessions.begin() as session:
            return create_token(session, name=name, role=role)


@contextmanager
def running_site(
    db_url: str,
    *,
    extra_works: Mapping[str, dict[str, Any]] | None = None,
    standin_config: StandinConfig | None = None,
    jobs: bool = False,
) -> Iterator[Site]:
    """The service on ``db_url`` and a stand-in registry; ``jobs``: submissions go to check
    workers (PostgreSQL only; none is started here: the jobs stay queued)."""
    standin = Standin(standin_config or StandinConfig(enforce_limits=False))
    standin.works.update(extra_works or {})
    with ExitStack() as stack:
        crossref = stack.enter_context(run_standin(standin))
        # One retry, after a short wait: a test of the registry's silence need not sit out
        # the two minutes of backoff a real run allows.
        # The rest from the environment, as `evidence serve` reads it (sign-in, proxy).
        settings = Settings.from_env(database_url=db_url, crossref_url=crossref,
                                     doi_url=f"{crossref}/doi", mailto=MAILTO, timeout=5.0,
                                     registry_retries=1, registry_backoff=1.0, jobs=jobs)
        app = create_app(settings)
        svc: Service = app.state.service
        tokens = {}
        with svc.sessions.begin() as session:
            for role in ("reviewer", "editor", "admin"):
                tokens[role] = create_token(session, name=f"{role}-1", role=role)
        url = stack.enter_context(serve_in_thread(app))
        yield Site(url=url, app=app, standin=standin, tokens=tokens)
