"""What every command shares: settings from the environment and flags, and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evidence.config import Settings

if TYPE_CHECKING:  # SQLAlchemy loads with the first command that opens the store, not for --help
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Context", "polite_pool_hint"]


@dataclass
class Context:
    database: str | None = None
    mailto: str | None = None
    _sessions: sessionmaker[Session] | None = field(default=None, repr=False)

    def settings(self, **overrides: Any) -> Settings:
        return Settings.from_env(database_url=self.database, mailto=self.mailto, **overrides)

    def sessions(self, settings: Settings) -> sessionmaker[Session]:
        """The store's sessions, migrated to the newest schema on first use."""
        if self._sessions is None:
            from evidence.store.engine import open_store, session_factory

            self._sessions = session_factory(open_store(settings.database_url))
        return self._sessions


def polite_pool_hint(settings: Settings, *, asked: bool) -> None:
    """Once per run, and only when a request went to Crossref's public pool."""
    if asked and settings.mailto is None and not settings.offline:
        import click

        click.echo("hint: set EVIDENCE_MAILTO or --mailto to use Crossref's polite pool",
                   err=True)
