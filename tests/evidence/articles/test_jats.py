"""JATS XML: body, xref markers, the reference list, and XML that must be refused."""

from __future__ import annotations

import pytest

from evidence.articles import parse_article, read_article
from evidence.errors import InputError
from tests.evidence.articles.manuscripts import HAYDEN, KREINER, MANUSCRIPTS


def _jats(body: str, back: str = "") -> str:
    return f"<article><body>{body}</body><back>{back}</back></article>"


def test_example_manuscript_reads_like_the_markdown_example() -> None:
    article = read_article(MANUSCRIPTS / "spine-pain.xml")
    assert article.format == "jats"
    assert article.title == "Physical Therapy for Back and Neck Pain"
    markers = [(m.line, m.kind, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [(36, "xref", ("hayden2021",)), (38, "xref", ("kreiner2020",))]
    first = article.sentences[0]
    assert (first.line, first.text[:16]) == (17, "Physical therapy")
    assert [(s.line, s.text[:10]) for s in article.sentences if s.kind == "list-item"][:3] == [
        (27, "Graded exe"), (29, "Hands-on t"), (30, "Education:")
    ]
    refs = [(r.line, r.label, r.key, r.doi) for r in article.references]
    assert refs == [(61, "1", "hayden2021", HAYDEN), (68, "2", "kreiner2020", KREINER)]
    # element-citation has no punctuation of its own: its fields are read in the usual order
    assert article.references[0].text.startswith(
        "Hayden JA et al. Exercise therapy for chronic low back pain. The Cochrane"
    )
    assert not any("99%" in s.text for s in article.sentences)  # a display formula


def test_only_bibliographic_xrefs_are_markers() -> None:
    article = parse_article(
        _jats('<p>Pain fell (<xref ref-type="fig" rid="f1">Figure 1</xref>) as shown '
              '[<xref ref-type="bibr" rid="b1 b2">1,2</xref>].</p>'),
        path="a.xml", format="jats",
    )
    (sentence,) = article.sentences
    assert sentence.text == "Pain fell (Figure 1) as shown [1,2]."
    assert [(m.kind, m.targets) for m in sentence.markers] == [("xref", ("b1", "b2"))]


def test_inline_math_does_not_end_a_sentence() -> None:
    article = parse_article(
        _jats('<p>The effect was <inline-formula><mml:math xmlns:mml="http://www.w3.org/1998/'
              'Math/MathML"><mml:mi>p</mml:mi><mml:mo>&lt;</mml:mo><mml:mn>0.05</mml:mn>'
              "</mml:math></inline-formula> in both trials. It held.</p>"),
        path="a.xml", format="jats",
    )
    assert [s.text for s in article.sentences] == [
        "The effect was p<0.05 in both trials.", "It held."
    ]


def test_table_cells_and_footnotes_are_paragraphs() -> None:
    article = parse_article(
        _jats('<table-wrap><caption><p>Outcomes.</p></caption><table><tr><td>Most plans pay '
              "for therapy.</td><td>12</td></tr></table></table-wrap>",
              '<fn-group><fn id="n1"><p>Coverage varies by state.</p></fn></fn-group>'),
        path="a.xml", format="jats",
    )
    assert [s.text for s in article.sentences] == [
        "Outcomes.", "Most plans pay for therapy.", "12", "Coverage varies by state."
    ]
    assert article.references == ()


def test_entity_declarations_are_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]>'
        "<article><body><p>&b;</p></body></article>"
    )
    with pytest.raises(InputError, match="declares entities"):
        parse_article(laughs, path="bomb.xml", format="jats")


def test_external_entity_is_refused_and_not_fetched() -> None:
    xxe = (
        '<!DOCTYPE article [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<article><body><p>&x;</p></body></article>"
    )
    with pytest.raises(InputError, match="declares entities"):
        parse_article(xxe, path="xxe.xml", format="jats")


def test_an_external_dtd_is_not_loaded() -> None:
    article = parse_article(
        '<!DOCTYPE article SYSTEM "http://127.0.0.1:9/jats.dtd">'
        + _jats("<p>Most plans pay for therapy.</p>"),
        path="a.xml", format="jats",
    )
    assert [s.text for s in article.sentences] == ["Most plans pay for therapy."]


@pytest.mark.parametrize(
    ("xml", "message"),
    [("<html><body><p>Hi.</p></body></html>", "not a JATS article"),
     ("<article><body><p>Hi.</body></article>", "not well-formed")],
)
def test_other_xml_is_refused(xml: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_article(xml, path="a.xml", format="jats")


JATS_DTD = MANUSCRIPTS.parent / "jats-dtd" / "1.3"


def test_example_manuscript_validates_against_the_jats_dtd() -> None:
    """The JATS example is valid JATS 1.3 (archiving), checked against the DTD kept here."""
    from lxml import etree

    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    document = etree.parse(str(MANUSCRIPTS / "spine-pain.xml"), parser)
    assert document.docinfo.public_id == (
        "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN"
    )
    dtd = etree.DTD(str(JATS_DTD / "JATS-archivearticle1-3.dtd"))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    # and the DTD tells a wrong one apart: a <name> does not hold punctuation between its parts
    broken = etree.fromstring(
        etree.tostring(document).replace(b"<string-name>", b"<name>")
        .replace(b"</string-name>", b"</name>"),
        parser,
    )
    assert not dtd.validate(broken)


def test_jats_dtd_kept_here_names_no_network_file() -> None:
    """Every entity the DTD declares is a file named relative to it: loading fetches nothing.
    (A few name modules of other JATS variants, which this DTD never loads, and are not kept.)"""
    import re

    declared = []
    for module in JATS_DTD.rglob("*"):
        if module.is_file() and module.suffix in (".dtd", ".ent", ".mod"):
            text = re.sub(r"<!--.*?-->", "", module.read_text("utf-8"), flags=re.DOTALL)
            declared += re.findall(
                r'<!ENTITY\s+%\s+\S+\s+(?:PUBLIC\s+"[^"]*"\s+|SYSTEM\s+)"([^"]*)"', text
            )
    assert len(declared) > 40
    assert not [name for name in declared if "://" in name]
    assert not [name for name in declared if name.startswith(("/", ".."))]
