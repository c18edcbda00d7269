"""Word files: structure, Word's numbering, citation fields, notes, and files to refuse."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from evidence.articles import parse_bytes, read_article
from evidence.errors import InputError
from tests.evidence.articles.manuscripts import HAYDEN, KREINER, MANUSCRIPTS


def _saved(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def test_example_manuscript_with_zotero_fields() -> None:
    article = read_article(MANUSCRIPTS / "spine-pain.docx")
    assert article.format == "docx"
    assert article.title == "Physical Therapy for Back and Neck Pain"
    markers = [(m.line, m.kind, m.text, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [
        (10, "field", "(Hayden et al., 2021)", (f"doi:{HAYDEN}",)),
        (10, "field", "(Kreiner et al., 2020)", (f"doi:{KREINER}",)),
    ]
    # the runs "Graded exercise", ": movemen", "ts that start" are one text
    items = [s.text for s in article.sentences if s.kind == "list-item"]
    assert items[0] == (
        "Graded exercise: movements that start easy and become harder as your back gets used "
        "to them."
    )
    assert len(items) == 5
    # the fields' works are the written references already: no reference is added twice
    assert [(r.line, r.doi) for r in article.references] == [(19, HAYDEN), (20, KREINER)]
    for sentence in article.sentences:  # each line of the laid-out text is one paragraph
        assert sentence.text[:20] in article.text.splitlines()[sentence.line - 1]


def test_word_numbering_superscripts_table_cells_and_footnotes() -> None:
    article = read_article(MANUSCRIPTS / "word-features.docx")
    texts = [s.text for s in article.sentences]
    assert texts[1:3] == [
        "Exercise therapy reduces pain in chronic low back pain.",
        "Guidelines recommend it as a first treatment.",
    ]
    assert [m.targets for m in article.sentences[1].markers] == [("1",)]
    assert [m.kind for m in article.sentences[2].markers] == ["superscript"]
    # the footnote follows the paragraph that refers to it, as a paragraph of its own
    assert texts[3:5] == [
        "Coverage differs between plans.", "Most insurance plans pay for six visits a year."
    ]
    assert "Studies show that 60% of patients improve with exercise." in texts  # a table cell
    # "List Number" is Word's own numbering: the numbers it shows are the labels
    assert [(r.label, r.doi) for r in article.references] == [("1", HAYDEN), ("2", KREINER)]


def test_endnote_field_carries_its_work() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Exercise reduces back pain ")
    record = (
        "<EndNote><Cite><Author>Hayden</Author><Year>2021</Year><RecNum>7</RecNum><record>"
        "<contributors><authors><author>Hayden, J. A.</author></authors></contributors>"
        "<titles><title>Exercise therapy for chronic low back pain</title>"
        "<secondary-title>Cochrane Database Syst Rev</secondary-title></titles>"
        "<electronic-resource-num>10.1002/14651858.CD009790.pub2</electronic-resource-num>"
        "</record></Cite></EndNote>"
    )
    for xml in (
        '<w:fldChar w:fldCharType="begin"/>',
        f'<w:instrText xml:space="preserve"> ADDIN EN.CITE {escape(record)}</w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>(Hayden, 2021)</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    paragraph.add_run(".")
    article = parse_bytes(_saved(document), path="endnote.docx")
    (sentence,) = article.sentences
    assert sentence.text == "Exercise reduces back pain (Hayden, 2021)."
    assert [(m.kind, m.targets) for m in sentence.markers] == [("field", (f"doi:{HAYDEN}",))]
    (reference,) = article.references  # no list written: the field's work is the reference
    assert reference.doi == HAYDEN
    assert reference.text.startswith("Hayden, J. A. Exercise therapy for chronic low back")


def test_a_field_code_is_not_text() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Page ")
    for xml in ('<w:fldChar w:fldCharType="begin"/>', "<w:instrText> PAGE </w:instrText>",
                '<w:fldChar w:fldCharType="separate"/>', "<w:t>3</w:t>",
                '<w:fldChar w:fldCharType="end"/>'):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    article = parse_bytes(_saved(document), path="page.docx")
    assert [s.text for s in article.sentences] == ["Page 3"]
    assert article.sentences[0].markers == ()


def test_zip_bomb_is_refused_unread() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\0" * 50_000_000)
    with pytest.raises(InputError, match="zip bomb"):
        parse_bytes(out.getvalue(), path="bomb.docx")


def test_too_large_when_unpacked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.articles.docx as reader

    monkeypatch.setattr(reader, "MAX_UNPACKED", 1000)
    with pytest.raises(InputError, match="over the limit"):
        parse_bytes((MANUSCRIPTS / "word-features.docx").read_bytes(), path="big.docx")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "password-protected"),
        (b"this is not a zip", "not a zip package"),
        (b"", "not a zip package"),
    ],
)
def test_encrypted_and_corrupt_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_bytes(data, path="paper.docx")


def test_a_zip_that_is_not_a_word_file_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "hello")
    with pytest.raises(InputError, match="not a readable Word"):
        parse_bytes(out.getvalue(), path="paper.docx")


def _understated(size: int) -> bytes:
    """A real .docx whose document.xml is ``size`` bytes, its headers saying 1,000."""
    import struct

    source = zipfile.ZipFile(io.BytesIO((MANUSCRIPTS / "word-features.docx").read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for item in source.infolist():
            big = item.filename == "word/document.xml"
            package.writestr(item.filename, b"<" * size if big else source.read(item.filename))
    data = bytearray(out.getvalue())
    # local header: size at 22, name at 30 (length at 26); central directory: 24, 46 (28)
    for signature, size_at, name_at, length_at in ((b"PK\x03\x04", 22, 30, 26),
                                                   (b"PK\x01\x02", 24, 46, 28)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack("<H", data[at + length_at : at + length_at + 2])[0]
            if data[at + name_at : at + name_at + length] == b"word/document.xml":
                data[at + size_at : at + size_at + 4] = struct.pack("<I", 1000)
            at = data.find(signature, at + 4)
    return bytes(data)


def test_headers_that_understate_the_size_do_not_get_through() -> None:
    with pytest.raises(InputError, match="damaged or encrypted zip"):
        parse_bytes(_understated(30_000_000), path="liar.docx")


def test_a_package_python_docx_cannot_make_sense_of_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")  # no namespace: not OOXML
        package.writestr("word/document.xml", "<document/>")
    with pytest.raises(InputError, match="not a readable Word"):
        parse_bytes(out.getvalue(), path="odd.docx")


def test_mendeley_field_is_read_like_zotero() -> None:
    import json

    document = docx.Document()
    paragraph = document.add_paragraph("Guidelines recommend exercise ")
    code = {"citationItems": [{"id": "ITEM-1", "itemData": {
        "id": "ITEM-1", "DOI": "10.1016/j.spinee.2020.04.006", "title": "Guideline summary review",
        "author": [{"family": "Kreiner", "given": "D Scott"}],
        "issued": {"date-parts": [["2020"]]}}}], "mendeley": {"formattedCitation": "[1]"}}
    for xml in (
        '<w:fldChar w:fldCharType="begin"/>',
        f'<w:instrText xml:space="preserve">ADDIN CSL_CITATION {escape(json.dumps(code))}'
        "</w:instrText>",
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>[1]</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{xml}</w:r>'))
    paragraph.add_run(".")
    article = parse_bytes(_saved(document), path="mendeley.docx")
    (sentence,) = article.sentences
    # "[1]" is the field's own text: one field marker, not a numeric marker as well
    assert [(m.kind, m.text, m.targets) for m in sentence.markers] == [
        ("field", "[1]", (f"doi:{KREINER}",))
    ]
    assert [(r.doi, r.text) for r in article.references] == [
        (KREINER, "Kreiner D Scott. Guideline summary review. 2020. doi:" + KREINER)
    ]


@pytest.mark.parametrize(
    ("name", "banner"),
    [("spine-pain-libreoffice.docx", 0), ("spine-pain-html-libreoffice.docx", 2)],
)
def test_saved_by_libreoffice(name: str, banner: int) -> None:
    """Word files LibreOffice Writer saved: its styles, its numbering, its raised text."""
    article = read_article(MANUSCRIPTS / name)
    markers = [(m.kind, m.targets) for s in article.sentences for m in s.markers]
    if name == "spine-pain-libreoffice.docx":  # the Zotero fields survive LibreOffice
        assert markers == [("field", (f"doi:{HAYDEN}",)), ("field", (f"doi:{KREINER}",))]
        assert [(r.label, r.doi) for r in article.references] == [(None, HAYDEN),
                                                                   (None, KREINER)]
    else:
        # HTML's <sup> comes out as text raised by w:position, not as vertAlign
        assert markers == [("numeric", ("1",)), ("superscript", ("2",))]
        assert [(r.label, r.doi) for r in article.references] == [("1", HAYDEN), ("2", KREINER)]
    kinds = [s.kind for s in article.sentences]
    assert kinds.count("list-item") == 5 and kinds.count("heading") >= 5
    first = article.sentences[banner]
    assert first.text.startswith("Physical Therapy for Back")


def test_word_features_survive_a_save_by_libreoffice() -> None:
    """Numbering, superscripts, a footnote and a table, as LibreOffice writes them back:
    the same reading, places included, as the file python-docx wrote."""
    from evidence.articles.places import Places

    def reading(name: str) -> list[object]:
        article = read_article(MANUSCRIPTS / name)
        places = Places(article)
        return [
            [(places.at(s.start), s.kind, s.text, [m.targets for m in s.markers])
             for s in article.sentences],
            [(r.label, r.doi, places.of_line(r.line)) for r in article.references],
        ]

    saved = reading("word-features-libreoffice.docx")
    assert saved == reading("word-features.docx")
    assert ("footnote 1", "sentence", "Most insurance plans pay for six visits a year.", []) in (
        saved[0]  # type: ignore[operator]
    )
