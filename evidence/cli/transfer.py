"""``evidence import`` and ``evidence export``: BibTeX and CSL-JSON in and out of the store."""

from __future__ import annotations

from pathlib import Path

import click

from evidence.cli.context import Context
from evidence.files import write_whole

__all__ = ["COMMANDS", "write_whole"]


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj: Context, files: tuple[Path, ...]) -> int:
    """Import BibTeX (.bib) or CSL-JSON (.json) files into the store.

    Every entry that can be read is stored; each that cannot is reported with its file and
    line. Importing the same file twice stores nothing twice. A file that is not BibTeX or
    CSL-JSON at all stops the import before anything is stored.

    \b
    Example:
      evidence import references.bib more.json
    """
    from evidence.importer import import_files, read_files

    batches = read_files(files)
    settings = obj.settings()
    report = import_files(batches, sessions=obj.sessions(settings))
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(f"imported {report.stored} entries ({report.new} new, {report.updated} already "
               f"stored) from {len(files)} file(s); {len(report.problems)} problem(s)")
    return 1 if report.problems else 0


@click.command()
@click.option("--format", "fmt", type=click.Choice(["bibtex", "csl-json"]), default="bibtex",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (replaced whole, never half-written).")
@click.pass_obj
def export(obj: Context, fmt: str, output: Path | None) -> int:
    """Export every stored work as BibTeX or CSL-JSON.

    \b
    Example:
      evidence export --format csl-json --output library.json
    """
    from evidence.store import queries
    from refs.bibtex import write_bibtex
    from refs.csl import write_csl_json

    settings = obj.settings()
    with obj.sessions(settings)() as session:
        entries = [(key, work) if key else work for key, work in queries.iter_works(session)]
    text = write_bibtex(entries) if fmt == "bibtex" else write_csl_json(entries)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_whole(output, text)
        click.echo(f"exported {len(entries)} works to {output}", err=True)
    return 0


COMMANDS = [import_, export]
