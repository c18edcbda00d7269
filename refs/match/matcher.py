"""Free-text reference -> the best DOI, with a confidence, or no match at all."""

from __future__ import annotations

from dataclasses import dataclass

from refs.match.candidates import WorkSource, build_query
from refs.match.parse import ParsedReference, parse_reference
from refs.match.score import DEFAULT_THRESHOLD, score_candidate
from refs.work import Work

__all__ = ["Match", "match_reference"]


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of matching one reference.

    Unmatched, ``work`` and ``doi`` are ``None`` and ``confidence`` is the best candidate's
    (below the threshold), so people can see how close it came.

    >>> Match(work=None, confidence=0.2, doi=None, reasons=(), candidates=5).matched
    False
    """

    work: Work | None
    confidence: float
    doi: str | None
    reasons: tuple[str, ...]
    candidates: int

    @property
    def matched(self) -> bool:
        return self.work is not None


async def match_reference(
    text: str | ParsedReference,
    source: WorkSource,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rows: int = 5,
) -> Match:
    """Search ``source`` for the reference and keep the best candidate that validates.

    :raises refs.errors.RegistryUnavailable: passed on from the source, never read as
        "no match".
    :raises ValueError: when the reference is empty.
    """
    ref = parse_reference(text) if isinstance(text, str) else text
    query = build_query(ref)
    if not query.strip():
        raise ValueError("nothing to match: the reference is empty")
    hits = await source.search(query, rows=rows)
    best: tuple[float, tuple[str, ...], Work] | None = None
    for hit in hits:
        confidence, reasons = score_candidate(ref, hit.work, hit.score)
        if best is None or confidence > best[0]:
            best = (confidence, reasons, hit.work)
    if best is None:
        return Match(None, 0.0, None, ("the registry found no candidate",), 0)
    confidence, reasons, work = best
    if confidence < threshold or work.doi is None:
        why = (*reasons, f"best candidate doi:{work.doi} is below {threshold:.2f}")
        return Match(None, confidence, None, why, len(hits))
    return Match(work, confidence, work.doi, reasons, len(hits))
