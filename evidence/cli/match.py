"""``evidence match "REFERENCE TEXT"``: the best DOI for a free-text reference."""

from __future__ import annotations

import json

import click

from evidence.cli.context import Context, polite_pool_hint
from evidence.errors import InputError
from evidence.vocabulary import ReferenceStatus

__all__ = ["COMMANDS"]


@click.command()
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.option("--offline", is_flag=True, help="Ask no registry; use only the store.")
@click.option("--refresh", is_flag=True, help="Ask the registry even when the store knows.")
@click.pass_obj
def match(obj: Context, reference: str, as_json: bool, offline: bool, refresh: bool) -> int:
    """Find the DOI of a free-text reference, with a confidence.

    The registry's candidates are validated field by field (year, first author, title,
    container, volume, pages); below the threshold the reference stays unmatched. The answer
    is kept in the store (a match, or none), as a check keeps it, and given from there the
    next time without asking. Exit 0 when matched, 1 when not, or when the registry could
    not be asked (unverified).

    \b
    Example:
      evidence match "Gino F, Wiltermuth SS. Evil genius? Psychol Sci. 2014;25(4):973-81."
    """
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.matching import MatchOutcome, match_references
        from evidence.registry import registry_client
        from evidence.resolver import OFFLINE_REASON
        from refs.match import parse_reference

    if not reference.strip():
        raise InputError("the reference text is empty")
    settings = obj.settings(offline=offline or None)
    sessions = obj.sessions(settings)
    asked = [(reference, parse_reference(reference))]

    async def run() -> tuple[MatchOutcome, bool]:
        if settings.offline:
            found = await match_references(asked, sessions=sessions, client=None,
                                           refresh=refresh, offline_reason=OFFLINE_REASON)
            return found[reference], False
        async with registry_client(settings) as client:
            found = await match_references(asked, sessions=sessions, client=client,
                                           refresh=refresh)
            return found[reference], client.stats.answered > 0

    found, requested = asyncio.run(run())
    polite_pool_hint(settings, asked=requested)
    if found.status == ReferenceStatus.UNVERIFIED:
        # The registry's silence is not a verdict: never "no match", never "not found".
        return _unverified(reference, found.reason or "no answer", as_json,
                           offline=settings.offline)
    work = found.work
    payload = {
        "reference": reference,
        "status": "matched" if found.doi else "unmatched",
        "doi": found.doi,
        "confidence": round(found.confidence or 0.0, 3),
        "title": work.title if work else None,
        "year": work.year if work else None,
        "reasons": list(found.checks),
    }
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif payload["doi"]:
        click.echo(f"{payload['doi']}\tconfidence {payload['confidence']}\t{payload['title']}")
    else:
        click.echo(f"no match (best confidence {payload['confidence']})")
    return 0 if payload["doi"] else 1


def _unverified(reference: str, reason: str, as_json: bool, *, offline: bool) -> int:
    what = ("run `evidence match` without --offline to ask the registry" if offline
            else "try again later")
    said = f"unverified: {reason}; {what}"  # each reason says the registry was not asked
    if as_json:
        payload = {"reference": reference, "status": "unverified", "doi": None, "reason": reason}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(said)
    return 1


COMMANDS = [match]
