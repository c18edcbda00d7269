"""What decides after the rules have read a sentence and the model has scored it.

Three rules, each about where a sentence stands rather than what its words are, so that they
hold for prose none of the training sources is like:

- **Results.** In a research paper's Results section the cues that describe (a number, a
  share, an effect, a comparison...) are the paper's own data: they do not stand there, and
  the model alone does not flag a sentence there either: what a paper's Results state without
  pointing elsewhere is its own finding, and needs no other source in that paper. Cues that
  point elsewhere (an appeal to evidence or to earlier work, a recommendation) still stand.
  In the PLOS training sentences a Results sentence with a cue carried a citation 15 % of the
  time, against 25 % over all; out of fold (the second pass's model), the model alone's flags
  in Results were right 23 % of the time (857 flags at 0.50), elsewhere in PLOS 54 %.
- **Frames.** A sentence in a frame of ``frames.py`` (a definition, the text's or its authors'
  own method) is not flagged by the model alone, cue or none: it describes. In the training
  part, such sentences were cited less often than others in PLOS and in the project's set.
- **Glosses.** A list item that opens with a term and a dash or colon ("Foam rollers – used
  for self-massage") glosses the term: a definition, which the model alone does not flag.
  The training sentences hold no list items, so this one rests on the project's guideline
  (definitions need no source), not on a measurement.

``route`` names which threshold a sentence must reach, or why none applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from evidence.articles import Sentence

__all__ = ["RESULTS_WEAK", "Route", "gloss", "route"]

RESULTS_WEAK = frozenset({
    "statistic", "number", "prevalence", "comparison", "effectiveness", "effect", "causation",
    "cause/role", "coverage/cost", "treatment count/duration",
})
"""Cue kinds that are a paper's own data when they stand in its Results section."""

_GLOSS = re.compile(r"^[^.:;\u2013\u2014]{1,60}?(?:\s[\u2013\u2014-]|\s?[\u2013\u2014:])\s+\S")


def gloss(sentence: Sentence) -> str | None:
    """A list item glossing its opening term ("Foam rollers – used for ..."), or ``None``."""
    if sentence.kind != "list-item":
        return None
    found = _GLOSS.match(sentence.text)
    return f"gloss: '{found.group()[:-1].strip()}'" if found else None


@dataclass(frozen=True, slots=True)
class Route:
    """``cue``: a cue stands and the low threshold applies; ``model``: the model's threshold;
    ``held``: the model alone may not flag it, for ``why``."""

    path: Literal["cue", "model", "held"]
    standing: tuple[str, ...]  # the cues that stand
    why: str | None = None


def route(
    sentence: Sentence,
    reasons: tuple[str, ...],
    described: str | None,
    section: str,
) -> Route:
    """The path of a sentence whose cues after frames are ``reasons``, in the frame
    ``described`` (if any), under a heading of ``section_kind`` ``section``."""
    standing = reasons
    if section == "results":
        standing = tuple(r for r in reasons if r.split(":", 1)[0] not in RESULTS_WEAK)
    if standing:
        return Route("cue", standing)
    why = described or gloss(sentence)
    if why is not None:
        return Route("held", (), why)
    if section == "results":
        return Route("held", (), "results section: the paper's own findings")
    return Route("model", ())
