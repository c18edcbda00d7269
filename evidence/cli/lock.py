"""``evidence lock [PATH...]``: write evidence.lock; ``--verify``: ask whether it still holds.

Exit codes: 0 the lock was written / nothing changed; 1 (``--verify``) the registry changed
what a locked DOI says; 2 bad usage or input, or the registry could not be asked (the lock is
then not written, and a verify says it could not verify: never "nothing changed").
"""

from __future__ import annotations

from pathlib import Path

import click

from evidence.cli.context import Context
from evidence.errors import InputError
from evidence.wording import counted

__all__ = ["COMMANDS"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--bib", "bibs", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="A BibTeX file holding the references (repeatable).")
@click.option("--lockfile", type=click.Path(dir_okay=False, path_type=Path),
              help="Where the lock is [default: evidence.lock here].")
@click.option("--verify", is_flag=True,
              help="Ask the registry about every locked DOI; exit 1 if anything changed.")
@click.option("--refresh", is_flag=True,
              help="Ask the registry even for stored DOIs (to lock its newest answers).")
@click.option("--offline", is_flag=True, help="Lock from the store alone; ask no registry.")
@click.pass_obj
def lock(obj: Context, paths: tuple[Path, ...], bibs: tuple[Path, ...], lockfile: Path | None,
         verify: bool, refresh: bool, offline: bool) -> int:
    """Lock the registry's answers for the references of PATH..., or verify the lock.

    The lock (TOML) holds, for every cited DOI, what the registry said: status, retraction and
    correction notices, the fields the audit compares, a digest of the record and when it was
    fetched; and the DOI each reference written without one was matched to. Commit it; then
    `evidence check --locked` needs neither network nor store.

    \b
    Example:
      evidence lock docs/
      evidence check docs/ --locked
      evidence lock --verify
    """
    from evidence.lock import DEFAULT_LOCKFILE

    path = lockfile or DEFAULT_LOCKFILE
    if verify:
        if paths or bibs or refresh or offline:
            raise InputError("--verify asks about the DOIs in the lock file: give no PATH, "
                             "--bib, --refresh or --offline")
        return _verify(obj, path)
    return _write(obj, path, paths, bibs, refresh=refresh, offline=offline)


def _write(obj: Context, path: Path, paths: tuple[Path, ...], bibs: tuple[Path, ...], *,
           refresh: bool, offline: bool) -> int:
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.check import CheckOptions, check_inputs, read_inputs
        from evidence.checkconfig import DEFAULT_MAX_ARTICLE_MB, load_config
        from evidence.cli.check import expand_paths
        from evidence.files import write_whole
        from evidence.lock import dumps_lock, fetched_times, lock_from_check

    config = load_config(Path.cwd())
    articles, found = expand_paths(paths or tuple(config.expand_paths()))
    settings = obj.settings(offline=offline or None)
    options = CheckOptions(bib=bibs, refresh=refresh, config=config, record=False,
                           max_article_mb=DEFAULT_MAX_ARTICLE_MB if config.max_article_mb is None
                           else config.max_article_mb)
    inputs = read_inputs(articles, options, optional=found)  # read all before the store opens
    sessions = obj.sessions(settings)
    result = asyncio.run(check_inputs(inputs, settings=settings, sessions=sessions,
                                      options=options))
    dois = {r.doi for a in result.articles for r in a.references if r.doi}
    locked = lock_from_check(result, fetched_times(sessions, dois), offline=settings.offline)
    write_whole(path, dumps_lock(locked), what="lock file")
    click.echo(f"locked {counted(len(locked.works), 'DOI')} and "
               f"{counted(len(locked.matches), 'reference')} without a DOI in {path}", err=True)
    return 0


def _verify(obj: Context, path: Path) -> int:
    import asyncio

    from evidence.lock import read_lock
    from evidence.lockverify import verify_lock

    locked = read_lock(path)
    verdict = asyncio.run(verify_lock(locked, obj.settings()))
    for doi, found in verdict.changed.items():
        click.echo(f"{doi} changed since it was locked (cited in "
                   f"{', '.join(locked.works[doi].cited_in) or 'no article'}):")
        for change in found:
            click.echo(f"  {change}")
    for doi in verdict.drifted:
        click.echo(f"note: the registry's record of {doi} changed, but nothing a check reads",
                   err=True)
    if verdict.unverified:
        reasons = "; ".join(f"{d}: {why}" for d, why in list(verdict.unverified.items())[:5])
        click.echo(f"evidence: could not verify {len(verdict.unverified)} of "
                   f"{counted(verdict.asked, 'locked DOI')}: the registry could not be asked "
                   f"({reasons}); this is not \"nothing changed\"", err=True)
    if verdict.changed:
        click.echo(f"{len(verdict.changed)} of {counted(verdict.asked, 'locked DOI')} "
                   "changed; run "
                   f"`evidence lock --refresh` to lock the new answers", err=True)
        return 1
    if verdict.unverified:
        return 2
    click.echo(f"nothing changed: the registry still says what {path} says about its "
               f"{counted(verdict.asked, 'DOI')}", err=True)
    return 0


COMMANDS = [lock]
