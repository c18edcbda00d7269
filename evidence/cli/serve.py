"""``evidence serve``: the editors' service (HTTP API and pages) under uvicorn."""

from __future__ import annotations

import os
import socket

import click

from evidence.cli.context import Context
from evidence.config import Settings
from evidence.errors import InputError

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for every one).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--offline", is_flag=True, help="Ask no registry; unknown DOIs are unverified.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (for reads; with EVIDENCE_JOBS=postgres, checks go to "
                   "`evidence worker` processes).")
@click.pass_obj
def serve(obj: Context, host: str, port: int, offline: bool, workers: int) -> None:
    """Serve the HTTP API and the editors' pages.

    Every request but /health needs a token: `evidence token create --name NAME --role
    editor` makes one. The store is the one of --database (SQLite by default).

    \b
    Example:
      evidence token create --name ada --role editor
      evidence serve --port 8000
    """
    import uvicorn

    from evidence.web import create_app

    settings = obj.settings(offline=offline or None)
    _refuse_a_taken_address(host, port)
    settings = _check_connections(settings, workers)  # and migrated once, not by every process
    if workers > 1:
        # Each process builds its app from the environment (uvicorn's factory takes none).
        os.environ.update(settings.server_environment())
        click.echo(f"evidence: serving on http://{host}:{port} with {workers} processes "
                   "(Ctrl+C stops)", err=True)
        _serve_processes(host, port, workers)
        return
    app = create_app(settings)
    click.echo(f"evidence: serving on http://{host}:{port} (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def _check_connections(settings: Settings, workers: int) -> Settings:
    """On PostgreSQL, the settings to serve with: the default pool made to fit the server's
    connections; refuse (exit 2) to start more server processes than the server has
    connections for, and warn when those open now leave too few (``evidence.web.connections``)."""
    from sqlalchemy.exc import DBAPIError

    from evidence.store.engine import open_store
    from evidence.web import connections

    engine = open_store(settings.database_url)
    try:
        if engine.dialect.name != "postgresql":
            return settings
        limit = connections.server_limit(engine)
    except DBAPIError as exc:
        # A role refused pg_settings or pg_stat_activity: the store itself answered (it was
        # just migrated), so serving goes on, unchecked, and says so.
        why = " ".join(str(exc.orig or exc).split())
        click.echo("evidence: warning: could not ask the server for max_connections "
                   f"({why}): the server processes' connections are not checked", err=True)
        return settings
    finally:
        engine.dispose()
    settings, note = connections.fit_pool(settings, workers, limit)
    if note is not None:
        click.echo(f"evidence: {note}", err=True)
    warning = connections.check_room(settings, workers, limit)
    if warning is not None:
        click.echo(f"evidence: {warning}", err=True)
    return settings


def _serve_processes(host: str, port: int, workers: int) -> None:
    """``workers`` server processes on one port, each listening on a socket of its own
    (``evidence.listen``) where the system spreads connections over them."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from evidence.listen import spread_listener

    app = "evidence.web.app:app_from_environment"
    held = spread_listener(host, port)
    if held is None:
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers,
                    log_level="info", proxy_headers=False)
        return
    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers,
                            log_level="info", proxy_headers=False)
    try:
        Multiprocess(config, sockets=[held]).run()
    except KeyboardInterrupt:
        pass  # as uvicorn.run: Ctrl+C is how it stops
    finally:
        held.close()


def _refuse_a_taken_address(host: str, port: int) -> None:
    """Exit 2, saying so, when the address cannot be listened on: uvicorn would print that
    it is serving, then log the error and exit 3."""
    if port == 0:
        return  # any free port
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {why}; another server (an "
                         "`evidence serve` already running?) may hold it: pick another "
                         "with --port") from exc


COMMANDS = [serve]
