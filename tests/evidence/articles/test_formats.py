"""Markdown and HTML specifics: front matter, footnotes, code, entities, reference sections."""

from __future__ import annotations

from evidence.articles import parse_article


def test_front_matter_forms() -> None:
    md = "---\ntitle: 'Back pain'\nbibliography:\n  - one.bib\n  - \"two.bib\"\n---\n\nText here.\n"
    article = parse_article(md, format="markdown")
    assert (article.title, article.bibliography) == ("Back pain", ("one.bib", "two.bib"))
    assert [(s.text, s.line) for s in article.sentences] == [("Text here.", 8)]
    flow = parse_article("---\nbibliography: [a.bib, b.json]\n---\n# Head\n", format="markdown")
    assert flow.bibliography == ("a.bib", "b.json") and flow.title == "Head"


def test_markdown_entities_escapes_and_emphasis() -> None:
    md = "Cost &amp; care are *not* \\*always\\* `covered`.\n"
    (sentence,) = parse_article(md, format="markdown").sentences
    assert sentence.text == "Cost & care are not *always* covered."
    assert md[sentence.start : sentence.end] == md.rstrip("\n")


def test_markdown_numbered_references_section() -> None:
    md = (
        "Exercise helps [1].\n\n## References\n\n"
        "1. Hayden JA, et al. Exercise therapy. 2021. doi:10.1002/14651858.CD009790.pub2\n"
        "2. Kreiner DS, et al. Guideline. 2020. https://doi.org/10.1016/j.spinee.2020.04.006\n\n"
        "## About\n\nWritten by us in 2024.\n"
    )
    article = parse_article(md, format="markdown")
    assert [(r.label, r.line, r.doi) for r in article.references] == [
        ("1", 5, "10.1002/14651858.cd009790.pub2"),
        ("2", 6, "10.1016/j.spinee.2020.04.006"),
    ]
    assert article.sentences[-1].text == "Written by us in 2024."


def test_invalid_doi_is_kept_as_written() -> None:
    text = "Claim [1].\n\nReferences\n\n[1] Smith J, et al. A study. 2020. doi:10.12/broken\n"
    (entry,) = parse_article(text).references
    assert (entry.label, entry.doi, entry.doi_text, entry.line) == ("1", None, "10.12/broken", 5)


def test_html_entities_and_structure() -> None:
    html = (
        "<html><head><title>T &amp; C</title><meta charset=utf-8></head><body>\n"
        "<header><nav><ul><li>Home</li></ul></nav></header>\n"
        '<div role="navigation">Skip me.</div>\n'
        "<main><h2>Is it &lsquo;covered&rsquo;?</h2>\n"
        "<p>Caf&eacute; prices &#8212; about &#x24;5&nbsp;&mdash; rose<br>sharply.</p>\n"
        "<p hidden>Hidden text.</p><noscript>Enable JS.</noscript>\n"
        '<ol start="3"><li>third</li><li value="7">seventh</li></ol></main></body></html>'
    )
    article = parse_article(html, format="html")
    assert article.title == "T & C"
    assert [(s.kind, s.text, s.line) for s in article.sentences] == [
        ("heading", "Is it \u2018covered\u2019?", 4),
        ("sentence", "Caf\u00e9 prices \u2014 about $5 \u2014 rose sharply.", 5),
        ("list-item", "third", 7),
        ("list-item", "seventh", 7),
    ]
    sentence = article.sentences[1]
    assert html[sentence.start : sentence.end].startswith("Caf&eacute; prices")
    assert html[sentence.start : sentence.end].endswith("sharply.")


def test_html_reference_list_marked_by_class_without_heading() -> None:
    html = (
        "<p>Exercise helps.<sup>1</sup></p>\n"
        '<section class="footnotes"><ol>\n'
        '<li id="fn1">Hayden JA. <a href="https://doi.org/10.1002/14651858.CD009790.pub2">'
        "Exercise therapy</a>.</li>\n</ol></section>"
    )
    article = parse_article(html, format="html")
    (entry,) = article.references
    assert (entry.label, entry.line, entry.doi) == ("1", 3, "10.1002/14651858.cd009790.pub2")
    assert article.sentences[0].markers[0].targets == ("1",)


def test_unclosed_html_is_read() -> None:
    html = "<p>One claim here.<p>Two <b>bold words</p><li>item<li>next"
    article = parse_article(html, format="html")
    assert [s.text for s in article.sentences] == [
        "One claim here.",
        "Two bold words",
        "item",
        "next",
    ]


def test_prose_under_a_notes_heading_stays_prose() -> None:
    md = ("# Notes\n\nMost plans pay 80% of the cost [1].\n\nAsk your insurer first.\n\n"
          "## References\n\n1. Roe R. Plans and costs. 2020. doi:10.5555/plans\n")
    article = parse_article(md, format="markdown")
    assert [(r.line, r.doi) for r in article.references] == [(9, "10.5555/plans")]
    texts = [s.text for s in article.sentences]
    assert {"Most plans pay 80% of the cost [1].", "Ask your insurer first."} <= set(texts)


def test_numbered_notes_and_references_under_notes_are_references() -> None:
    md = ("Exercise helps [1]. It is cheap [2].\n\n## Notes\n\n"
          "1. See the survey of the society for the details.\n"
          "2. Prices as listed by the clinics asked.\n\n"
          "Hayden JA, et al. Exercise therapy for chronic low back pain. Cochrane Database "
          "Syst Rev. 2021;9:CD009790. doi:10.1002/14651858.CD009790.pub2\n")
    article = parse_article(md, format="markdown")
    assert [(r.label, r.line) for r in article.references] == [("1", 5), ("2", 6), (None, 8)]
    assert article.references[2].doi == "10.1002/14651858.cd009790.pub2"
