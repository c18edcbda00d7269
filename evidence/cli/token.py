"""``evidence token create|list|revoke``: the API tokens of the editors' service."""

from __future__ import annotations

import click

from evidence.cli.context import Context

__all__ = ["COMMANDS"]


@click.group()
def token() -> None:
    """Manage API tokens (stored hashed; shown once when made)."""


@token.command()
@click.option("--name", required=True,
              help="Whose token (never reused, even once revoked: the audit trail names "
                   "people by it).")
@click.option("--role", required=True, type=click.Choice(["reviewer", "editor", "admin"]),
              help="reviewer: read and comment; editor: also change links and verdicts; "
                   "admin: also manage tokens.")
@click.pass_obj
def create(obj: Context, name: str, role: str) -> None:
    """Make a token and print it (and nothing else) on standard output; standard error
    says whose it is, its role, and that it is shown only this once.

    \b
    Example:
      evidence token create --name ada --role editor > ada.token
    """
    from evidence.store.tokens import create_token

    settings = obj.settings()
    with obj.sessions(settings).begin() as session:
        secret = create_token(session, name=name, role=role, actor="cli")
    click.echo(secret)
    # Scripts read the bare token; the person at the terminal learns what it is from here.
    click.echo(f"evidence: made a token for {name!r} (role {role}); it is shown only this "
               "once: the store keeps only its hash", err=True)


@token.command(name="list")
@click.pass_obj
def list_(obj: Context) -> None:
    """List tokens: name, role, created, revoked (never the token)."""
    from evidence.store.tokens import list_tokens

    settings = obj.settings()
    with obj.sessions(settings)() as session:
        tokens = list_tokens(session)
    for info in tokens:
        revoked = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
        click.echo(f"{info.name}\t{info.role}\tcreated {info.created_at:%Y-%m-%d %H:%M}\t"
                   f"{revoked}")


@token.command()
@click.argument("name")
@click.pass_obj
def revoke(obj: Context, name: str) -> None:
    """Revoke the active token called NAME; it stops working at once."""
    from evidence.store.tokens import revoke_token

    settings = obj.settings()
    with obj.sessions(settings).begin() as session:
        revoke_token(session, name=name, actor="cli")
    click.echo(f"token {name!r} revoked", err=True)


COMMANDS = [token]
