"""The cues: each rule is a small function from text to reasons (``"coverage/cost: 'insurance'"``).

A reason names its rule before the colon, so that frames (``frames.py``) can tell strong cues
from weak ones, and a person can see which words fired. A pattern is tried only when the
sentence holds one of the words it cannot match without (``prefilter.py``): most sentences
hold few, and the answer is the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from evidence.claims.prefilter import Strings, fold, known_needs, passes
from evidence.patterns import LazyPattern

__all__ = ["DEFAULT_RULES", "ClaimRule", "quantities_only"]

ClaimRule = Callable[[str], list[str]]
"""Text (markers taken out) to reasons, one per cue found; empty when the rule sees none."""

PREFILTERED: list[tuple[LazyPattern, Strings | None]] = []
"""Every pattern run behind a prefilter, with the words it needs (the tests check them)."""


def _cues(label: str, *patterns: str, flags: int = re.IGNORECASE) -> ClaimRule:
    # Compiled when a sentence first holds a word the pattern needs: most never run.
    compiled = [(LazyPattern(p, flags), known_needs(p, flags)) for p in patterns]
    PREFILTERED.extend(compiled)

    def rule(text: str) -> list[str]:
        found: dict[str, None] = {}
        folded = fold(text)
        for pattern, needs in compiled:
            if needs is not None:  # ``passes`` inlined: it runs some 50 times a sentence
                for word in needs:
                    if word in folded:
                        break
                else:
                    continue  # no match is possible without one of these words
            for match in pattern.finditer(text):
                # A pattern may name the words to quote ("cue") apart from their context.
                cue = match.group("cue") if "cue" in pattern.groupindex else match.group()
                found[f"{label}: '{cue.strip()}'"] = None
        return list(found)

    rule.__name__ = label.replace("/", "_").replace(" ", "_")
    rule.__doc__ = f"Cues of kind {label!r}."
    return rule


def _masked(rule: ClaimRule) -> ClaimRule:
    """``rule`` on the text with dates, ages and clock times blanked out."""

    def masked(text: str) -> list[str]:
        return rule(_quantities_only(text))

    masked.__name__, masked.__doc__ = rule.__name__, rule.__doc__
    return masked


@lru_cache(maxsize=8)
def _quantities_only(text: str) -> str:
    """``text`` with dates, ages and clock times blanked out."""
    # Three rules read the masked text of the same sentence in turn: mask it once.
    if not _DIGIT.search(text):
        return text  # every masked form holds a digit
    # Only the kinds of date or age whose key words are in the sentence are tried: a kind that
    # cannot match anywhere changes nothing in the alternation, and most sentences hold few.
    folded = fold(text)
    kinds = tuple(i for i, needs in enumerate(_NOT_A_QUANTITY_NEEDS) if passes(needs, folded))
    return _not_a_quantity(kinds).sub(_blank, text) if kinds else text


quantities_only = _quantities_only


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


@cache
def _not_a_quantity(kinds: tuple[int, ...]) -> re.Pattern[str]:
    if len(kinds) == len(_NOT_A_QUANTITY_KINDS):
        return _NOT_A_QUANTITY.compiled
    return re.compile("|".join(_NOT_A_QUANTITY_KINDS[i] for i in kinds), re.IGNORECASE)


_NUMBER_WORD = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|several|a few|a couple of)"
)
_EFFECT = (
    r"(?:improve|reduce|relieve|decrease|lower|prevent|cure|alleviate|ease|shorten|eliminate"
    r"|restore|speed up)"
)
_TIME_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_NOT_A_QUANTITY_KINDS = (
    # Numbers that say when, how old or what time, not how much: no claim rests on them.
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?\b",
    rf"\b{_MONTH},?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s+\d{{4}})?\b",
    rf"\b{_MONTH},?\s+\d{{4}}\b",
    r"(?:\b(?:in|since|from|to|until|till|by|between|and|before|after|during|through|of"
    r"|spring|summer|autumn|fall|winter)\s+|[(\u2013-])(?:1[89]|20)\d{2}s?\b(?!\s*%)",
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)",
    r"\b\d{1,2}:\d{2}\b",
    rf"\baged?\s+(?:between\s+)?\d+(?:\s*(?:-|\u2013|to|and)\s*\d+)?(?:\s*{_TIME_UNIT})?",
    rf"\b\d+(?:\s*(?:-|\u2013|to|and)\s*\d+)?\s*{_TIME_UNIT}\s+(?:of\s+age|old)\b",
)
_NOT_A_QUANTITY = LazyPattern("|".join(_NOT_A_QUANTITY_KINDS), re.IGNORECASE)
_NOT_A_QUANTITY_NEEDS = tuple(known_needs(kind, re.IGNORECASE) for kind in _NOT_A_QUANTITY_KINDS)
PREFILTERED.extend(  # for the tests: the masking compiles only the kinds a sentence may hold
    (LazyPattern(kind, re.IGNORECASE), needs)
    for kind, needs in zip(_NOT_A_QUANTITY_KINDS, _NOT_A_QUANTITY_NEEDS, strict=True)
)
_DIGIT = re.compile(r"\d")

evidence_phrase = _cues(
    "evidence phrase",
    r"\b(?:studies|study|research|evidence|trials?|data|reviews?|meta-analys[ie]s|researchers"
    r"|scientists|experts|surveys?)\b(?:\s+\w+){0,3}?\s+(?:show|shows|shown|showed|found|finds"
    r"|suggest|suggests|suggested|demonstrate[sd]?|indicate[sd]?|confirm(?:s|ed)?|prove[sdn]?"
    r"|agree|reported|reports|concluded|revealed)\b",
    r"\baccording to\b",
    r"\b(?:has|have) been (?:shown|proven|demonstrated|found)\b",
    r"\bclinically proven\b",
)
earlier_work = _cues(
    "earlier work",
    # What others, or the authors before, found or did: the citation names the earlier paper.
    r"\b(?:previous|prior|earlier|recent|past|published|other)\s+(?:\w+\s+)?(?:studies|study"
    r"|research|work|reports?|trials?|findings|investigations|experiments|analyses)\b",
    r"\b(?:we|our\s+(?:group|lab|laboratory|team))\s+(?:have\s+|had\s+)?(?:previously|recently"
    r"|earlier|already)\s+\w+",
    r"\bwe\s+(?:have\s+|had\s+)?(?:showed|shown|reported|found|demonstrated|observed|described"
    r"|identified)\s+(?:\w+\s+){0,2}?(?:previously|earlier|before)\b",
    r"\b(?:has|have|had)\s+(?:\w+ly\s+)?been\s+(?:reported|implicated|described|identified"
    r"|observed|linked|associated|established|documented)\b",
    r"\b(?:is|are|was|were|been)\s+(?:widely\s+|generally\s+|commonly\s+|now\s+|also\s+)?"
    r"(?P<cue>(?:known|thought|believed|shown|reported|proven|found)\s+to\s+\w+)",
    r"\b(?:known|thought|believed|shown|reported|proven|found)\s+to\s+(?:be|have|play|bind"
    r"|cause|increase|reduce|lower|raise|protect|prevent|affect|contribute|act|regulate"
    r"|promote|inhibit|induce|mediate)\b",
    r"\b(?-i:[A-Z])[\w-]+\s+(?:and|&)\s+(?:colleagues|co-?workers)\b",
    # The literature in the perfect: "Studies on X have focused on", "trials have examined".
    r"\b(?:studies|trials|reports|investigations|researchers|authors|surveys|analyses)\b"
    r"(?:\s+[\w-]+){0,4}?\s+have\s+(?:\w+ly\s+)?(?:focused|investigated|examined|explored"
    r"|looked|addressed|described|used|been\s+(?:\w+ly\s+)?(?:carried out|conducted|done))\b",
)
recommendation = _cues(
    "recommendation",
    r"\brecommends\b|\brecommended (?:by|for|as)\b|\brecommendations?\b|\bendorse[sd]\b",
    r"\b(?:guidelines?|experts|doctors|physicians|societies|organi[sz]ations|associations)"
    r"(?:\s+\w+){0,2}?\s+(?:recommend|advise|suggest|endorse)\b",
    # "Adults should...", "X should be avoided"; "you should..." is an instruction (exempt),
    # "should you" a question, "it should be noted" a turn of phrase.
    r"\b(?<!\bif\s)(?!(?:you|we|i|it|this|that|which|who|how|what|when|why|where|there)\b)"
    # "The exercises should take ten minutes" says how long, not what to do.
    r"[a-z][\w-]*\s+(?:should|ought to)(?:\s+not|n't)?\s+(?!(?:you|we|i|take|last|feel|look"
    r"|arrive|come|fit|begin|start|finish|end)\b)[a-z]+",
)
statistic = _masked(_cues(
    "statistic",
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b)",
    r"\bp\s*[<=>\u2264]\s*0?\.\d+",
    r"\b(?:odds|hazard|risk) ratios?\b|\bconfidence intervals?\b|\bn\s*=\s*\d+",
    rf"\b{_NUMBER_WORD} (?:in|out of) (?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b",
    r"\b(?:half|a third|one third|two thirds|a quarter|one quarter) of\b",
))
number = _masked(_cues(
    "number",
    # Not digits inside a name (TET2, COVID-19, 25(OH)D), nor a span of time (the duration
    # rule judges those), nor a share (the statistic rule's).
    r"(?<![\w.,/-])\d+(?:[.,]\d+)*(?![\w/(-]|[.,]\d|\s*(?:%|percent|per cent|in \d|out of"
    rf"|{_TIME_UNIT}\b))",
))
prevalence = _cues(
    "prevalence",
    r"\b(?:many|millions of|thousands of)\s+(?:[a-z-]+\s+){0,2}?(?:people|patients|adults"
    r"|children|americans|individuals|cases|women|men|workers|insurance|insurers|plans|policies"
    r"|doctors|physicians|therapists|clinicians|employers|sufferers)\b",
    # A quantifier over a population: "most households", "nearly all GP practices".
    r"\b(?:most|the majority of|a majority of|nearly all|almost all|a minority of)\s+"
    r"(?!(?:days|weeks|months|years|nights|mornings|evenings|times|of)\b)(?:[a-z-]+\s+){0,2}?"
    r"[a-z-]+s\b",
    # A rate named with its level or its change, not as a topic ("to estimate the incidence").
    r"\b(?:high|higher|highest|low|lower|lowest|rising|increasing|growing|declining|falling"
    r"|increased|decreased)\s+(?:\w+\s+)?(?:prevalence|incidence)\b",
    r"\b(?:prevalence|incidence)\s+(?:of\s+(?:[\w-]+\s+){1,4}?)?(?:(?:has|have|had)\s+"
    r"(?:\w+ly\s+)?(?:risen|fallen|doubled|tripled|increased|decreased|grown|declined|dropped)"
    r"|rose|fell|doubled|tripled|increased|decreased|grew|declined|dropped"
    r"|(?:is|was|were|remains?)\s+(?:\w+ly\s+)?(?:\d|high|low|rising|falling|about|around"
    r"|nearly|estimated|higher|lower))\b",
    r"\b(?:leading cause|most common)\b",
    r"\b(?:is|are|was|were|remains?|becomes?|becoming)\s+(?:\w+\s+){0,2}?(?:endemic|widespread"
    r"|common|commonplace|prevalent|ubiquitous|rare|uncommon|epidemic)\b",
    r"\b(?:more|less|most|least)\s+(?:common|frequent|prevalent|widespread)\b",
)
comparison = _cues(
    "comparison",
    # "more than six weeks" is an amount, not a comparison.
    r"\b(?:more|less|fewer|greater|better|worse|higher|lower|faster|slower|safer|cheaper"
    r"|stronger|weaker)\s+(?!than\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|a few|several|half)\b)(?:\w+\s+){0,3}?than\b",
    r"\bcompared (?:to|with)\b|\b(?:superior|inferior|equivalent) to\b",
    r"\bas (?:effective|good|safe) as\b|\boutperform\w*|\b(?:twice|three times) as\b",
    r"\b(?:the|among the)\s+(?:most|least)\s+(?:effective|common|frequent|lethal|dangerous"
    r"|deadly|serious|severe|successful|prevalent|useful|reliable|accurate|safe|likely|costly"
    r"|expensive|popular|powerful|beneficial|important|harmful)\b",
)
effectiveness = _cues(
    "effectiveness",
    r"\b(?:effective(?:ness)?|ineffective|efficacy|efficacious|beneficial|improvements?"
    r"|reductions?)\b",
    r"\b(?:improves|reduces|relieves|decreases|lowers|prevents|cures|alleviates|eases"
    r"|shortens|eliminates|restores|speeds up)\b",
    r"\b(?:is|are|was|were|been|significantly|substantially|markedly|greatly|has|have|had)\s+"
    r"(?:improved|reduced|relieved|decreased|lowered|prevented|cured|alleviated|eased"
    r"|shortened|eliminated|restored)\b",
    rf"\b(?:will|does|do|did)\s+(?:not\s+)?{_EFFECT}\b",
    rf"\b(?:expected|likely|unlikely)\s+to\s+(?:\w+\s+)?{_EFFECT}\b",
)
_PAST_EFFECT = LazyPattern(
    r"\b([\w-]+)\s+((?:significantly\s+|markedly\s+|substantially\s+|greatly\s+)?(?:reduced"
    r"|decreased|lowered|improved|relieved|prevented|eased|shortened|eliminated|restored|cured"
    r"|alleviated|increased|raised|boosted|worsened|weakened|halved|doubled|tripled|enhanced"
    r"|inhibited|suppressed|blocked|abolished|promoted|triggered|drove))\s+"
    r"(?!(?:by|and|or|to|in|at|with|from|for|than|on|after|over|during|when|as|if)\b)"
    r"[\w(-]",
    re.IGNORECASE,
)
_PAST_EFFECT_NEEDS = known_needs(_PAST_EFFECT.pattern, _PAST_EFFECT.flags)
PREFILTERED.append((_PAST_EFFECT, _PAST_EFFECT_NEEDS))
_NOT_A_SUBJECT = frozenset(
    # Before a participle used as an adjective ("with reduced mobility", "a reduced dose") or
    # after an auxiliary (the effectiveness rule's passive and perfect forms).
    "a an the this that these those its their his her our your my with of in on for by to"
    " at from into and or but not no is are was were be been being has have had which who"
    " whose very more less most least via through under without against between among during"
    " upon despite whereas than as like both either neither such also only".split()
)


def effect_in_past(text: str) -> list[str]:
    """A result told in the active past: "walking lowered blood pressure", "X reduced Y"."""
    if not passes(_PAST_EFFECT_NEEDS, fold(text)):
        return []
    return [
        f"effect: '{m.group(1)} {m.group(2)}'"
        for m in _PAST_EFFECT.finditer(text)
        if m.group(1).lower() not in _NOT_A_SUBJECT
    ]


causation = _cues(
    "causation",
    r"\b(?:causes|caused|leads to|led to|results in|resulted in|contributes to|linked to"
    r"|associated with|increases the risk|reduces the risk|risk factors?|due to|as a result of"
    r"|because of)\b",
    r"\b(?P<cue>drives|triggers|promotes|weakens|worsens|damages|raises|boosts|harms|protects"
    r"|strengthens|accelerates|inhibits|suppresses|stimulates|induces)\s+(?!to\b)\w",
    r"\bcuts?\s+(?:the\s+)?(?:\w+\s+)?(?:risk|rate|chance|odds|number|deaths|admissions)\b",
)
cause_role = _cues(
    "cause/role",
    # "a significant cause of", "the main reason", "a major contributor to".
    r"\b(?:a|an|the)\s+(?:single\s+|most\s+)?(?:main|major|leading|primary|principal|chief"
    r"|common|commonest|frequent|important|significant|key|known|biggest|largest|top"
    r"|direct|dominant|preventable)\s+(?:[\w-]+\s+)?(?:causes?|contributors?"
    r"|drivers?|reasons?|sources?|triggers?|determinants?|predictors?|risk factors?)\b",
    r"\b(?:play|plays|played|playing|has|have|had)\s+(?:a|an)\s+(?:\w+\s+){0,2}?roles?\s+in\b",
    r"\b(?!it\b)\w+\s+(?P<cue>(?:is|are|was|were|remains?)\s+(?:\w+ly\s+|also\s+)?(?:crucial"
    r"|essential|critical|vital|indispensable|necessary)\s+(?:for|to|in))\s+"
    r"(?!\w+\s+(?:to|the|a|an)\b)\w",
    r"\bresponsible for\s+(?:about\s+|around\s+|nearly\s+|almost\s+|over\s+|more than\s+)?"
    r"(?:\d|half|a third|a quarter|most|many|much|millions|thousands|the majority)",
)
coverage_cost = _cues(
    "coverage/cost",
    r"\b(?:insurance|insurers?|Medicare|Medicaid|coverage|covered|covers|co-?pays?"
    r"|co-?payments?|deductibles?|out-of-pocket|reimburs\w*|costs?|costly|prices?|expensive"
    r"|affordable|cheaper|fees?|dollars)\b",
    r"\$\s?\d+(?:[.,]\d+)*",
)
treatment_amount = _masked(_cues(
    "treatment count/duration",
    rf"\b{_NUMBER_WORD}(?:\s*(?:to|-|\u2013|or)\s*{_NUMBER_WORD})?\s+(?:sessions?|visits?"
    r"|treatments?|appointments?|times a week)\b",
    # A span of time only as what something takes ("takes six weeks", "within 3 days"), not
    # as when or how long a study ran ("1 year later", "for 20 years").
    r"\b(?:takes?|took|taking|lasts?|lasted|lasting|within|requires?|required|needs?|needed"
    r"|up to|course of|over|after)\s+(?:about\s+|around\s+|roughly\s+|approximately\s+"
    rf"|only\s+|just\s+|at least\s+)?(?P<cue>{_NUMBER_WORD}(?:\s*(?:to|-|\u2013|or)\s*"
    rf"(?:{_NUMBER_WORD}\s+)?{_NUMBER_WORD})?\s+{_TIME_UNIT})\b",
    r"\bnumber of\s+(?:[\w-]+\s+){0,3}?(?:sessions|visits|treatments|appointments)\b",
))

DEFAULT_RULES: tuple[ClaimRule, ...] = (
    evidence_phrase,
    earlier_work,
    recommendation,
    statistic,
    number,
    prevalence,
    comparison,
    effectiveness,
    effect_in_past,
    causation,
    cause_role,
    coverage_cost,
    treatment_amount,
)
"""The rules ``assess`` applies; pass your own tuple to add or drop one."""
