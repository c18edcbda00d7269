"""``evidence recheck``: what changed in the registry for stored works, and who cites them.

Exit codes: 0 nothing a stored article cites was newly retracted or corrected; 1 something
was (each change is printed with the articles citing it); 2 bad usage; 3 the registry could
not be asked about everything: nothing was stored, and this is never "nothing changed".
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import click

from evidence.cli.context import Context, polite_pool_hint
from evidence.errors import InputError
from evidence.wording import counted

if TYPE_CHECKING:
    from evidence.recheck import Change, RecheckResult

__all__ = ["COMMANDS", "EXIT_INCOMPLETE"]

EXIT_INCOMPLETE = 3
"""The registry could not be asked: its own code, so a schedule never reads it as a pass."""

_WORDS = {
    "retraction": "retracted", "withdrawal": "withdrawn", "correction": "corrected",
    "expression-of-concern": "expression of concern", "new-version": "new version",
    "metadata-change": "record changed",
}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE",
              help="Walk the notices indexed since DATE (YYYY-MM-DD), not since the last "
                   "complete recheck.")
@click.option("--refetch", is_flag=True,
              help="Read every stored work again (in batches of 50) instead of walking the "
                   "notices: also sees changed records and updates no notice announces.")
@click.pass_obj
def recheck(obj: Context, as_json: bool, since: datetime | None, refetch: bool) -> int:
    """Ask the registry what changed for the stored works since the last recheck.

    Retractions, corrections, expressions of concern, withdrawals and new versions are found
    in the registry's list of update notices (or by reading the works again, when the store
    is small enough that this takes fewer requests), stored with when they were seen, and
    printed with every stored article that cites the work.

    \b
    Example:
      evidence recheck
      evidence recheck --json --since 2026-01-01
      evidence recheck --refetch
    """
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.recheck import RecheckIncomplete, incomplete_json, result_json
        from evidence.recheck import recheck as run

    day = since.date() if since else None
    if refetch and day is not None:
        raise InputError("--since is for the walk of notices; --refetch reads every work")
    if day is not None and day > datetime.now(UTC).date():
        raise InputError(f"--since {day.isoformat()} is in the future")
    settings = obj.settings()
    sessions = obj.sessions(settings)
    try:
        result = asyncio.run(run(sessions, settings, since=day,
                                 strategy="works" if refetch else None))
    except RecheckIncomplete as exc:
        click.echo(f"evidence: could not recheck: {exc}. This is not \"nothing changed\"; "
                   "run it again later.", err=True)
        if as_json:
            click.echo(json.dumps(incomplete_json(str(exc)), ensure_ascii=False, indent=2))
        return EXIT_INCOMPLETE
    if as_json:
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
    else:
        for change in result.changes:
            click.echo(_lines(change))
    click.echo(_summary(result), err=True)
    polite_pool_hint(settings, asked=result.requests > 0)
    return 1 if result.alerting else 0


def _lines(change: Change) -> str:
    seen = change.change
    head = f"{_WORDS[seen.kind.value]}: doi:{seen.doi}"
    if change.title:
        head += f" {change.title!r}"
    lines = [head]
    if seen.notice_doi:
        said = ", ".join(p for p in (seen.notice_type, seen.source, seen.notice_date) if p)
        lines.append(f"  notice doi:{seen.notice_doi}" + (f" ({said})" if said else ""))
    if seen.detail:
        lines.append(f"  {seen.detail}")
    if change.citing:
        lines.append("  cited by: " + ", ".join(
            f"{c.name} (version {c.number}{'' if c.current else ', not the newest'})"
            for c in change.citing))
    else:
        lines.append("  cited by no stored article")
    return "\n".join(lines)


def _summary(result: RecheckResult) -> str:
    if result.strategy is None:
        return "recheck: the store holds no work with a DOI; nothing to ask"
    how = (f"walked {counted(result.notices, 'update notice')} indexed since "
           f"{_day(result.since)}"
           if result.strategy == "notices" else
           f"read the {counted(result.stored, 'stored work')} again")
    cited = len({c.change.doi for c in result.alerting})
    text = (f"recheck: {how} in {counted(result.requests, 'request')}; "
            f"{counted(len(result.changes), 'new change')} to stored works; "
            f"{counted(cited, 'cited work')} newly retracted or corrected")
    if result.position is None:
        text += "; the saved position was kept (--since starts after it)"
    return text


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


COMMANDS = [recheck]
