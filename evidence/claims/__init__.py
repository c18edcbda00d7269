"""Which sentences make a claim that needs a source, and why.

Two parts decide. The rules (this docstring, below) find cues and say why; a learned model
(``model.py``, features in ``features.py``, weights trained by ``training/claims/train.py``)
scores every sentence that no exemption took out, reading its words, the rules' cues and the
section it stands in. A sentence in which a cue stands needs a source when its score reaches
the low cue threshold (the model vetoes a cue only where it is surest); one with no cue needs
the high model threshold, and its reason says the model alone decided (``assess``). A second
stage (``second_stage.py``) keeps the model alone from flagging what describes (a frame's
sentence, a list item glossing a term) or what a paper's Results state (its own findings),
and lets no descriptive cue stand in a paper's Results.

The rules: a cue is a statistic, a number, a comparison,
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
from dataclasses import dataclass, field

from evidence.articles import Article, Sentence, strip_markers
from evidence.claims.features import feature_names, section_kind
from evidence.claims.frames import DEFAULT_EXEMPTIONS, DEFAULT_FRAMES, Exemption, Frame
from evidence.claims.model import ClaimModel, Thresholds, default_model
from evidence.claims.rules import DEFAULT_RULES, ClaimRule, quantities_only
from evidence.claims.second_stage import route

__all__ = [
    "DEFAULT_EXEMPTIONS",
    "DEFAULT_FRAMES",
    "DEFAULT_RULES",
    "ClaimModel",
    "ClaimRule",
    "ClaimVerdict",
    "Exemption",
    "Frame",
    "RuleReading",
    "Thresholds",
    "assess",
    "default_model",
    "explain",
    "find_claims",
    "model_features",
    "read_rules",
]

_URL = re.compile(r"https?://\S+|www\.\S+")


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """Whether a sentence needs a source, the cues (or the exemption) that decided it, and the
    model's score (``None`` when an exemption decided before the model was asked)."""

    needs_support: bool
    reasons: tuple[str, ...]
    score: float | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RuleReading:
    """What the hand-written rules see in a sentence: the model's cue features and the
    verdict's explanation."""

    text: str  # the sentence with markers and URLs taken out
    exemption: str | None  # a reason that decides alone (heading, question, ...)
    cues: tuple[str, ...]  # every cue found, before frames
    frames: tuple[str, ...]  # names of the frames that weakened some cues
    framed: str | None  # the frame's reason when it left no cue standing
    reasons: tuple[str, ...]  # the cues left after frames
    described: str | None = None  # the first frame the sentence is in, cues or none

    @property
    def verdict(self) -> ClaimVerdict:
        """The rules' own verdict: a sentence needs a source when a cue is left standing."""
        if self.exemption is not None:
            return ClaimVerdict(False, (self.exemption,))
        if self.framed is not None and not self.reasons:
            return ClaimVerdict(False, (self.framed,))
        return ClaimVerdict(bool(self.reasons), self.reasons)


def read_rules(
    sentence: Sentence,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
    describe: bool = True,
) -> RuleReading:
    """The rules', exemptions' and frames' reading of ``sentence``. With ``describe=False`` a
    sentence with no cue is not read for its frame (``described`` stays ``None``): that frame
    matters only where the model alone would flag the sentence (``assess`` reads it then)."""
    text = " ".join(_URL.sub(" ", strip_markers(sentence.text)).split())
    for exemption in exemptions:
        reason = exemption(sentence, text)
        if reason is not None:
            return RuleReading(text, reason, (), (), None, ())
    cues = tuple(reason for rule in rules for reason in rule(text))
    reasons = list(cues)
    matched: list[str] = []
    framed: str | None = None
    described: str | None = None
    for frame in frames:
        # A sentence with no cue is still read for its frame: the model alone does not flag
        # a definition or a sentence about the text's own method (``second_stage.py``).
        found = frame.match(text) if reasons or (describe and described is None) else None
        if found is None:
            continue
        described = described or found
        if reasons:
            matched.append(frame.name)
            reasons = [r for r in reasons if r.split(":", 1)[0] not in frame.weak]
            if not reasons:
                framed = found
    return RuleReading(text, None, cues, tuple(matched), framed, tuple(reasons), described)


def explain(
    sentence: Sentence,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
) -> ClaimVerdict:
    """The rules' verdict alone (no model): the cues that fired, or what exempted the sentence."""
    return read_rules(sentence, rules=rules, exemptions=exemptions, frames=frames).verdict


def model_features(reading: RuleReading, heading: str | None = None) -> list[str]:
    """The model's named features of a sentence the rules have read. Dates, ages and clock
    times are blanked first, as for the rules: a year or an age alone is never a claim, though
    Wikipedia editors footnote birth dates."""
    kinds = dict.fromkeys(cue.split(":", 1)[0] for cue in reading.cues)
    return feature_names(quantities_only(reading.text), kinds, reading.frames,
                         section_kind(heading))


def assess(
    sentence: Sentence,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
    thresholds: Thresholds | None = None,
    model: ClaimModel | None = None,
    heading: str | None = None,
) -> ClaimVerdict:
    """Whether ``sentence`` needs a source, with the reasons and the model's score.

    After the exemptions, the model scores every sentence, and ``second_stage.route`` says
    which threshold applies. A sentence in which a rule's cue is left standing needs a source
    when its score reaches ``thresholds.cue`` (low: the rules were written for precision; the
    model vetoes a cue only in a sentence quite unlike a claim); one with no standing cue
    needs the higher ``thresholds.model`` (the model's call alone, said so in the reason with
    the words that weighed most), unless it is held (a frame or a glossed list item: it
    describes, and the model alone does not flag it). Defaults: the model's own.
    ``heading`` is the text of the heading the sentence stands under, if any: under a
    paper's Results heading, the cues that describe are its own data and do not stand."""
    reading = read_rules(sentence, rules=rules, exemptions=exemptions, frames=frames,
                         describe=False)
    if reading.exemption is not None:
        return reading.verdict
    model = model or default_model()
    cut = thresholds or model.thresholds
    kind = section_kind(heading)
    names = model_features(reading, heading)
    score = model.score(names)
    described = reading.described
    if not reading.cues and score >= cut.model:
        # Only now can its frame change the verdict (it holds the model alone back).
        described = next((found for frame in frames if (found := frame.match(reading.text))),
                         None)
    path = route(sentence, reading.reasons, described, kind)
    if path.path == "cue":
        if score >= cut.cue:
            return ClaimVerdict(True, path.standing, score)
        return ClaimVerdict(False, (*path.standing, f"model: score {score:.2f} below the cue "
                                    f"threshold {cut.cue:.2f}"), score)
    if path.path == "held":
        assert path.why is not None
        return ClaimVerdict(False, (path.why,), score)
    if score >= cut.model:
        words = ", ".join(f"'{w}'" for w in model.strongest(names))
        return ClaimVerdict(True, (f"model only: score {score:.2f}; words {words}",), score)
    return ClaimVerdict(False, (path.why,) if path.why else (), score)


def find_claims(
    article: Article,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
    frames: Sequence[Frame] = DEFAULT_FRAMES,
    thresholds: Thresholds | None = None,
    model: ClaimModel | None = None,
) -> list[tuple[Sentence, ClaimVerdict]]:
    """Every sentence of ``article`` with its verdict, in order; each is scored with the
    heading it stands under (by ``model``, default the shipped one)."""
    found = []
    heading: str | None = None
    for s in article.sentences:
        found.append((s, assess(s, rules=rules, exemptions=exemptions, frames=frames,
                                thresholds=thresholds, model=model, heading=heading)))
        if s.kind == "heading":
            heading = s.text
    return found
