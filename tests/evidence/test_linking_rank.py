"""The learned ranker of inferred links: its features, its shipped model, its explanations."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evidence.articles.model import Sentence
from evidence.check import CheckOptions, _inferred_threshold
from evidence.checkconfig import read_config_file
from evidence.errors import InputError
from evidence.linking import link_sentences
from evidence.linking.features import (
    FEATURES,
    SENTENCE_FEATURES,
    Passage,
    article_features,
)
from evidence.linking.rank import (
    DEFAULT_THRESHOLD,
    EMIT_FEATURES,
    Forest,
    Model,
    load_model,
    rank_passages,
)
from evidence.linking.references import ReferenceText
from evidence.report import render
from evidence.results import CheckResult, SourceLink
from tests.evidence.audit.samples import article, claim

# Three references as a reference list would write them (made up for these tests).
REFERENCES = [
    ReferenceText("Okafor N, Lindqvist M. Telomerase activity in planarian regeneration. "
                  "Dev Biol. 2011;12:33-40."),
    ReferenceText("Brandt K. Soil nitrogen cycling under drought. Ecol Lett. 2015;3:1-9."),
    ReferenceText("Tanaka H, Ruiz P. Zebrafish fin regrowth after amputation. "
                  "Development. 2009;7:100-110."),
]


def feature(sentence_features, reference: int, name: str) -> float:
    (candidate,) = [c for c in sentence_features.candidates if c.reference == reference]
    return candidate.values[FEATURES.index(name)]


def test_the_reference_sharing_the_rare_words_leads_by_words() -> None:
    (found,) = article_features(
        [Passage("Soil nitrogen cycling slows under drought.", 0)], REFERENCES)
    assert feature(found, 1, "words_best") == 1.0
    assert feature(found, 1, "words") == 1.0
    assert feature(found, 1, "words_lead") > 0
    assert set(next(c for c in found.candidates if c.reference == 1).shared) >= {
        "soil", "nitrogen", "drought"}


def test_a_neighbours_marker_is_a_feature_but_a_sentences_own_marker_is_not() -> None:
    passages = [
        Passage("Planarians regrow any lost part.", 0, "Introduction", frozenset({0})),
        Passage("The same holds for adult tissue.", 0, "Introduction"),
        Passage("Fins regrow too.", 1, "Introduction", frozenset({2})),
    ]
    first, second, third = article_features(passages, REFERENCES)
    assert feature(second, 0, "marked_before") == 1.0
    assert feature(second, 0, "marked_after") == 0.0
    # Sentence 0 cites reference 0 itself: nothing else in its paragraph does.
    assert all(c.reference != 0 or c.values[FEATURES.index("marked_paragraph")] == 0
               for c in first.candidates)
    # Sentence 2 is alone in its paragraph and shares no word ("fins" is not "fin"): its own
    # marker brings no candidate; the one after the last cited before it (0) is one.
    assert [c.reference for c in third.candidates] == [1]
    assert feature(third, 1, "next_new") == 1.0


def test_the_first_author_and_year_written_in_the_sentence_are_features() -> None:
    (found,) = article_features(
        [Passage("Tanaka and colleagues (2009) followed fin regrowth in zebrafish.", 0)],
        REFERENCES)
    assert feature(found, 2, "author") == 1.0
    assert feature(found, 2, "year") == 1.0


def test_a_coauthor_named_and_et_al_are_read_from_the_written_reference() -> None:
    (found,) = article_features(
        [Passage("Ruiz et al. followed fins in zebrafish.", 0, "Introduction")], REFERENCES)
    assert feature(found, 2, "coauthor") == 1.0
    assert feature(found, 2, "author") == 0.0
    values = dict(zip(SENTENCE_FEATURES, found.values, strict=True))
    assert values["et_al"] == 1.0
    assert values["names_any"] == 0.0  # Ruiz is a second author, not a first
    assert values["opens_paragraph"] == 1.0


def test_the_title_alone_is_scored_apart_from_names_and_journal() -> None:
    # "development" is in reference 2's journal, not its title: the title features ignore it,
    # while the words of the whole written reference count it.
    (found,) = article_features(
        [Passage("Development of telomerase activity in regeneration.", 0)], REFERENCES)
    assert feature(found, 0, "title_best") == 1.0
    assert feature(found, 0, "title") == 1.0
    assert 0 < feature(found, 0, "title_cover") < 1
    assert feature(found, 2, "title") == 0.0
    assert feature(found, 2, "words") > 0.0


def test_the_references_closest_sentence_of_the_article_is_a_feature() -> None:
    close, far = article_features(
        [Passage("Telomerase activity rises in planarian regeneration.", 0),
         Passage("Planarian tissue regrows.", 1)], REFERENCES)
    assert feature(close, 0, "for_reference") == 1.0
    assert feature(close, 0, "mutual") == 1.0
    assert 0 < feature(far, 0, "for_reference") < 1
    assert feature(far, 0, "mutual") == 0.0  # its best reference, but not its best sentence


def test_sentence_features_read_the_section_and_the_wording() -> None:
    (intro, results) = article_features(
        [Passage("It has been proposed previously that soil nitrogen matters.", 0,
                 "Introduction"),
         Passage("We measured nitrogen in our plots (Fig 2).", 1, "Results")], REFERENCES)
    values = dict(zip(SENTENCE_FEATURES, intro.values, strict=True))
    assert (values["section_background"], values["perfect"], values["earlier"],
            values["proposed"], values["first_person"]) == (1.0, 1.0, 1.0, 1.0, 0.0)
    values = dict(zip(SENTENCE_FEATURES, results.values, strict=True))
    assert (values["section_results"], values["first_person"], values["figure"]) == (
        1.0, 1.0, 1.0)


def test_a_sentence_sharing_no_word_with_any_reference_has_no_candidate() -> None:
    assert rank_passages([Passage("Quarterly revenue rose sharply.", 0)], REFERENCES) == [None]


def test_the_shipped_model_ranks_and_explains() -> None:
    (best,) = rank_passages(
        [Passage("Telomerase activity rises during planarian regeneration.", 0, "Introduction")],
        REFERENCES)
    assert best is not None
    assert best.reference == 0
    assert 0 < best.score < 1
    assert "telomerase" in best.why and "planarian" in best.why


def test_only_wanted_sentences_are_ranked() -> None:
    passages = [Passage("Telomerase in planarian regeneration.", 0),
                Passage("Soil nitrogen under drought.", 1)]
    first, second = rank_passages(passages, REFERENCES, wanted=[False, True])
    assert first is None
    assert second is not None and second.reference == 1


def test_the_shipped_threshold_is_a_probability() -> None:
    assert 0 < DEFAULT_THRESHOLD < 1
    assert load_model().threshold == DEFAULT_THRESHOLD


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"features": ["words"], "rank": [1.0],
                                "emit_features": list(EMIT_FEATURES),
                                "emit": [0.0] * len(EMIT_FEATURES), "bias": 0.0,
                                "threshold": 0.5}))
    with pytest.raises(ValueError, match="other features"):
        load_model.__wrapped__(path)


def test_the_emitting_probability_grows_with_the_lead() -> None:
    model = Model(rank=(1.0,) + (0.0,) * (len(FEATURES) - 1),
                  emit=(0.0, 1.0) + (0.0,) * (len(EMIT_FEATURES) - 2), bias=0.0, threshold=0.5)
    (close,) = article_features([Passage("Nitrogen and telomerase.", 0)], REFERENCES)
    (clear,) = article_features([Passage("Soil nitrogen cycling under drought.", 0)],
                                REFERENCES)
    assert model.best(clear)[1] > model.best(close)[1]


def test_the_json_report_says_why_an_inferred_link_was_made() -> None:
    linked = SourceLink(reference=0, doi=None, how="inferred", score=0.81,
                        why="shares the words telomerase; the sentence before cites it")
    cited = SourceLink(reference=0, doi=None, how="marker", marker="[1]")
    result = CheckResult(articles=(article(claims=(
        claim("Telomerase rises in regeneration.", 3, linked),
        claim("Planarians regrow [1].", 4, cited)),),))
    first, second = json.loads(render(result, "json"))["articles"][0]["claims"]
    assert first["sources"][0]["why"] == linked.why
    assert first["sources"][0]["score"] == 0.81
    assert second["sources"][0]["why"] is None


def test_every_sentence_without_markers_is_ranked_not_only_claims() -> None:
    sentences = [
        Sentence("Telomerase activity rises during planarian regeneration.", 1, 0, 10, 0,
                 "sentence", ()),
        Sentence("Planarians regrow any lost part.", 2, 0, 10, 1, "sentence", ()),
    ]
    by_ranker = link_sentences(sentences, REFERENCES, claims=[False, False],
                               ranked_threshold=0.0)
    assert [(ln.reference, ln.how) for ln in by_ranker.links[0]] == [(0, "inferred")]
    assert by_ranker.links[0][0].why and "telomerase" in by_ranker.links[0][0].why
    none = link_sentences(sentences, REFERENCES, claims=[False, False], ranked_threshold=1.0)
    assert none.links == {}


def test_the_inferred_threshold_setting_is_read_and_reaches_the_check(tmp_path: Path) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text("inferred-threshold = 0.85\n", encoding="utf-8")
    config = read_config_file(path)
    assert config.inferred_threshold == 0.85
    assert _inferred_threshold(CheckOptions(config=config)) == 0.85
    assert _inferred_threshold(CheckOptions()) == DEFAULT_THRESHOLD


@pytest.mark.parametrize("value", ["1.5", "-0.1", "true", '"high"'])
def test_an_inferred_threshold_that_is_no_probability_is_refused(tmp_path: Path,
                                                                  value: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(f"inferred-threshold = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match="inferred-threshold must be a probability"):
        read_config_file(path)


def test_an_alphabetical_reference_list_says_nothing_about_order() -> None:
    # Written first authors Adams, Baker, Chen, Diaz: sorted, as in an author-year list.
    alphabetical = [ReferenceText(f"{name} A. Soil nitrogen study {n}. J Soil. 2010;1:1-2.")
                    for n, name in enumerate(["Adams", "Baker", "Chen", "Diaz"])]
    numbered = list(reversed(alphabetical))  # Diaz, Chen, Baker, Adams: cited order
    passages = [Passage("Soil nitrogen matters [1].", 0, marked=frozenset({0})),
                Passage("Soil nitrogen varies.", 0)]
    _, second = article_features(passages, alphabetical)
    assert all(c.values[FEATURES.index("next_new")] == 0 for c in second.candidates)
    assert all(c.values[FEATURES.index("order")] == 0 for c in second.candidates)
    _, second = article_features(passages, numbered)
    assert feature(second, 1, "next_new") == 1.0
    assert feature(second, 3, "next_new") == 0.0  # three places on: too far
    # The second sentence stands at the end of the article, reference 3 at the end of the list.
    assert feature(second, 3, "order") == 1.0


def test_word_pairs_count_only_in_the_order_the_reference_has_them() -> None:
    same, reversed_ = article_features(
        [Passage("Soil nitrogen cycling.", 0), Passage("Nitrogen of the soil.", 1)],
        REFERENCES)
    assert feature(same, 1, "pairs") == 1.0  # "soil nitrogen", "nitrogen cycling"
    assert feature(reversed_, 1, "pairs") == 0.0  # "nitrogen soil" is not in the reference


def test_a_long_paragraph_citing_much_gives_each_sentence_few_candidates() -> None:
    # One paragraph of 400 sentences, each citing its own reference and sharing a word with
    # all of them: a sentence must not look at every citation of its paragraph.
    references = [ReferenceText(f"Author{n} A. Soil nitrogen report {n}. 2001.")
                  for n in range(400)]
    passages = [Passage(f"Soil nitrogen again ({n}).", 0, marked=frozenset({n}))
                for n in range(400)]
    found = article_features(passages, references)
    # 5 by words, 3 by paragraph, 2 from the neighbours' markers, 4 most cited, 1 next new.
    assert max(len(f.candidates) for f in found) <= 5 + 3 + 2 + 4 + 1


def test_articles_without_any_marker_emit_with_their_own_weights(tmp_path: Path) -> None:
    zero = (0.0,) * len(EMIT_FEATURES)
    model = Model(rank=(1.0,) + (0.0,) * (len(FEATURES) - 1), emit=zero, bias=0.0,
                  threshold=0.5, emit_unmarked=zero, bias_unmarked=-2.0)
    unmarked = article_features([Passage("Soil nitrogen under drought.", 0),
                                 Passage("Telomerase in planarians.", 1)], REFERENCES)[0]
    marked = article_features([Passage("Soil nitrogen under drought.", 0),
                               Passage("Telomerase in planarians.", 1, marked=frozenset({0}))],
                              REFERENCES)[0]
    assert model.best(marked)[1] == 0.5  # bias 0
    assert model.best(unmarked)[1] == pytest.approx(1 / (1 + math.exp(2.0)))
    # Both sets of weights survive the weights file.
    path = tmp_path / "weights.json"
    path.write_text(model.to_json())
    assert load_model.__wrapped__(path) == model


def _one_tree(feature_index: int, threshold: float) -> Forest:
    """A forest of one tree that asks a single question (the others always answer "left"):
    leaves 7-14 in heap order; "left" all the way is leaf 7, a "yes" at the root is leaf 11."""
    inner = (0.0,) * 7
    leaves = (-1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0)
    never = 1e300
    return Forest(0.5, ((feature_index, 0, 0, 0, 0, 0, 0),),
                  ((threshold, never, never, never, never, never, never),),
                  (inner[:1] + (-1.0, 2.0) + inner[3:] + leaves,))


def test_trees_rank_by_the_leaf_each_candidate_reaches() -> None:
    forest = _one_tree(FEATURES.index("words_best"), 0.5)
    sentence = (0.0,) * len(SENTENCE_FEATURES)
    model = Model(rank=(0.0,) * len(FEATURES), emit=(0.0,) * len(EMIT_FEATURES), bias=0.0,
                  threshold=0.5, forest=forest)
    (found,) = article_features([Passage("Soil nitrogen cycling slows under drought.", 0)],
                                REFERENCES)
    by_ref = {c.reference: model.score(c, sentence) for c in found.candidates}
    # Reference 1 is the best by words: "yes" at the root, leaf 2.0; the others -1.0.
    assert by_ref[1] == 0.5 + 2.0
    assert all(score == 0.5 - 1.0 for r, score in by_ref.items() if r != 1)
    assert model.best(found)[0].reference == 1
    # What the question added (root value 0.0 to 2.0 by the right child) names the feature.
    best = next(c for c in found.candidates if c.reference == 1)
    assert dict((name, push) for push, name in model.pushes(best, sentence))[
        "words_best"] == 2.0


def test_a_forest_survives_the_weights_file_and_a_broken_one_is_refused(
        tmp_path: Path) -> None:
    model = Model(rank=(0.0,) * len(FEATURES), emit=(0.0,) * len(EMIT_FEATURES), bias=0.0,
                  threshold=0.5, forest=_one_tree(3, 0.25))
    path = tmp_path / "weights.json"
    path.write_text(model.to_json())
    assert load_model.__wrapped__(path) == model
    data = json.loads(model.to_json())
    data["forest"]["values"][0] = data["forest"]["values"][0][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="not full"):
        load_model.__wrapped__(path)
    data = json.loads(model.to_json())
    data["forest"]["features"][0][0] = len(FEATURES) + len(SENTENCE_FEATURES)
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="does not exist"):
        load_model.__wrapped__(path)


def test_the_shipped_trees_rank_and_explain_the_reference_that_shares_the_words() -> None:
    assert load_model().forest is not None
    sentences = [Sentence("Zebrafish fin regrowth after amputation is fast.", 1, 0, 10, 0,
                          "sentence", ())]
    found = link_sentences(sentences, REFERENCES, claims=[False], ranked_threshold=0.0)
    (link,) = found.links[0]
    assert link.reference == 2
    assert link.why and "zebrafish" in link.why


def test_what_the_questions_added_sums_to_the_rank_of_the_shipped_trees() -> None:
    forest = load_model().forest
    assert forest is not None
    (found,) = article_features([Passage("Soil nitrogen cycling slows under drought.", 0)],
                                REFERENCES)
    for candidate in found.candidates:
        x = (*candidate.values, *found.values)
        start = forest.bias + sum(v[0] for v in forest.values)
        assert start + sum(forest.contributions(x).values()) == pytest.approx(forest.score(x))
