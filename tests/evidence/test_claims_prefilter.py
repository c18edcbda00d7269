"""The claim rules' prefilters never skip a pattern that would have matched.

Each pattern runs only when the sentence holds one of the words read off it
(``evidence.claims.prefilter.needed``); a wrong reading would silently drop cues. Here every
pattern is run plainly on generated text and on the example articles, and wherever it matches,
its prefilter must let it through.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.articles import read_article
from evidence.claims.prefilter import fold, needed, passes
from evidence.claims.rules import _NOT_A_QUANTITY, PREFILTERED, _quantities_only
from tests.evidence.articles.golden import EXAMPLE_LINES, EXAMPLES, SEED

# Words from the patterns themselves, so that generated text often comes close to a match.
_WORDS = sorted({w for p, _ in PREFILTERED for w in re.findall(r"[A-Za-z][a-z'-]+", p.pattern)})
# Characters that re.IGNORECASE matches to an ASCII letter though they are not ASCII.
_TRICKY = ["\u0130", "\u0131", "\u017f", "\u212a", "\u2013", "\u2019", "\u00e9"]
_TOKENS = st.one_of(
    st.sampled_from(_WORDS).map(str.lower),
    st.sampled_from(_WORDS).map(str.upper),
    st.sampled_from(_WORDS).map(str.capitalize),
    st.sampled_from(["1", "12", "2019", "3.5", "40%", "$5", "9am", "5:30", "n=4", "p<.05"]),
    st.sampled_from([",", ".", "-", "(", ")", "&", "%", ":", "$", *_TRICKY]),
    st.text(alphabet="aeiouklsnt" + "".join(_TRICKY), min_size=1, max_size=6),
)
_SENTENCES = st.lists(
    st.tuples(_TOKENS, st.sampled_from([" ", " ", "", "  "])), min_size=1, max_size=30
).map(lambda parts: "".join(token + gap for token, gap in parts))


def _letting_through(text: str) -> list[str]:
    """Patterns that match ``text`` but whose prefilter would have skipped them."""
    folded = fold(text)
    return [p.pattern for p, needs in PREFILTERED if p.search(text) and not passes(needs, folded)]


@settings(max_examples=400, deadline=None)
@given(_SENTENCES)
def test_no_prefilter_skips_a_match_in_generated_text(text: str) -> None:
    assert _letting_through(text) == []


@settings(max_examples=200, deadline=None)
@given(_SENTENCES)
def test_masking_tries_only_what_cannot_be_skipped(text: str) -> None:
    plain = _NOT_A_QUANTITY.sub(lambda m: " " * len(m.group()), text)
    assert _quantities_only(text) == plain


def test_no_prefilter_skips_a_match_in_the_articles() -> None:
    paths = [EXAMPLES / name for name in sorted(EXAMPLE_LINES)]
    paths += [SEED] if SEED.exists() else []
    texts = [s.text for path in paths for s in read_article(str(path)).sentences]
    assert len(texts) > 50
    assert [(t, _letting_through(t)) for t in texts if _letting_through(t)] == []
    # The examples alone make 8 patterns of 58 match (the seed, when present, more): the check
    # above is not vacuous, on a clean clone (no ../shared) as here.
    matched = {p.pattern for p, _ in PREFILTERED for t in texts if p.search(t)}
    assert len(matched) >= 8


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\bcompared (?:to|with)\b", {"compared to", "compared with"}),
        (r"\b(?:causes|caused)\b", {"causes", "caused"}),  # the parser factors out "cause"
        (r"\bMore\s+\w+\s+than\b", {"more"}),  # of two words, the longer; lowered
        (r"colleagues|co-?workers", {"lleagues", "workers"}),
        (r"\d+\s*(?:%|percent)", {"%", "percent"}),
        (r"(?:very\s+)?\d+", None),  # nothing is needed: any digit will do
        (r"(?:a|b)?c", {"c"}),
    ],
)
def test_needed_words(pattern: str, words: set[str] | None) -> None:
    assert needed(pattern, re.IGNORECASE) == (None if words is None else frozenset(words))


def test_fold_finds_what_ignorecase_matches() -> None:
    # "\u017f" (long s) and the Kelvin sign match "s" and "k" under re.IGNORECASE.
    text = "\u017ftudies \u212anown to be"
    assert re.search(r"\bstudies\b", text, re.IGNORECASE)
    assert passes(frozenset({"studies"}), fold(text))
    assert passes(frozenset({"known"}), fold(text))


def test_the_table_of_needed_words_is_the_patterns_own() -> None:
    # The rules asked for every pattern's words at import; the table must hold exactly those,
    # with the words the parser reads off them now (else: python -m evidence.claims.write_needs).
    from evidence.claims import prefilter
    from evidence.claims._needs import NEEDS

    assert prefilter.ASKED and set(NEEDS) == prefilter.ASKED
    for (pattern, flags), words in NEEDS.items():
        fresh = needed(pattern, flags)
        assert (None if fresh is None else tuple(sorted(fresh))) == words, pattern


def test_a_pattern_missing_from_the_table_is_read_afresh() -> None:
    from evidence.claims import prefilter

    pattern = r"\bunlisted (?:cue|signal)\b"
    try:
        assert prefilter.known_needs(pattern, re.IGNORECASE) == frozenset(
            {"unlisted cue", "unlisted signal"})
    finally:
        prefilter.ASKED.discard((pattern, int(re.IGNORECASE)))  # not one of the rules' own
