"""Sentences that need no source whatever their cues, and frames that weaken some cues.

An exemption decides alone: headings, questions, instructions, title-case lines. A frame is a
kind of sentence in which some cues are description, not assertion: a definition ("X is a
condition that...") or a sentence about the text or its authors' own method ("We recruited
40 patients aged 18-65", "The next section explains how prevalence is measured"). In a frame
its weak cues are dropped; if none is left, the frame is the reason no source is needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from evidence.articles import Sentence

__all__ = ["DEFAULT_EXEMPTIONS", "DEFAULT_FRAMES", "Exemption", "Frame"]

Exemption = Callable[[Sentence, str], "str | None"]
"""A reason why the sentence needs no source whatever its cues, or ``None``."""


@dataclass(frozen=True, slots=True)
class Frame:
    """A kind of sentence, and the cues (rule names) that are only description inside it."""

    name: str
    pattern: re.Pattern[str]
    weak: tuple[str, ...]

    def match(self, text: str) -> str | None:
        found = self.pattern.search(text)
        return f"{self.name}: '{found.group().strip()}'" if found else None


_IMPERATIVE = (
    r"(?:ask|check|talk|call|consult|contact|speak|discuss|tell|bring|make sure|be sure|try"
    r"|avoid|stop|don(?:'|\u2019)t|do not|do|never|always|follow|wear|lift|bend|sit|stand"
    r"|start|begin|book|schedule|write|visit|find|look for|use|apply|take|rest|keep|seek"
    r"|choose|consider|see|get|go|phone|return|remember)\b"
)
_INSTRUCTION = re.compile(
    r"^(?:please\s+)?(?:(?:it(?:'|\u2019)s|it is)\s+(?:important|best|wise|a good idea|advisable"
    r"|essential)\s+to\s+(?!note|remember|know|understand|realize|recognize)\w+"
    rf"|(?:you\s+(?:should|may want to|might want to|need to|must)\s+)?{_IMPERATIVE}"
    r"(?!\s+(?:is|are|was|were|has|have|can|may|will)\b)"
    # "If the pain lasts more than six weeks, see your doctor": a condition, then an order.
    rf"|(?:if|when|whenever|once|before|after|while|unless|until)\b[^,.;]{{1,120}},\s+"
    rf"(?:then\s+|please\s+)?{_IMPERATIVE}(?!\s+(?:is|are|was|were|has|have|can|may|will)\b))",
    re.IGNORECASE,
)
_TITLE_WORD = re.compile(r"[A-Za-z][\w'\u2019-]*")


def heading(sentence: Sentence, text: str) -> str | None:
    return "heading" if sentence.kind == "heading" else None


def question(sentence: Sentence, text: str) -> str | None:
    return "question" if text.rstrip(" \"'\u201d)").endswith("?") else None


def instruction(sentence: Sentence, text: str) -> str | None:
    match = _INSTRUCTION.match(text)
    return f"instruction: '{match.group().strip()}'" if match else None


def title(sentence: Sentence, text: str) -> str | None:
    """A line in title case ("Reflecting Uncertainty in Cost Analysis 9.") names, not states."""
    words = _TITLE_WORD.findall(text)
    long = [w for w in words if len(w) > 3]
    if 2 <= len(long) and len(words) <= 12 and all(w[0].isupper() for w in long):
        return "title case"
    return None


DEFAULT_EXEMPTIONS: tuple[Exemption, ...] = (heading, question, instruction, title)
"""Checked before the rules: the first that answers decides the sentence needs no source."""

_DEFINITION = re.compile(
    r"^(?:[\w()\u2019'-]+\s){1,8}?(?:is|are|refers to|means)\s+(?:a|an|the)\s+"
    r"(?:[\w\u2019'-]+\s){0,3}?"
    r"(?:discipline|type|form|kind|method|technique|treatment|therapy|profession|field|branch"
    r"|approach|condition|term|practice|device|procedure|process|way|specialty|program"
    r"|programme|illness|disease|disorder|infection|virus|bacterium|drug|medicine|vaccine"
    r"|hormone|protein|enzyme|organ|muscle|test|scan|rate|amount|measure|measurement|unit"
    r"|force|response|sum|fee|payment|benefit|plan|policy|scheme|service|tool|word|name|part"
    r"|group|family|class|category|organelle|molecule|system|mechanism|ligand|receptor)s?\b",
    re.IGNORECASE,
)
_SECTION = (
    # A structured abstract's label for its methods: what follows describes the study.
    r"^(?:METHODS?(?: AND (?:RESULTS|FINDINGS))?|Methods(?: and (?:Results|Findings))?"
    r"|(?:STUDY )?DESIGN|SETTINGS?|PARTICIPANTS|PATIENTS|POPULATION|INTERVENTIONS?"
    r"|(?:MAIN |PRIMARY )?OUTCOME MEASURES?|OBJECTIVES?|AIMS?|PURPOSE|DATA SOURCES"
    r"|STUDY SELECTION|DATA EXTRACTION)(?:,? (?:AND )?(?:DESIGN|SETTINGS?|PARTICIPANTS"
    r"|PATIENTS|POPULATION|INTERVENTIONS?))*(?= [A-Z(])"
)
_METHOD_VERB = (
    r"(?:recruit(?:ed)?|enrol(?:led)?|enroll(?:ed)?|perform(?:ed)?|conduct(?:ed)?|use[sd]?"
    r"|ask(?:ed)?|interview(?:ed)?|spoke|speak|talked|survey(?:ed)?|compare[sd]?|measure[sd]?"
    r"|analy[sz]e[sd]?|assess(?:ed)?|evaluate[sd]?|examine[sd]?|investigate[sd]?|studie[sd]"
    r"|study|test(?:ed)?|estimate[sd]?|determine[sd]?|collect(?:ed)?|calculate[sd]?"
    r"|design(?:ed)?|develop(?:ed)?|describe[sd]?|discuss(?:ed)?|review(?:ed)?|present(?:ed)?"
    r"|explore[sd]?|follow(?:ed)?|tried|try|visit(?:ed)?|sought|search(?:ed)?|select(?:ed)?"
    r"|aim(?:ed)?|set out|focus(?:ed)?|model(?:l?ed)?|simulate[sd]?|quantif(?:y|ied)"
    r"|monitor(?:ed)?|track(?:ed)?|record(?:ed)?|randomi[sz]ed|treat(?:ed)?|genotyped"
    r"|sequenced|screen(?:ed)?)"
)
_METHODS = re.compile(
    rf"{_SECTION}"
    # "We recruited", "In this article we compare", "Our reporter tried"; not "we found that".
    r"|^(?:(?:here|first|next|then|finally|also|in addition|to this end),?\s+"
    r"|(?:in|for)\s+(?:this|the present|the current|our|the)\s+(?:\w+\s+)?(?:study|article"
    r"|paper|review|guide|trial|work|analysis|survey|report|section|piece|story|series|chapter"
    r"|experiment)s?,?\s+)?(?:we|i|our\s+(?:\w+\s+)?(?:team|group|lab|laboratory|reporter"
    r"|writer|editors?|authors?|researchers|staff)|the\s+(?:authors|researchers|investigators))"
    r"\s+(?:(?:also|then|first|further|additionally|therefore|have|had|will|now)\s+)*"
    rf"{_METHOD_VERB}\b(?!\s+that\b)"
    # "To determine whether..., we performed...", "The aim of the study was to..."
    r"|^(?:to|in order to)\s+(?:determine|assess|evaluate|investigate|examine|test|find out"
    r"|ascertain|compare|explore|identify|establish|measure|estimate|understand|characteri[sz]e"
    r"|study|address|clarify|quantify|describe)\b"
    r"|^(?:the\s+)?(?:aims?|objectives?|goals?|purposes?)\s+of\s+(?:this|the|our)\s+(?:\w+\s+)?"
    r"(?:study|trial|review|article|survey|analysis|work|project|paper)\s+(?:was|were|is|are)"
    r"\s+to\b"
    r"|^(?:this|the|our)\s+(?:\w+\s+)?(?:study|trial|review|article|survey|project|paper)\s+"
    r"(?:aims?|aimed|sets? out|set out)\s+to\b"
    # "Patients aged 18-65 were invited", "Specimens were collected": the study's own acts.
    r"|^(?:[\w()/'\u2019,.-]+\s+){1,12}?(?:was|were)\s+(?:\w+ly\s+|also\s+|then\s+|first\s+)?"
    r"(?:recruited|enrolled|collected|recorded|adjusted|invited|randomi[sz]ed|assigned"
    r"|allocated|measured|assessed|determined|defined|analy[sz]ed|obtained|selected|included"
    r"|excluded|interviewed|surveyed|asked|sent|calculated|estimated|performed|conducted"
    r"|carried out|stratified|matched|sampled|screened|classified|categori[sz]ed|evaluated"
    r"|examined|tested|scored|coded|extracted|searched|reviewed|compared|genotyped)\b"
    # "Researchers are now recruiting 300 volunteers."
    r"|\b(?:is|are)\s+(?:now\s+|currently\s+|still\s+)?(?:recruiting|enrolling|inviting"
    r"|looking for)\b"
    # "The next section explains...", "Possible mechanisms are discussed."
    r"|^(?:this|the next|the following|the previous|the last|each|our)\s+(?:section|chapter"
    r"|article|page|guide|leaflet|review|paper|post|part|table|figure|report)s?\s+(?:\w+\s+)?"
    r"(?:explains?|describes?|covers?|discuss(?:es)?|lists?|summari[sz]es?|outlines?"
    r"|reviews?|looks at|sets out|compares?|presents?)\b"
    r"|\b(?:is|are|was|were)\s+(?:also\s+|then\s+|briefly\s+)?(?:provided|discussed|examined"
    r"|described|presented|reviewed|explored|considered|outlined|summari[sz]ed)\s*\.?$",
    re.IGNORECASE,
)
_DESCRIPTIVE = ("number", "treatment count/duration", "coverage/cost", "effectiveness", "causation")

DEFAULT_FRAMES: tuple[Frame, ...] = (
    Frame("definition", _DEFINITION, _DESCRIPTIVE),
    # In a sentence about the study's own method, only cues that point elsewhere stay strong:
    # a share, an appeal to evidence or to earlier work, a recommendation.
    Frame("methods", _METHODS, (*_DESCRIPTIVE, "prevalence", "comparison", "effect", "cause/role")),
)
"""Kinds of sentence in which the listed cues describe rather than assert."""
