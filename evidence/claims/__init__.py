"""Which sentences make a claim that needs a source, and why.

A sentence needs a source when a rule finds a cue in it: a statistic, a number, a comparison,
an effect ("reduces pain"), a cause, an appeal to evidence ("studies have shown"), a body's
recommendation, a prevalence ("most patients"), coverage or cost, an amount of treatment
("six to eight sessions"). Headings, questions and instructions ("Ask your doctor...") never
need one; in a definition ("X is a discipline that...") effects and causes are description.
Each rule is a small function from text to reasons (``"coverage/cost: 'insurance'"``), so
that a flagged sentence says why, and new rules can be added to ``DEFAULT_RULES``.

Precision is favoured over recall: a check that cries wolf gets turned off. Hedged capability
("can be used to treat", "may help reduce") is not a cue; effect verbs count only in finite
or asserted form ("improves", "was reduced", "will relieve"), not as purposes ("to improve").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence.articles import Article, Sentence, strip_markers

__all__ = [
    "DEFAULT_EXEMPTIONS",
    "DEFAULT_RULES",
    "ClaimRule",
    "ClaimVerdict",
    "Exemption",
    "assess",
    "find_claims",
]

ClaimRule = Callable[[str], list[str]]
"""Text (markers taken out) to reasons, one per cue found; empty when the rule sees none."""
Exemption = Callable[[Sentence, str], "str | None"]
"""A reason why the sentence needs no source whatever its cues, or ``None``."""


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """Whether a sentence needs a source, and the cues (or the exemption) that decided it."""

    needs_support: bool
    reasons: tuple[str, ...]


def _cues(label: str, *patterns: str, flags: int = re.IGNORECASE) -> ClaimRule:
    compiled = [re.compile(p, flags) for p in patterns]

    def rule(text: str) -> list[str]:
        found: dict[str, None] = {}
        for pattern in compiled:
            for match in pattern.finditer(text):
                found[f"{label}: '{match.group().strip()}'"] = None
        return list(found)

    rule.__name__ = label.replace("/", "_").replace(" ", "_")
    rule.__doc__ = f"Cues of kind {label!r}."
    return rule


_NUMBER_WORD = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|several|a few|a couple of)"
)
_EFFECT = (
    r"(?:improve|reduce|relieve|decrease|lower|prevent|cure|alleviate|ease|shorten|eliminate"
    r"|restore|speed up)"
)

evidence_phrase = _cues(
    "evidence phrase",
    r"\b(?:studies|research|evidence|trials|data|reviews?|meta-analys[ie]s|researchers|scientists"
    r"|experts)\b(?:\s+\w+){0,3}?\s+(?:show|shows|shown|showed|found|finds|suggest|suggests"
    r"|suggested|demonstrate[sd]?|indicate[sd]?|confirm(?:s|ed)?|prove[sdn]?|agree)\b",
    r"\baccording to\b",
    r"\b(?:has|have) been (?:shown|proven|demonstrated|found)\b",
    r"\bclinically proven\b",
)
recommendation = _cues(
    "recommendation",
    r"\brecommends\b|\brecommended (?:by|for|as)\b|\brecommendations?\b|\bendorse[sd]\b",
    r"\b(?:guidelines?|experts|doctors|physicians|societies|organi[sz]ations|associations)"
    r"(?:\s+\w+){0,2}?\s+(?:recommend|advise|suggest|endorse)\b",
)
statistic = _cues(
    "statistic",
    r"\b\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b)",
    r"\bp\s*[<=>\u2264]\s*0?\.\d+",
    r"\b(?:odds|hazard|risk) ratios?\b|\bconfidence intervals?\b|\bn\s*=\s*\d+",
    rf"\b{_NUMBER_WORD} (?:in|out of) (?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b",
    r"\b(?:half|a third|one third|two thirds|a quarter|one quarter) of\b",
)
number = _cues(
    "number",
    r"(?<![\w.,/-])\d+(?:[.,]\d+)*(?![\w/-]|[.,]\d|\s*(?:%|percent|per cent|in \d|out of))",
)
prevalence = _cues(
    "prevalence",
    r"\b(?:most|many|the majority of|a majority of|nearly all|almost all|a minority of|millions of"
    r"|thousands of)\s+(?:[a-z-]+\s+){0,2}?(?:people|patients|adults|children|americans|individuals"
    r"|cases|women|men|workers|insurance|insurers|plans|policies|doctors|physicians|therapists"
    r"|clinicians|employers|sufferers)\b",
    r"\b(?:prevalence|incidence|leading cause|most common)\b",
)
comparison = _cues(
    "comparison",
    r"\b(?:more|less|fewer|greater|better|worse|higher|lower|faster|slower|safer|cheaper"
    r"|stronger|weaker)\s+(?:\w+\s+){0,3}?than\b",
    r"\bcompared (?:to|with)\b|\b(?:superior|inferior|equivalent) to\b",
    r"\bas (?:effective|good|safe) as\b|\boutperform\w*|\b(?:twice|three times) as\b",
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
)
causation = _cues(
    "causation",
    r"\b(?:causes|caused|leads to|led to|results in|resulted in|contributes to|linked to"
    r"|associated with|increases the risk|reduces the risk|risk factors?)\b",
)
coverage_cost = _cues(
    "coverage/cost",
    r"\b(?:insurance|insurers?|Medicare|Medicaid|coverage|covered|covers|co-?pays?"
    r"|co-?payments?|deductibles?|out-of-pocket|reimburs\w*|costs?|costly|prices?|expensive"
    r"|affordable|cheaper|fees?|dollars)\b",
    r"\$\s?\d+(?:[.,]\d+)*",
)
treatment_amount = _cues(
    "treatment count/duration",
    rf"\b{_NUMBER_WORD}(?:\s*(?:to|-|\u2013|or)\s*{_NUMBER_WORD})?\s+(?:sessions?|visits?|weeks?"
    r"|months?|treatments?|appointments?|days?|years?|hours?|minutes?|times a week)\b",
    r"\bnumber of\s+(?:[\w-]+\s+){0,3}?(?:sessions|visits|treatments|appointments)\b",
)

DEFAULT_RULES: tuple[ClaimRule, ...] = (
    evidence_phrase,
    recommendation,
    statistic,
    number,
    prevalence,
    comparison,
    effectiveness,
    causation,
    coverage_cost,
    treatment_amount,
)
"""The rules ``assess`` applies; pass your own tuple to add or drop one."""

_WEAK = ("effectiveness:", "causation:")
"""Cues that a definition's description carries without claiming anything."""

_INSTRUCTION = re.compile(
    r"^(?:please\s+)?(?:(?:it(?:'|\u2019)s|it is)\s+(?:important|best|wise|a good idea|advisable"
    r"|essential)\s+to\s+(?!note|remember|know|understand|realize|recognize)\w+"
    r"|(?:you\s+(?:should|may want to|might want to|need to|must)\s+)?(?:ask|check|talk|call"
    r"|consult|contact|speak|discuss|tell|bring|make sure|be sure|try|avoid|stop|don(?:'|\u2019)t"
    r"|do not|do|never|always|follow|wear|lift|bend|sit|stand|start|begin|book|schedule|write"
    r"|visit|find|look for|use|apply|take|rest|keep|seek|choose|consider)\b"
    r"(?!\s+(?:is|are|was|were|has|have|can|may|will)\b))",
    re.IGNORECASE,
)
_DEFINITION = re.compile(
    r"^(?:[\w()\u2019'-]+\s){1,8}?(?:is|are|refers to|means)\s+(?:a|an|the)\s+(?:[\w-]+\s){0,3}?"
    r"(?:discipline|type|form|kind|method|technique|treatment|therapy|profession|field|branch"
    r"|approach|condition|term|practice|device|procedure|process|way|specialty|program)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+")


def heading(sentence: Sentence, text: str) -> str | None:
    return "heading" if sentence.kind == "heading" else None


def question(sentence: Sentence, text: str) -> str | None:
    return "question" if text.rstrip(" \"'\u201d)").endswith("?") else None


def instruction(sentence: Sentence, text: str) -> str | None:
    match = _INSTRUCTION.match(text)
    return f"instruction: '{match.group().strip()}'" if match else None


DEFAULT_EXEMPTIONS: tuple[Exemption, ...] = (heading, question, instruction)
"""Checked before the rules: the first that answers decides the sentence needs no source."""


def assess(
    sentence: Sentence,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
) -> ClaimVerdict:
    """Whether ``sentence`` needs a source, with the reasons."""
    text = " ".join(_URL.sub(" ", strip_markers(sentence.text)).split())
    for exemption in exemptions:
        reason = exemption(sentence, text)
        if reason is not None:
            return ClaimVerdict(False, (reason,))
    reasons = [reason for rule in rules for reason in rule(text)]
    definition = _DEFINITION.match(text)
    if definition is not None and reasons:
        reasons = [r for r in reasons if not r.startswith(_WEAK)]
        if not reasons:
            return ClaimVerdict(False, (f"definition: '{definition.group()}'",))
    return ClaimVerdict(bool(reasons), tuple(reasons))


def find_claims(
    article: Article,
    *,
    rules: Sequence[ClaimRule] = DEFAULT_RULES,
    exemptions: Sequence[Exemption] = DEFAULT_EXEMPTIONS,
) -> list[tuple[Sentence, ClaimVerdict]]:
    """Every sentence of ``article`` with its verdict, in order."""
    return [(s, assess(s, rules=rules, exemptions=exemptions)) for s in article.sentences]
