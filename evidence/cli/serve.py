"""``evidence serve``: the editors' service (HTTP API and pages) under uvicorn."""

from __future__ import annotations

import click

from evidence.cli.context import Context

__all__ = ["COMMANDS"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for every one).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--offline", is_flag=True, help="Ask no registry; unknown DOIs are unverified.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, offline: bool) -> None:
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
    app = create_app(settings)
    click.echo(f"evidence: serving on http://{host}:{port} (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


COMMANDS = [serve]
