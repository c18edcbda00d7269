"""Claim -> reference linking: markers, the sentences they cover, and inferred links."""

from __future__ import annotations

import pytest

from evidence.articles.model import Article, Marker, ReferenceEntry, Sentence
from evidence.linking import (
    INFERRED_THRESHOLD,
    MarkerResolver,
    ReferenceIndex,
    ReferenceText,
    link_claims,
    link_sentences,
    reference_texts,
    similarity,
)
from evidence.linking.markers import author_year
from evidence.linking.references import written_first_author, written_year
from evidence.linking.text import KeyPhrase, content_terms, key_phrases, stem
from refs import PartialDate, Person, Work

# The two works the seed article cites, as its reference list states them (bibliographic
# data, formatted here by us; no registry record exists for them).
HAYDEN = (
    "Hayden, Jill A et al. “Exercise therapy for chronic low back pain.” The Cochrane "
    "database of systematic reviews vol. 9,9 CD009790. 28 Sep. 2021, "
    "doi:10.1002/14651858.CD009790.pub2"
)
KREINER = (
    "Kreiner, D Scott et al. “Guideline summary review: an evidence-based clinical guideline "
    "for the diagnosis and treatment of low back pain.” The spine journal : official journal "
    "of the North American Spine Society vol. 20,7 (2020): 998-1024. "
    "doi:10.1016/j.spinee.2020.04.006"
)


def entry(text: str, label: str | None = None, key: str | None = None, doi: str | None = None):
    return ReferenceEntry(text, 1, label, key, doi, doi)


def marker(text: str, kind: str, *targets: str) -> Marker:
    return Marker(text, 1, 0, len(text), kind, targets)  # type: ignore[arg-type]


def sentence(text: str, paragraph: int = 0, *markers: Marker, kind: str = "sentence") -> Sentence:
    return Sentence(text, 1, 0, len(text), paragraph, kind, markers)  # type: ignore[arg-type]


def article(sentences: list[Sentence], entries: list[ReferenceEntry]) -> Article:
    return Article("a.md", "markdown", None, "", tuple(sentences), tuple(entries), (), ())


def link(
    sentences: list[Sentence], entries: list[ReferenceEntry], claims: list[bool] | None = None
):
    doc = article(sentences, entries)
    texts = reference_texts(doc, [None] * len(entries))
    return link_claims(doc, texts, claims=claims or [True] * len(sentences))


# --- the example the project is built around ----------------------------------------------

SPINE_SENTENCES = [
    ("Physical therapy helps people with spine pain move and feel better.", False),
    ("Therapists combine stretching, strengthening and manual techniques.", False),
    ("Does physical therapy work?", False),
    ("Several studies have shown significant improvement for chronic low back pain.", True),
    (
        "The North American Spine Society (NASS) endorses physical therapy as a treatment "
        "for low back pain.",
        True,
    ),
    ("Most health insurance plans in the country pay for physical therapy visits.", True),
    ("Patients usually need six to twelve sessions before they notice a change.", True),
    ("Insurers may limit how many physical therapy visits they cover each year.", True),
]


@pytest.fixture
def spine():
    sentences = [sentence(text, i) for i, (text, _) in enumerate(SPINE_SENTENCES)]
    claims = [needs for _, needs in SPINE_SENTENCES]
    written = [
        entry(HAYDEN, doi="10.1002/14651858.cd009790.pub2"),
        entry(KREINER, doi="10.1016/j.spinee.2020.04.006"),
    ]
    doc = article(sentences, written)
    return link_claims(doc, reference_texts(doc, [None, None]), claims=claims)


def test_chronic_low_back_pain_claim_is_related_to_the_cochrane_review(spine) -> None:
    links = spine.links[3]
    assert [(ln.reference, ln.how) for ln in links] == [(0, "inferred")]
    assert links[0].doi == "10.1002/14651858.cd009790.pub2"
    assert INFERRED_THRESHOLD <= links[0].score <= 1


def test_nass_claim_is_related_to_the_guideline(spine) -> None:
    assert [(ln.reference, ln.how) for ln in spine.links[4]] == [(1, "inferred")]


@pytest.mark.parametrize("index", [5, 6, 7], ids=["coverage", "sessions", "visit-limit"])
def test_claims_the_references_do_not_address_link_to_nothing(spine, index: int) -> None:
    assert index not in spine.links


def test_sentences_that_need_no_source_get_no_inferred_link(spine) -> None:
    assert not {0, 1, 2} & set(spine.links)


# --- marker targets ------------------------------------------------------------------------


def resolver(*refs: ReferenceText) -> MarkerResolver:
    return MarkerResolver(list(refs))


def test_numeric_target_resolves_by_label() -> None:
    found = resolver(ReferenceText("A", label="2"), ReferenceText("B", label="1"))
    assert found.resolve("numeric", "1") == [1]
    assert found.resolve("superscript", "[2]") == [0]
    assert found.resolve("numeric", "3") == []


def test_numeric_target_is_a_position_only_when_no_reference_has_a_label() -> None:
    assert resolver(ReferenceText("A"), ReferenceText("B")).resolve("numeric", "2") == [1]
    assert resolver(ReferenceText("A"), ReferenceText("B")).resolve("numeric", "3") == []


def test_pandoc_target_resolves_by_key_in_any_case() -> None:
    found = resolver(ReferenceText("A", key="Hayden2021"), ReferenceText("B", key="kreiner2020"))
    assert found.resolve("pandoc", "@hayden2021") == [0]
    assert found.resolve("pandoc", "kreiner2020") == [1]


@pytest.mark.parametrize(
    "target",
    ["doi:10.1016/J.SPINEE.2020.04.006", "https://doi.org/10.1016/j.spinee.2020.04.006"],
    ids=["doi-prefix", "doi-org"],
)
def test_doi_target_resolves_whatever_the_marker_kind(target: str) -> None:
    found = resolver(
        ReferenceText(HAYDEN), ReferenceText(KREINER, doi="10.1016/j.spinee.2020.04.006")
    )
    assert found.resolve("doi-link", target) == [1]
    assert found.resolve("numeric", target) == [1]


@pytest.mark.parametrize(
    "target",
    ["hayden 2021", "Hayden et al. 2021", "Hayden & Smith, 2021", "Hayden and Smith (2021)"],
)
def test_author_year_target_resolves_by_first_author_and_year(target: str) -> None:
    found = resolver(
        ReferenceText(KREINER, first_author="Kreiner", year=2020),
        ReferenceText(HAYDEN, first_author="Hayden", year=2021),
    )
    assert found.resolve("author-year", target) == [1]


def test_author_year_ignores_accents_and_picks_by_year_suffix() -> None:
    found = resolver(
        ReferenceText("A", first_author="Müller", year=2019),
        ReferenceText("B", first_author="Muller", year=2019),
    )
    assert found.resolve("author-year", "Muller 2019") == [0, 1]
    assert found.resolve("author-year", "Müller 2019b") == [1]
    assert found.resolve("author-year", "Muller 2018") == []


def test_author_year_parses_the_first_family_name() -> None:
    assert author_year("van der Berg et al., 2001a") == ("van der berg", 2001, "a")
    assert author_year("Hayden") is None


def test_unresolvable_targets_are_returned_not_guessed() -> None:
    cite = marker("[3, 1]", "numeric", "3", "1")
    result = link(
        [sentence("Exercise eases chronic low back pain [3, 1].", 0, cite)],
        [entry(HAYDEN, label="1")],
    )
    assert [(ln.reference, ln.how, ln.marker) for ln in result.links[0]] == [
        (0, "marker", "[3, 1]")
    ]
    assert result.unknown == ((cite, "3"),)


def test_a_claim_whose_markers_all_fail_gets_no_inferred_link() -> None:
    broken = marker("[9]", "numeric", "9")
    result = link(
        [sentence("Exercise eases chronic low back pain [9].", 0, broken)],
        [entry(HAYDEN, label="1")],
    )
    assert result.links == {}
    assert result.unknown == ((broken, "9"),)


# --- which sentences a marker covers --------------------------------------------------------

CITE = marker("[1]", "numeric", "1")
REFS = [entry("Doe J. Something unrelated to anything here. 2001", label="1")]


def covered(sentences: list[Sentence]) -> set[int]:
    return set(link(sentences, REFS, [False] * len(sentences)).links)


@pytest.mark.parametrize("citation", ["See [1].", "[1]", "For a review, see [1]."])
def test_a_citation_only_next_sentence_covers_the_one_before(citation: str) -> None:
    sents = [sentence("Alpha rises in spring.", 0), sentence(citation, 0, CITE)]
    assert covered(sents) == {0, 1}


def test_an_anaphoric_next_sentence_lends_its_marker() -> None:
    sents = [
        sentence("Alpha rises in spring.", 0),
        sentence("This was measured over ten years [1].", 0, CITE),
    ]
    assert covered(sents) == {0, 1}


def test_a_next_sentence_making_a_new_point_keeps_its_marker() -> None:
    sents = [
        sentence("Alpha rises in spring.", 0),
        sentence("Furthermore beta falls in autumn [1].", 0, CITE),
    ]
    assert covered(sents) == {1}


def test_a_paragraph_ending_in_a_citation_only_sentence_covers_the_paragraph() -> None:
    sents = [
        sentence("Alpha rises in spring.", 0),
        sentence("Beta falls in autumn.", 0),
        sentence("Gamma stays flat.", 0),
        sentence("[1]", 0, CITE),
        sentence("Delta is elsewhere.", 1),
    ]
    assert covered(sents) == {0, 1, 2, 3}


def test_markers_do_not_chain_or_cross_paragraphs_or_reach_headings() -> None:
    sents = [
        sentence("Alpha", 0, kind="heading"),
        sentence("Alpha rises in spring.", 1),
        sentence("Beta falls in autumn.", 1),
        sentence("It is measured yearly [1].", 1, CITE),
        sentence("Gamma stays flat.", 2),
    ]
    assert covered(sents) == {2, 3}


# --- scores ---------------------------------------------------------------------------------


def test_marker_score_is_none_without_a_registry_record() -> None:
    result = link(
        [sentence("Exercise eases chronic low back pain [1].", 0, CITE)], [entry(HAYDEN, label="1")]
    )
    assert result.links[0][0].score is None


def test_marker_score_is_low_when_the_cited_work_is_about_something_else() -> None:
    doc = article(
        [sentence("Exercise eases chronic low back pain [1].", 0, CITE)],
        [entry("Doe J. Coral reefs. 2020", label="1")],
    )
    related = Work(doi=None, title="Exercise therapy for chronic low back pain")
    unrelated = Work(
        doi=None,
        title="Coral bleaching in warm seas",
        abstract="Reef corals lose their algae when the ocean warms.",
    )
    weak = link_claims(doc, reference_texts(doc, [unrelated]), claims=[True]).links[0][0]
    strong = link_claims(doc, reference_texts(doc, [related]), claims=[True]).links[0][0]
    assert weak.score == 0.0
    assert strong.score is not None and strong.score > 0.5


def test_similarity_is_between_zero_and_one() -> None:
    ref = ReferenceText(KREINER)
    assert similarity("Coral reefs bleach in warm water.", ref) == 0.0
    assert 0.5 < similarity("The North American Spine Society reviewed low back pain.", ref) <= 1


def test_the_abstract_counts_less_than_the_title() -> None:
    in_title = ReferenceText("x", title="Exercise therapy for chronic low back pain")
    in_abstract = ReferenceText("x", abstract="Exercise therapy for chronic low back pain")
    claim = "Exercise therapy eases chronic low back pain."
    assert similarity(claim, in_abstract) < similarity(claim, in_title)


def test_index_scores_only_references_sharing_a_word() -> None:
    index = ReferenceIndex([ReferenceText(HAYDEN), ReferenceText("Doe J. Coral reefs. 2020")])
    assert [m.reference for m in index.scores("Exercise for chronic low back pain")] == [0]


# --- what is known of a reference -----------------------------------------------------------


def test_reference_texts_take_the_registry_record_when_there_is_one() -> None:
    doc = article([], [entry(HAYDEN, label="1"), entry(KREINER)])
    work = Work(
        doi="10.5555/generated.1",
        title="A title",
        container_title="A journal",
        abstract="An abstract.",
        authors=(Person(family="Smith"),),
        issued=PartialDate(2019),
    )
    with_work, written = reference_texts(doc, [work, None])
    assert (with_work.title, with_work.container, with_work.abstract) == (
        "A title",
        "A journal",
        "An abstract.",
    )
    assert (with_work.first_author, with_work.year, with_work.doi, with_work.label) == (
        "Smith",
        2019,
        "10.5555/generated.1",
        "1",
    )
    assert (written.title, written.first_author, written.year) == (None, "Kreiner", 2020)
    assert not written.has_record and with_work.has_record


def test_reference_texts_refuse_works_that_do_not_align() -> None:
    with pytest.raises(ValueError, match="1 works for 2 references"):
        reference_texts(article([], [entry(HAYDEN), entry(KREINER)]), [None])


@pytest.mark.parametrize(
    ("text", "author", "year"),
    [
        (HAYDEN, "Hayden", 2021),
        ("[3] Müller JA, Li B. A title. 2019;12:1-3.", "Müller", 2019),
        ("Smith, J. (2020). A title. Journal 4, 1990-1999.", "Smith", 2020),
    ],
)
def test_first_author_and_year_are_read_from_the_written_text(
    text: str, author: str, year: int
) -> None:
    assert (written_first_author(text), written_year(text)) == (author, year)


# --- words and names ------------------------------------------------------------------------


def test_stems_meet_across_inflections() -> None:
    assert stem("recommends") == stem("recommended") == stem("recommend")
    assert content_terms("Studies have shown significant improvement") == ["improve"]


def test_key_phrases_join_an_acronym_to_its_expansion() -> None:
    text = "Furthermore the North American Spine Society (NASS) recommends therapy."
    assert key_phrases(text) == [KeyPhrase("North American Spine Society", "NASS")]
    assert key_phrases("Physical therapy (PT) helps.") == [KeyPhrase("Physical therapy", "PT")]
    assert key_phrases("ALL CAPS HEADING HERE") == []


def test_claims_must_align_with_sentences() -> None:
    doc = article([sentence("One.", 0)], [])
    with pytest.raises(ValueError, match="2 claim flags for 1 sentences"):
        link_claims(doc, [], claims=[True, False])


def test_a_similarity_links_why_names_the_shared_words() -> None:
    refs = [ReferenceText("Hayden JA. Exercise therapy for chronic low back pain. 2021.")]
    sentence = Sentence("Exercise therapy eases chronic low back pain in adults.", 1, 0, 0, 0,
                        "sentence", ())
    (link,) = link_sentences([sentence], refs, claims=[True]).links[0]
    assert link.how == "inferred"
    assert link.why == ("the claim's wording is close to it: shares the words exercise, "
                        "therapy, chronic, low, back, pain")
