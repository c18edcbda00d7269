"""The ``evidence`` command: parse, call one library function, map errors in one place.

Exit codes (DESIGN.md): 0 nothing at or above ``--fail-on``; 1 findings at or above it (or,
for ``resolve`` and ``import``, something not resolved or not read); 2 the input or the
command line is wrong, with a message on stderr and nothing half-written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from evidence import __version__
from evidence.cli.context import Context
from evidence.cli.interrupt import Interrupted, stop_on_signals
from evidence.errors import EvidenceError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evidence")
# No envvar= here: EVIDENCE_DATABASE_URL and EVIDENCE_MAILTO are read by Settings alone.
@click.option("--database", metavar="URL",
              help="SQLAlchemy URL of the store [default: EVIDENCE_DATABASE_URL, else SQLite "
                   ".evidence/evidence.db in the project's folder: the one holding "
                   "evidence.toml or .git].")
@click.option("--mailto", metavar="EMAIL",
              help="Contact address for Crossref's polite pool [default: EVIDENCE_MAILTO].")
@click.pass_context
def cli(ctx: click.Context, database: str | None, mailto: str | None) -> None:
    """Track citations and evidence: claims, references, and what does not hold up."""
    ctx.obj = Context(database=database, mailto=mailto)


def _register() -> None:
    from evidence.cli import (
        check,
        db,
        jobs,
        lock,
        match,
        recheck,
        resolve,
        serve,
        token,
        transfer,
    )

    for module in (check, db, jobs, lock, match, recheck, resolve, serve, token, transfer):
        for command in module.COMMANDS:
            _accept_shared_options(command)
            cli.add_command(command)


def _given_after(name: str) -> Callable[[click.Context, click.Parameter, str | None], None]:
    def keep(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value is not None:
            setattr(ctx.ensure_object(Context), name, value)

    return keep


def _accept_shared_options(command: click.Command) -> None:
    """``--database`` and ``--mailto`` after the subcommand too (``evidence check --database
    URL x.md``): people put options after the command they belong with."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_shared_options(sub)
        return
    command.params.extend([
        click.Option(["--database"], metavar="URL", expose_value=False,
                     callback=_given_after("database"),
                     help="SQLAlchemy URL of the store (as before the command)."),
        click.Option(["--mailto"], metavar="EMAIL", expose_value=False,
                     callback=_given_after("mailto"),
                     help="Contact address for Crossref's polite pool (as before the command)."),
    ])


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of raising SystemExit."""
    try:
        with stop_on_signals():
            result = cli.main(args=argv, prog_name="evidence", standalone_mode=False)
    except Interrupted as exc:
        click.echo(f"evidence: stopped by {exc.name}; nothing unfinished was stored",
                   err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except EvidenceError as exc:
        click.echo(f"evidence: error: {exc}", err=True)
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
