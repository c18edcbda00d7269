"""``evidence import`` and ``evidence export``: BibTeX and CSL-JSON in and out of the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from evidence.cli.context import Context
from evidence.wording import counted, noun

if TYPE_CHECKING:
    from evidence.exporter import Metadata

__all__ = ["COMMANDS"]


@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_(obj: Context, files: tuple[Path, ...]) -> int:
    """Import BibTeX (.bib) or CSL-JSON (.json) files into the store.

    Every entry that can be read is stored; each that cannot is reported with its file and
    line. A .bib file's entries are also kept as written, so `evidence export` gives the
    file back whole. Importing the same file twice stores nothing twice. A file that is not
    BibTeX or CSL-JSON at all stops the import before anything is stored.

    Exit 0 when every entry was read (warnings are printed, they do not fail the import);
    1 when an entry could not be read at all and is left out.

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
    click.echo(f"imported {counted(report.stored, 'entry', 'entries')} from "
               f"{counted(len(files), 'file', 'files')}: {report.new} new, {report.updated} "
               f"already stored, {counted(report.duplicates, 'duplicate', 'duplicates')} in "
               f"the {noun(len(files), 'file')}; "
               f"{counted(len(report.problems), 'warning', 'warnings')}"
               + (f"; {counted(report.lost, 'entry', 'entries')} could not be read and "
                  f"{'is' if report.lost == 1 else 'are'} left out" if report.lost else ""))
    return 1 if report.lost else 0


@click.command()
@click.option("--format", "fmt", type=click.Choice(["bibtex", "csl-json"]), default="bibtex",
              show_default=True)
@click.option("--metadata", type=click.Choice(["as-written", "registry"]), default="as-written",
              show_default=True,
              help="as-written: imported .bib entries come back exactly as written; registry: "
                   "the registry's values replace the fields it knows, each change said on "
                   "stderr.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (replaced whole, never half-written).")
@click.pass_obj
def export(obj: Context, fmt: str, metadata: Metadata, output: Path | None) -> int:
    """Export the store as BibTeX or CSL-JSON.

    Imported .bib files come back as written: every entry, key, field and brace, in the
    order imported; works from elsewhere follow, written from their metadata.

    \b
    Example:
      evidence export --output library.bib
      evidence export --metadata registry --output checked.bib
      evidence export --format csl-json --output library.json
    """
    from evidence.exporter import export_store
    from evidence.files import write_whole

    settings = obj.settings()
    with obj.sessions(settings)() as session:
        done = export_store(session, fmt=fmt, metadata=metadata)
    for change in done.changes:
        click.echo(f"changed {change}", err=True)
    if done.entries == 0:
        click.echo("the store holds no works: nothing to export (`evidence import FILE` or "
                   "`evidence check` stores some)", err=True)
    if output is None:
        if done.text:  # an empty BibTeX export is no output, not a blank line
            click.echo(done.text, nl=not done.text.endswith("\n"))
    else:
        write_whole(output, done.text)
        click.echo(f"exported {done.entries} entries to {output}", err=True)
    return 0


COMMANDS = [import_, export]
