"""``evidence db upgrade``."""

from __future__ import annotations

import click

from evidence.cli.context import Context

__all__ = ["COMMANDS"]


@click.group()
def db() -> None:
    """Manage the store's schema."""


@db.command()
@click.pass_obj
def upgrade(obj: Context) -> None:
    """Run the migrations up to the newest schema (also done on first use)."""
    from evidence.store.engine import make_engine
    from evidence.store.engine import upgrade as run_upgrade

    settings = obj.settings()
    engine = make_engine(settings.database_url)
    try:
        run_upgrade(engine)
    finally:
        engine.dispose()
    click.echo(f"database at newest schema: {_safe_url(settings.database_url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


COMMANDS = [db]
