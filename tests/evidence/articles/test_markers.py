"""Citation markers of every style, with their lines, spans and targets."""

from __future__ import annotations

import pytest

from evidence.articles import Marker, parse_article


def markers(text: str, format: str = "text") -> list[Marker]:
    article = parse_article(text, format=format)
    return [m for s in article.sentences for m in s.markers]


@pytest.mark.parametrize(
    ("written", "kind", "targets"),
    [
        ("[@hayden2021]", "pandoc", ("hayden2021",)),
        ("[@hayden2021; @kreiner2020, p. 4]", "pandoc", ("hayden2021", "kreiner2020")),
        ("[see @hayden2021, pp. 3-4]", "pandoc", ("hayden2021",)),
        (
            "[@doi:10.1002/14651858.CD009790.pub2]",
            "pandoc",
            ("doi:10.1002/14651858.cd009790.pub2",),
        ),
        ("[1]", "numeric", ("1",)),
        ("[1, 3\u20135]", "numeric", ("1", "3", "4", "5")),
        ("[2-4,7]", "numeric", ("2", "3", "4", "7")),
        ("[9-2]", "numeric", ("9", "2")),
        ("^1", "superscript", ("1",)),
        ("^1,2^", "superscript", ("1", "2")),
        ("\u00b9\u00b2", "superscript", ("12",)),
        ("[^1]", "footnote", ("1",)),
        ("[^long-note]", "footnote", ("long-note",)),
        ("(Hayden et al., 2021)", "author-year", ("hayden 2021",)),
        (
            "(Hayden et al. 2021; Kreiner et al., 2020)",
            "author-year",
            ("hayden 2021", "kreiner 2020"),
        ),
        ("(Smith and Jones, 2019a)", "author-year", ("smith 2019a",)),
        # a family name's particle is part of it, first author or not
        ("(van Tulder et al., 1997)", "author-year", ("van tulder 1997",)),
        ("(Van der Berg & Smith 2018)", "author-year", ("van der berg 2018",)),
        ("(Rubinstein and de Zoete 2019)", "author-year", ("rubinstein 2019",)),
        ("doi:10.1016/j.spinee.2020.04.006", "doi-link", ("doi:10.1016/j.spinee.2020.04.006",)),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_marker_styles(written: str, kind: str, targets: tuple[str, ...]) -> None:
    space = "" if kind == "superscript" else " "  # a superscript hugs the word it follows
    text = f"Title line.\n\nExercise reduces pain{space}{written} in adults.\n"
    found = markers(text)
    assert [(m.text, m.kind, m.targets, m.line) for m in found] == [(written, kind, targets, 3)]
    assert text[found[0].start : found[0].end] == written


def test_narrative_author_year_stays_in_its_sentence() -> None:
    article = parse_article("Pain is common. Hayden et al. (2021) found exercise helps.")
    assert [s.text for s in article.sentences] == [
        "Pain is common.",
        "Hayden et al. (2021) found exercise helps.",
    ]
    assert article.sentences[1].markers[0].targets == ("hayden 2021",)


def test_marker_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    article = parse_article("Exercise reduces pain. [1] Rest does not.^2 Walking helps.")
    assert [(s.text, [m.targets for m in s.markers]) for s in article.sentences] == [
        ("Exercise reduces pain. [1]", [("1",)]),
        ("Rest does not.^2", [("2",)]),
        ("Walking helps.", []),
    ]


def test_markers_keep_their_own_lines_across_a_wrapped_paragraph() -> None:
    text = "Exercise reduces pain\n[1]. Insurance covers it\nin most states [2, 3].\n"
    found = markers(text)
    assert [(m.text, m.line) for m in found] == [("[1]", 2), ("[2, 3]", 3)]


def test_huge_range_is_not_expanded() -> None:
    (marker,) = markers("Pain fell [1-900].")
    assert marker.targets == ("1", "900")


def test_not_markers() -> None:
    text = "Write to a@b.org [in brackets] or see [link](x) about m\u00b2 and [10000]."
    assert markers(text) == []


def test_html_markers() -> None:
    html = (
        "<p>Pain fell<sup>1,2</sup> and\n"
        'rose <a href="#r3">[3]</a> per <a href="https://doi.org/10.1002/ABC">Hayden</a>.</p>'
    )
    found = markers(html, "html")
    assert [(m.kind, m.targets, m.line) for m in found] == [
        ("superscript", ("1", "2"), 1),
        ("numeric", ("3",), 2),
        ("doi-link", ("doi:10.1002/abc",), 2),
    ]
    assert found[0].text == "<sup>1,2</sup>"
    assert found[2].text == '<a href="https://doi.org/10.1002/ABC">Hayden</a>'


def test_markdown_markers() -> None:
    md = (
        "Pain fell [@hayden2021] and rose[^n1] per\n"
        "[the guideline](https://doi.org/10.1016/j.spinee.2020.04.006)<sup>4</sup>.\n\n"
        "[^n1]: A note on rising pain.\n"
    )
    article = parse_article(md, format="markdown")
    found = [(m.kind, m.targets, m.line, m.text) for s in article.sentences for m in s.markers]
    assert found == [
        ("pandoc", ("hayden2021",), 1, "[@hayden2021]"),
        ("footnote", ("n1",), 1, "[^n1]"),
        (
            "doi-link",
            ("doi:10.1016/j.spinee.2020.04.006",),
            2,
            "[the guideline](https://doi.org/10.1016/j.spinee.2020.04.006)",
        ),
        ("superscript", ("4",), 2, "<sup>4</sup>"),
    ]
    assert article.sentences[0].text == "Pain fell [@hayden2021] and rose[^n1] per the guideline."
    assert [(r.label, r.text, r.line) for r in article.references] == [
        ("n1", "A note on rising pain.", 4)
    ]
