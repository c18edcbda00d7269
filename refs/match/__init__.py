"""Free-text reference -> best DOI with a confidence, and written-vs-registry comparison.

>>> parse_reference("Katsouyanni K, Zmirou D. Short-term effects of air pollution on "
...                 "health. Eur Respir J. 1995;8(6):1030-8.").first_author
'Katsouyanni'
"""

from __future__ import annotations

from refs.match.candidates import WorkSource, build_query
from refs.match.compare import Mismatch, compare
from refs.match.matcher import Match, match_reference
from refs.match.parse import ParsedReference, parse_reference
from refs.match.score import DEFAULT_THRESHOLD, score_candidate

__all__ = [
    "DEFAULT_THRESHOLD",
    "Match",
    "Mismatch",
    "ParsedReference",
    "WorkSource",
    "build_query",
    "compare",
    "match_reference",
    "parse_reference",
    "score_candidate",
]
