"""The shipped claim model: it loads, refuses weights it cannot read, and gives the verdicts
recorded here on fixed sentences (each expectation written by reading the sentence)."""

from __future__ import annotations

import json
import re
import zlib
from importlib import resources

import pytest

from evidence.articles import Sentence, parse_article
from evidence.claims import (
    ClaimVerdict,
    Thresholds,
    assess,
    default_model,
    explain,
    find_claims,
    read_rules,
)
from evidence.claims.features import DIM, feature_names, section_kind, slots, tokens
from evidence.claims.model import FEATURE_SPEC, load_model
from evidence.claims.second_stage import gloss, route


def sentence(text: str) -> Sentence:
    return Sentence(text, 1, 0, len(text), 0, "sentence", ())


def test_the_shipped_weights_load_with_their_notice() -> None:
    model = default_model()
    assert len(model.weights) == DIM
    assert model.meta["feature_spec"] == FEATURE_SPEC
    assert 0 < model.thresholds.cue < model.thresholds.model < 1
    assert sum(1 for w in model.weights if w) > 10_000  # trained, not zeros
    notice = (resources.files("evidence.claims") / "weights" / "NOTICE.md").read_text("utf-8")
    assert "CC BY-SA" in notice and "ClaimBuster" in notice and "PLOS" in notice


def test_weights_for_other_features_are_refused() -> None:
    meta = dict(default_model().meta, feature_spec="words/v0")
    with pytest.raises(ValueError, match="words/v0"):
        load_model(bytes(4 * DIM), meta)
    with pytest.raises(ValueError, match="expected 262144"):
        load_model(bytes(40), dict(default_model().meta))


def test_long_words_give_their_four_letter_pieces() -> None:
    names = feature_names("Pilates is effective.")
    assert [n for n in names if n.startswith("g:")] == [
        "g:<pil", "g:pila", "g:ilat", "g:late", "g:ates", "g:tes>",
        "g:<eff", "g:effe", "g:ffec", "g:fect", "g:ecti", "g:ctiv", "g:tive", "g:ive>"]
    # Short words and numbers give none.
    assert not [n for n in feature_names("It is 40% of all.") if n.startswith("g:")]


def test_slots_are_the_hashes_of_the_names() -> None:
    names = ["w:pain", "b:<s> pain", "g:<pai", "w:pain"]
    expected = [zlib.crc32(n.encode("utf-8")) % DIM for n in names]
    assert slots(names) == expected
    assert slots(names) == expected  # the second time from the lookup table


def test_numbers_are_read_by_their_shape() -> None:
    assert tokens("In 1603, 40% paid $12 for 3.5 kg") == [
        "in", "<year>", "<pct>", "paid", "<money>", "for", "<dec>", "kg"]
    names = feature_names("Most plans pay.", ["prevalence"], ["methods"])
    assert {"w:most", "b:<s> most", "b:pay </s>", "c:prevalence", "f:methods"} <= set(names)


@pytest.mark.parametrize(
    ("text", "needs_support"),
    [
        # A cue the rules find, in a plain claim: flagged whatever the model's doubts.
        ("Exercise therapy reduces pain.", True),
        ("Most private health plans cover physical therapy.", True),
        # A voting record, with no cue word at all: the model's call.
        ("The senator voted against the farm bill twice and cut funding for schools.", True),
        # Politeness, a question, a date alone.
        ("Thank you very much.", False),
        ("Does physical therapy help?", False),
        ("He was born on 4 May 1950.", False),
    ],
)
def test_recorded_verdicts(text: str, needs_support: bool) -> None:
    assert assess(sentence(text)).needs_support is needs_support


def test_a_flag_from_the_model_alone_says_so() -> None:
    verdict = assess(sentence(
        "The senator voted against the farm bill twice and cut funding for schools."))
    assert explain(sentence(
        "The senator voted against the farm bill twice and cut funding for schools.")
    ) == ClaimVerdict(False, ())
    assert verdict.score is not None and verdict.score >= default_model().thresholds.model
    assert verdict.reasons[0].startswith("model only: score")
    # The words named are the sentence's own (the ones that weighed most).
    words = re.findall(r"'([^']+)'", verdict.reasons[0])
    assert len(words) == 3
    assert all(w in "the senator voted against the farm bill twice and cut funding for schools"
               for w in words)


def test_thresholds_decide() -> None:
    text = sentence("Exercise therapy reduces pain.")
    score = assess(text).score
    assert score is not None
    vetoed = assess(text, thresholds=Thresholds(cue=min(1.0, score + 0.01), model=1.0))
    assert not vetoed.needs_support
    assert vetoed.reasons[-1].startswith("model: score")
    quiet = sentence("Thank you very much.")
    assert assess(quiet, thresholds=Thresholds(cue=0.0, model=0.0)).needs_support
    with pytest.raises(ValueError, match="between 0 and 1"):
        Thresholds(cue=0.2, model=1.5)


def test_an_exempt_sentence_has_no_score() -> None:
    verdict = assess(sentence("Ask your doctor whether Medicare covers it."))
    assert verdict.score is None and not verdict.needs_support


def test_meta_records_the_training() -> None:
    meta = json.loads(
        (resources.files("evidence.claims") / "weights" / "meta.json").read_text("utf-8"))
    assert meta["trained_by"] == "training/claims/train.py"
    assert set(meta["training_rows"]) == {"citeneed", "claimbuster", "jats", "dev"}


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        (None, "none"),
        ("Introduction", "introduction"),
        ("Results and Discussion", "results"),
        ("Materials and Methods", "methods"),
        ("Conclusions", "discussion"),
        ("Is physical therapy covered by insurance?", "other"),
        # A question naming results is no section of a paper; numbering is read past.
        ("How many sessions are needed to see results?", "other"),
        ("3.2 Results of the trial", "results"),
        ("The main findings", "results"),
    ],
)
def test_section_kinds(heading: str | None, kind: str) -> None:
    assert section_kind(heading) == kind
    names = feature_names("Some text.", section=kind)
    assert (f"sec:{kind}" in names) is (kind not in ("none", "other"))


def test_find_claims_scores_each_sentence_under_its_heading() -> None:
    text = "Plain words\n\nThe protein binds the receptor in the liver.\n"
    article = parse_article(text)
    assert article.sentences[0].kind == "heading"
    body = next(s for s in article.sentences if s.text.startswith("The protein"))
    (_, under), = [(s, v) for s, v in find_claims(article) if s is body]
    assert under.score == assess(body, heading="Plain words").score
    # The same sentence in a paper's Results is its own finding; in its Introduction it
    # reports others': the model learned that from the PLOS articles' citations.
    results = assess(body, heading="Results").score
    introduction = assess(body, heading="Introduction").score
    assert results is not None and introduction is not None and results < introduction


def item(text: str) -> Sentence:
    return Sentence(text, 1, 0, len(text), 0, "list-item", ())


def test_in_a_results_section_numbers_are_the_papers_own() -> None:
    text = sentence("Pain scores fell by 40% in the exercise group.")
    elsewhere = assess(text, heading="Background")
    results = assess(text, heading="2. Results")
    assert elsewhere.needs_support and any(r.startswith("statistic") for r in elsewhere.reasons)
    assert route(text, explain(text).reasons, None, "results").path == "held"
    assert results.score is not None and not results.needs_support
    assert results.reasons == ("results section: the paper's own findings",)
    # An appeal to earlier work still stands there, and a question heading is no section.
    cited = sentence("Previous studies have shown that exercise reduces pain.")
    assert assess(cited, heading="Results").needs_support
    assert assess(text, heading="How soon do results show?").needs_support


def test_in_a_results_section_the_model_alone_does_not_flag() -> None:
    # No cue: a sentence the model would flag anywhere else is, in Results, what the paper
    # itself found.
    text = sentence("The senator voted against the farm bill.")
    sure = Thresholds(cue=0.0, model=0.0)
    assert assess(text, thresholds=sure, heading="Introduction").needs_support
    verdict = assess(text, thresholds=sure, heading="Results")
    assert not verdict.needs_support and verdict.score is not None
    assert verdict.reasons == ("results section: the paper's own findings",)


def test_a_frame_is_read_only_where_it_can_change_the_verdict() -> None:
    text = sentence("We recruited patients from three clinics in Leeds.")
    assert (read_rules(text).described or "").startswith("methods: 'We recruited")
    assert read_rules(text, describe=False).described is None
    # A cue is weakened by the frame whether or not the sentence is read for it.
    cued = sentence("We recruited 40 patients from three clinics in Leeds.")
    assert read_rules(cued, describe=False) == read_rules(cued)
    # Below the threshold the frame is not read; above it, it holds the model alone.
    quiet = assess(text, thresholds=Thresholds(cue=0.0, model=1.0))
    assert not quiet.needs_support and quiet.reasons == ()


def test_a_frame_holds_the_model_alone() -> None:
    # Scored as if the model were sure, the methods sentence is still not flagged.
    text = sentence("We recruited patients from three clinics in Leeds.")
    sure = Thresholds(cue=0.0, model=0.0)
    verdict = assess(text, thresholds=sure)
    assert not verdict.needs_support
    assert verdict.reasons[0].startswith("methods: 'We recruited")
    assert assess(sentence("The senator voted against the farm bill."), thresholds=sure
                  ).needs_support


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Foam rollers \u2013 Used for self-massage and to release tension.",
         "gloss: 'Foam rollers \u2013'"),
        ("Graded exercise: movements that start easy and become harder.",
         "gloss: 'Graded exercise:'"),
        ("Resistance bands - used for stretching.", "gloss: 'Resistance bands -'"),
        ("Smoking doubles the risk of back pain.", None),
    ],
)
def test_a_list_item_glossing_a_term(text: str, why: str | None) -> None:
    assert gloss(item(text)) == why
    assert gloss(sentence(text)) is None  # in running prose a dash is no gloss
    if why is not None:
        verdict = assess(item(text), thresholds=Thresholds(cue=1.0, model=0.0))
        assert verdict.reasons == (why,) and not verdict.needs_support
