"""The example articles and the seed, read end to end: sentences, references, markers."""

from __future__ import annotations

import pytest

from evidence.articles import Article, read_article
from tests.evidence.articles.golden import COCHRANE, EXAMPLES, NASS, SEED, SEED_REFERENCES

needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason=f"the seed article lives outside the repository ({SEED})"
)


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED)


@needs_seed
def test_seed_references_are_the_two_trailing_paragraphs(seed: Article) -> None:
    found = [(r.line, r.doi) for r in seed.references]
    assert found == [(line, doi) for line, _, doi in SEED_REFERENCES]
    for entry, (_, opening, _) in zip(seed.references, SEED_REFERENCES, strict=True):
        assert entry.text.startswith(opening)
    assert seed.references[0].doi_text == "10.1002/14651858.CD009790.pub2"
    assert all(r.label is None and r.key is None for r in seed.references)


@needs_seed
def test_seed_back_matter_is_text_not_references(seed: Article) -> None:
    after = [(s.line, s.kind) for s in seed.sentences if s.line > 55]
    assert after == [
        (57, "heading"),
        (59, "heading"),
        (61, "sentence"),
        (61, "sentence"),
        (61, "sentence"),
    ]
    assert not any("About the Author" in r.text for r in seed.references)


@needs_seed
def test_seed_structure(seed: Article) -> None:
    assert seed.title == "Physical Therapy"
    kinds = [s.kind for s in seed.sentences]
    assert kinds.count("list-item") == 13  # three numbered techniques, ten bullets of equipment
    assert kinds.count("heading") == 8
    assert not any(s.markers for s in seed.sentences)  # the seed has no inline markers
    unfinished = [s for s in seed.sentences if s.text.endswith("chronic low back pain")]
    assert [(s.line, s.paragraph) for s in unfinished] == [(42, 26)]


@needs_seed
def test_every_span_points_at_its_text(seed: Article) -> None:
    for sentence in seed.sentences:
        written = " ".join(seed.text[sentence.start : sentence.end].split())
        assert written == sentence.text
        assert seed.text.count("\n", 0, sentence.start) + 1 == sentence.line


def test_example_text_references() -> None:
    article = read_article(EXAMPLES / "spine-pain.txt")
    assert [(r.line, r.doi) for r in article.references] == [(33, COCHRANE), (35, NASS)]
    assert [s.text for s in article.sentences if s.line > 35] == [
        "About this article",
        "Written for the evidence project as a test article.",
        "This page is for teaching the checker, not for medical advice.",
        "Nothing on it replaces a visit to your own doctor.",
    ]


def test_example_markdown_markers_and_bibliography() -> None:
    article = read_article(EXAMPLES / "spine-pain.md")
    assert article.format == "markdown"
    assert article.title == "Physical Therapy for Back and Neck Pain"
    assert article.bibliography == ("spine-pain.bib",)
    assert (EXAMPLES / article.bibliography[0]).exists()
    assert article.references == ()  # pandoc writes them from the .bib
    markers = [(m.line, m.kind, m.text, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [
        (28, "pandoc", "[@hayden2021]", ("hayden2021",)),
        (30, "pandoc", "[@kreiner2020, p. 1004]", ("kreiner2020",)),
    ]
    assert not any("99%" in s.text for s in article.sentences)  # the code block is skipped


def test_example_html_markers_and_references() -> None:
    article = read_article(EXAMPLES / "spine-pain.html")
    assert article.title == "Physical Therapy for Back & Neck Pain"
    markers = [(m.line, m.kind, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [(45, "numeric", ("1",)), (47, "superscript", ("2",))]
    sup = article.sentences[[s.line for s in article.sentences].index(46)].markers[0]
    assert article.text[sup.start : sup.end] == sup.text == '<sup><a href="#ref2">2</a></sup>'
    found = [(r.line, r.label, r.doi) for r in article.references]
    assert found == [(68, "1", COCHRANE), (71, "2", NASS)]


def test_example_html_ignores_script_style_and_navigation() -> None:
    article = read_article(EXAMPLES / "spine-pain.html")
    text = " ".join(s.text for s in article.sentences)
    for hidden in ("Studies show this works", "100%", "9 out of 10", "Home", "analytics"):
        assert hidden not in text
    assert (
        "Written for the evidence project as a test article \u2014 not for medical advice." in text
    )


@pytest.mark.parametrize("name", ["spine-pain.txt", "spine-pain.md", "spine-pain.html"])
def test_examples_read_the_same_sentences(name: str) -> None:
    article = read_article(EXAMPLES / name)
    texts = [s.text.replace("\u2011", "-") for s in article.sentences if s.kind == "sentence"]
    assert texts[0].startswith("Physical therapy, also called physiotherapy, is a health")
    assert "Ask your therapist how many visits they expect you to need." in texts
    assert "Tips for getting the most out of therapy:" in texts
    items = [s.text for s in article.sentences if s.kind == "list-item"]
    assert len(items) == 5 and items[0].startswith("Graded exercise: movements")
    assert article.problems == ()
