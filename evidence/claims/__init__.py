"""Which sentences make a claim that needs a source, and why.

A sentence needs a source when a rule finds a cue in it: a statistic, a number, a comparison,
an effect ("reduces pain", "walking lowered blood pressure"), a cause or a role ("a leading
cause of", "plays a key role in"), an appeal to evidence ("studies have shown") or to earlier
work ("we showed previously", "has been implicated in"), a recommendation (a body's, or
"adults should..."), a prevalence ("most patients", "is endemic in"), coverage or cost, an
amount of treatment ("six to eight sessions"). Headings, questions, instructions and
title-case lines never need one. In a definition ("X is a condition that...") and in a
sentence about the text's or its authors' own method ("We recruited 40 patients aged 18-65")
the descriptive cues (numbers, effects, causes, costs) are dropped. Each rule is a small
function from text to reasons (``"coverage/cost: 'insurance'"``), so that a flagged sentence
says why, and new rules can be added to ``DEFAULT_RULES``.

Precision is favoured over recall: a check that cries wolf gets turned off. Hedged capability
("can be used to treat", "may help reduce") is not a cue; effect verbs count only in finite
or asserted form ("improves", "was reduced", "X lowered Y"), not as purposes ("to improve").
Numbers that say when, how old or what time (dates, ages, clock times) are not quantities.
A paper's own findings ("we found", "our results show") are not cues by their wording; the
benchmark (benchmarks/claims.py) reports the figures with and without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.articles import Article, Sentence, strip_markers
from evidence.claims.frames import DEFAULT_EXEMPTIONS, DEFAULT_FRAMES, Exemption, Frame
from evidence.claims.rules import DEFAULT_RULES, ClaimRule

__all__ = [
    "DEFAULT_EXEMPTIONS",
    "DEFAULT_FRAMES",
    "DEFAULT_RULES",
    "ClaimRule",
    "ClaimVerdict",
    "Exemption",
    "Frame",
    "assess",
    "find_claims",
]

_URL = re.compile(r"https?://\S+|www\.\S+")


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """Whether a sentence needs a source, and the cues (or the exemption) that decided it."""

    needs_support: bool
    reasons: tuple[str, ...]


def assess(
    sentence: Sentence,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
) -> ClaimVerdict:
    """Whether ``sentence`` needs a source, with the reasons."""
    text = " ".join(_URL.sub(" ", strip_markers(sentence.text)).split())
    for exemption in exemptions:
        reason = exemption(sentence, text)
        if reason is not None:
            return ClaimVerdict(False, (reason,))
    reasons = [reason for rule in rules for reason in rule(text)]
    for frame in frames:
        framed = frame.match(text) if reasons else None
        if framed is not None:
            reasons = [r for r in reasons if r.split(":", 1)[0] not in frame.weak]
            if not reasons:
                return ClaimVerdict(False, (framed,))
    return ClaimVerdict(bool(reasons), tuple(reasons))


def find_claims(
    article: Article,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
) -> list[tuple[Sentence, ClaimVerdict]]:
    """Every sentence of ``article`` with its verdict, in order."""
    return [
        (s, assess(s, rules=rules, exemptions=exemptions, frames=frames))
        for s in article.sentences
    ]
