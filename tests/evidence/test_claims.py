"""The claim detector: golden sets on the seed and the examples, and each rule on its own.

The expected claims were written by reading the articles (see examples/README.md), not copied
from the detector's output.
"""

from __future__ import annotations

import pytest

from evidence.articles import Sentence, parse_article, read_article
from evidence.claims import DEFAULT_RULES, ClaimVerdict, assess, find_claims
from tests.evidence.articles.golden import (
    EXAMPLE_LINES,
    EXAMPLES,
    SEED,
    SEED_CLAIMS,
    example_claims,
)


def flagged(path: object) -> set[tuple[int, str]]:
    article = read_article(str(path))
    return {(s.line, s.text) for s, v in find_claims(article) if v.needs_support}


def matches(found: set[tuple[int, str]], expected: set[tuple[int, str]]) -> bool:
    """Each expected (line, opening words) names exactly one flagged sentence, and vice versa."""
    pairs = {(e, f) for e in expected for f in found if e[0] == f[0] and f[1].startswith(e[1])}
    return len(pairs) == len(expected) == len(found)


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed lives outside the repository ({SEED})")
def test_seed_claims() -> None:
    found = flagged(SEED)
    assert matches(found, set(SEED_CLAIMS)), sorted(found)


@pytest.mark.parametrize("name", sorted(EXAMPLE_LINES))
def test_example_claims(name: str) -> None:
    found = {(line, text.replace("\u2011", "-")) for line, text in flagged(EXAMPLES / name)}
    assert matches(found, set(example_claims(EXAMPLE_LINES[name]))), sorted(found)


def sentence(text: str, kind: str = "sentence") -> Sentence:
    return Sentence(text, 1, 0, len(text), 0, kind, ())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("About 80% of adults have back pain at some point.", "statistic: '80%'"),
        ("One in five adults reports back pain.", "statistic: 'One in five'"),
        ("The review pooled 249 trials.", "number: '249'"),
        ("Exercise is better than rest for most people.", "comparison: 'better than'"),
        ("Exercise therapy reduces pain.", "effectiveness: 'reduces'"),
        ("Pain was significantly reduced after therapy.", "effectiveness: 'significantly reduced'"),
        ("Sitting all day leads to stiffness.", "causation: 'leads to'"),
        ("Research suggests that walking helps.", "evidence phrase: 'Research suggests'"),
        ("Many studies have shown a benefit.", "evidence phrase: 'studies have shown'"),
        ("The American College of Physicians recommends heat.", "recommendation: 'recommends'"),
        ("Current guidelines recommend staying active.", "recommendation: 'guidelines recommend'"),
        ("Most patients recover within weeks.", "prevalence: 'Most patients'"),
        ("Medicare pays for outpatient therapy.", "coverage/cost: 'Medicare'"),
        ("A visit costs about $120.", "coverage/cost: '$120'"),
        (
            "Treatment takes six to eight sessions.",
            "treatment count/duration: 'six to eight sessions'",
        ),
        ("Recovery usually takes several weeks.", "treatment count/duration: 'several weeks'"),
    ],
)
def test_each_kind_of_cue(text: str, reason: str) -> None:
    verdict = assess(sentence(text))
    assert verdict.needs_support
    assert reason in verdict.reasons


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("Is physical therapy covered by insurance?", "heading", "heading"),
        ("Does Medicare pay for 80% of it?", "sentence", "question"),
        ("Ask your doctor whether Medicare covers it.", "sentence", "instruction: 'Ask'"),
        (
            "It\u2019s important to check your insurance coverage.",
            "sentence",
            "instruction: 'It\u2019s important to check'",
        ),
        (
            "You should talk to your insurer about costs.",
            "sentence",
            "instruction: 'You should talk'",
        ),
        (
            "Physical therapy is a health discipline that improves how people move.",
            "sentence",
            "definition: 'Physical therapy is a health discipline'",
        ),
    ],
)
def test_exemptions(text: str, kind: str, reason: str) -> None:
    assert assess(sentence(text, kind)) == ClaimVerdict(False, (reason,))


@pytest.mark.parametrize(
    "text",
    [
        "Physical therapy can be used to treat spine pain through a variety of techniques.",
        "Physical therapists work with patients to improve mobility and reduce pain.",
        "Hot packs are used to reduce inflammation and improve circulation.",
        "Therapy is combined with medication to provide pain relief and improved function.",
        "It\u2019s important to note that not every therapist uses all of these tools.",
        "Heat, as well as ice, can be used at home.",
        "Exercise reduced [1] and [2, 3-5] or (Hayden et al., 2021) are just markers",
    ],
)
def test_not_claims(text: str) -> None:
    verdict = assess(sentence(text))
    if "markers" in text:  # "reduced" alone is no cue: the markers' numbers must not count
        assert not any(r.startswith(("number", "statistic")) for r in verdict.reasons)
    else:
        assert verdict == ClaimVerdict(False, ()), verdict


def test_a_definition_keeps_strong_cues() -> None:
    verdict = assess(sentence("Sciatica is a condition that affects 40% of adults."))
    assert verdict == ClaimVerdict(True, ("statistic: '40%'",))


def test_rules_can_be_added() -> None:
    def miracle(text: str) -> list[str]:
        return ["hype: 'miracle'"] if "miracle" in text.lower() else []

    quiet = sentence("This stretch is a miracle.")
    assert not assess(quiet).needs_support
    verdict = assess(quiet, rules=(*DEFAULT_RULES, miracle))
    assert verdict == ClaimVerdict(True, ("hype: 'miracle'",))


def test_find_claims_gives_every_sentence() -> None:
    article = parse_article("Title here\n\nMost plans cover it. Ask your insurer.\n")
    verdicts = [(s.text, v.needs_support) for s, v in find_claims(article)]
    assert verdicts == [
        ("Title here", False),
        ("Most plans cover it.", True),
        ("Ask your insurer.", False),
    ]
