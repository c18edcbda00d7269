"""``evidence match "REFERENCE TEXT"``: the best DOI for a free-text reference."""

from __future__ import annotations

import asyncio
import json

import click

from evidence.cli.context import Context, polite_pool_hint
from evidence.errors import InputError

__all__ = ["COMMANDS"]


@click.command()
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
def match(obj: Context, reference: str, as_json: bool) -> int:
    """Find the DOI of a free-text reference, with a confidence.

    The registry's candidates are validated field by field (year, first author, title,
    container, volume, pages); below the threshold the reference stays unmatched. Exit 0
    when matched, 1 when not, or when the registry could not be asked (unverified).

    \b
    Example:
      evidence match "Gino F, Wiltermuth SS. Evil genius? Psychol Sci. 2014;25(4):973-81."
    """
    from evidence.registry import registry_client
    from refs.errors import RegistryUnavailable
    from refs.match import Match, match_reference, parse_reference

    if not reference.strip():
        raise InputError("the reference text is empty")
    settings = obj.settings()

    async def run() -> Match:
        async with registry_client(settings) as client:
            return await match_reference(parse_reference(reference), client)

    try:
        found = asyncio.run(run())
    except RegistryUnavailable as exc:
        polite_pool_hint(settings, asked=True)
        # The registry's silence is not a verdict: never "no match", never "not found".
        return _unverified(reference, str(exc), as_json)
    polite_pool_hint(settings, asked=True)
    work = found.work
    payload = {
        "reference": reference,
        "status": "matched" if found.doi else "unmatched",
        "doi": found.doi,
        "confidence": round(found.confidence, 3),
        "title": work.title if work else None,
        "year": work.year if work else None,
        "reasons": list(found.reasons),
    }
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif payload["doi"]:
        click.echo(f"{payload['doi']}\tconfidence {payload['confidence']}\t{payload['title']}")
    else:
        click.echo(f"no match (best confidence {payload['confidence']})")
    return 0 if payload["doi"] else 1


def _unverified(reference: str, reason: str, as_json: bool) -> int:
    said = f"unverified: the registry could not be asked ({reason}); try again later"
    if as_json:
        payload = {"reference": reference, "status": "unverified", "doi": None, "reason": reason}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(said)
    return 1


COMMANDS = [match]
