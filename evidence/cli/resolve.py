"""``evidence resolve DOI...``: resolve, store, print."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from evidence.cli.context import Context, polite_pool_hint
from evidence.errors import InputError
from evidence.vocabulary import ReferenceStatus

if TYPE_CHECKING:
    from evidence.resolver import Resolution

__all__ = ["COMMANDS", "resolution_json"]


@click.command()
@click.argument("dois", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per DOI.")
@click.option("--offline", is_flag=True, help="Ask no registry; use only the store.")
@click.option("--refresh", is_flag=True, help="Ask the registry even for stored DOIs.")
@click.pass_obj
def resolve(obj: Context, dois: tuple[str, ...], as_json: bool, offline: bool,
            refresh: bool) -> int:
    """Resolve DOIs through the store and Crossref, store them, print them.

    DOIs come from the arguments, or one per line from standard input with `-`, or from a
    file named with `@FILE`.

    \b
    Example:
      evidence resolve 10.1177/0956797614520714 --json
      evidence resolve - < dois.txt
    """
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.progress import Progress
        from evidence.resolver import OFFLINE_REASON, resolve_dois

    wanted = _collect(dois)
    settings = obj.settings(offline=offline or None)
    sessions = obj.sessions(settings)
    with Progress(len(wanted), "resolving") as progress:
        results = asyncio.run(resolve_dois(wanted, sessions=sessions, settings=settings,
                                           refresh=refresh, progress=progress.advance))
    if as_json:
        click.echo(json.dumps([resolution_json(r) for r in results], ensure_ascii=False,
                              indent=2))
    else:
        for result in results:
            click.echo(_line(result))
    # Only an answer shows a request reached the public pool (unreachable, or a text that
    # is no DOI and was never sent: no hint).
    polite_pool_hint(settings, asked=any(not r.cached and r.status in ANSWERS
                                         for r in results))
    if any(r.reason == OFFLINE_REASON for r in results):
        click.echo(OFFLINE_HINT, err=True)
    return 0 if all(r.status == "resolved" for r in results) else 1


ANSWERS = frozenset({ReferenceStatus.RESOLVED, ReferenceStatus.NOT_FOUND})
"""Statuses only the registry's answer gives."""
OFFLINE_HINT = ("hint: run `evidence resolve` without --offline to ask the registry for what "
                "the store lacks")


def _collect(arguments: tuple[str, ...]) -> list[str]:
    dois: list[str] = []
    for argument in arguments:
        if argument == "-":
            dois.extend(_lines(sys.stdin.read(), "standard input"))
        elif argument.startswith("@"):
            try:
                with open(argument[1:], encoding="utf-8") as handle:
                    dois.extend(_lines(handle.read(), argument[1:]))
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read DOIs from {argument[1:]}: {exc}") from exc
        else:
            dois.append(argument)
    if not dois:
        raise InputError("no DOI given: pass DOIs as arguments, `-` for stdin or @FILE")
    return dois


def _lines(text: str, where: str) -> list[str]:
    if "\x00" in text:
        raise InputError(f"{where} is binary, not a list of DOIs")
    return [line.strip() for line in text.splitlines() if line.strip()
            and not line.lstrip().startswith("#")]


def resolution_json(result: Resolution) -> dict[str, Any]:
    """The JSON object of one DOI asked (the `resolve --json` contract): the work's object
    (`evidence.serialise.work_json`, as the API and the check report give it) with how it
    was resolved; a DOI not resolved has the same keys, empty."""
    from evidence.serialise import no_work_json, work_json

    work = work_json(result.work) if result.work is not None else no_work_json()
    return {"doi": result.doi, "status": result.status, "reason": result.reason,
            **{key: value for key, value in work.items() if key != "doi"},
            "cached": result.cached}


def _line(result: Resolution) -> str:
    work = result.work
    if work is None:
        return f"{result.doi}\t{result.status}\t{result.reason or ''}"
    first = work.first_author.sort_name if work.first_author else "?"
    flags = " [RETRACTED]" if work.retracted else " [corrected]" if work.corrected else ""
    return f"{result.doi}\t{result.status}\t{first} ({work.year or 'n.d.'}) {work.title}{flags}"


COMMANDS = [resolve]
