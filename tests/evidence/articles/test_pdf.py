"""PDFs printed by Chromium: reading order, markers by size, running heads, refusals."""

from __future__ import annotations

import io

import pypdf
import pytest

from evidence.articles import parse_bytes, read_article
from evidence.articles.pdf import _Line, _one_line_pieces
from evidence.errors import InputError
from tests.evidence.articles.manuscripts import HAYDEN, KREINER, MANUSCRIPTS


def test_example_printed_from_html() -> None:
    article = read_article(MANUSCRIPTS / "spine-pain.pdf")
    assert article.format == "pdf"
    assert article.title == "Physical Therapy for Back & Neck Pain"  # the PDF's metadata
    headings = [s.text for s in article.sentences if s.kind == "heading"]
    assert headings[:2] == ["Physical Therapy for Back & Neck Pain",
                            "What happens at the first visit?"]
    markers = [(m.kind, m.targets) for s in article.sentences for m in s.markers]
    # "[1]" is written in the text; the "2" is a superscript, known by its size and place
    assert markers == [("numeric", ("1",)), ("superscript", ("2",))]
    assert [(r.label, r.doi) for r in article.references] == [("1", HAYDEN), ("2", KREINER)]
    # the page's chrome is printed, so it is text here (the HTML reader skips <nav>)
    assert article.sentences[0].text == "Home | Conditions |"
    lines = article.text.splitlines()
    assert lines[0] == "[page 1]"
    about = next(s for s in article.sentences if s.text == "About this article")
    assert lines[about.line - 2] == "[page 2]"


def test_two_columns_read_column_by_column() -> None:
    article = read_article(MANUSCRIPTS / "two-columns.pdf")
    texts = [s.text for s in article.sentences]
    # the left column's last paragraph goes on at the top of the right column
    assert "A typical course is six to eight sessions over four to six weeks." in texts
    assert texts.index("They also say that imaging is seldom needed in the first weeks.") < (
        texts.index("A typical course is six to eight sessions over four to six weeks.")
    )
    first = article.sentences[1]
    assert first.text == (
        "Exercise therapy reduces pain and improves function in adults with chronic low back "
        "pain."
    )
    assert [(m.kind, m.text, m.targets) for m in first.markers] == [("superscript", "1", ("1",))]
    assert [(r.label, r.doi) for r in article.references] == [("1", HAYDEN), ("2", KREINER)]


def test_running_heads_hyphens_and_broken_dois() -> None:
    article = read_article(MANUSCRIPTS / "running-heads.pdf")
    text = " ".join(s.text for s in article.sentences)
    assert article.text.count("[page ") == 3
    for chrome in ("Running heads", "file://", "1/3", "AM"):  # Chromium's head and foot
        assert chrome not in text
    assert "recover with exercise and rehabilitation over a few weeks." in text
    assert sum(1 for s in article.sentences if s.text.startswith("Paragraph ")) == 24
    (reference,) = article.references
    assert reference.doi == KREINER
    assert "998-1024. doi:10.1016/j.spinee.2020.04.006" in reference.text


def test_dois_ending_two_pages_are_no_running_head_but_the_articles_own_doi_is() -> None:
    """``page-end-dois.pdf``: a running head carrying the article's DOI on each of three
    pages, and two pages ending with a reference's DOI on a line of its own (two DOIs alike
    but for their digits, each in the page's bottom margin)."""
    article = read_article(MANUSCRIPTS / "page-end-dois.pdf")
    assert [(r.label, r.doi) for r in article.references] == [
        ("1", "10.5555/deskhealth.0000117"), ("2", "10.5555/deskhealth.0000206"),
        ("3", "10.5555/deskhealth.0000452"), ("4", "10.5555/workmove.0000031")]
    assert article.references[2].text.endswith(
        "Desk Health Rev. 2024;5:52-60. doi:10.5555/deskhealth.0000452")
    assert "desknotes" not in article.text and "Desk Work Notes" not in article.text


def _blank_pdf(pages: int = 1, password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_scan_with_no_text_layer_is_refused() -> None:
    with pytest.raises(InputError, match="no text layer"):
        parse_bytes(_blank_pdf(), path="scan.pdf")


def test_an_encrypted_pdf_is_refused() -> None:
    with pytest.raises(InputError, match="encrypted with a password"):
        parse_bytes(_blank_pdf(password="secret"), path="locked.pdf")


def test_too_many_pages_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    import evidence.articles.pdf as reader

    monkeypatch.setattr(reader, "MAX_PAGES", 500)
    with pytest.raises(InputError, match="501 pages, over the limit of 500"):
        parse_bytes(_blank_pdf(501), path="book.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"hello", "not a PDF file"), (b"%PDF-1.7\n garbage", "not a readable PDF")],
)
def test_corrupt_pdfs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_bytes(data, path="bad.pdf")


def test_example_typeset_by_latex() -> None:
    """pdflatex + BibTeX (natbib, plainnat): what TeX sets differs from what a browser prints."""
    article = read_article(MANUSCRIPTS / "spine-pain-latex.pdf")
    texts = [s.text for s in article.sentences]
    joined = " ".join(texts)
    # a line-end hyphen in a word that already holds one is the author's ("day-to-|day"),
    # and so is a compound's ("exercise-|based"); neither is joined into one word
    assert "improves day-to-day function" in joined
    assert "exercise-based physical therapy" in joined
    # natbib's square brackets are author-year markers, page note and all
    markers = [(m.kind, m.text, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [
        ("author-year", "[Hayden et al., 2021]", ("hayden 2021",)),
        ("author-year", "[Kreiner et al., 2020, p. 1004]", ("kreiner 2020",)),
    ]
    # TeX's itemize bullet has no Unicode (pdfminer says "(cid:136)"): still a list's bullet
    items = [s.text for s in article.sentences if s.kind == "list-item"]
    assert items[-2:] == ["Do your home exercises on most days, even when you feel better.",
                          "Tell your therapist if an exercise makes your pain spread down a leg."]
    assert items[0].startswith("Graded exercise:")  # the number is the item's, not its words
    assert not any("cid:" in t for t in texts)
    # the displayed equation (numbered "(1)") is no prose, and its number no part of the
    # next paragraph
    assert "Tips for getting the most out of therapy:" in texts
    assert not any("p < 0.05" in t for t in texts)
    assert [(r.doi, r.text.split(".")[0]) for r in article.references] == [
        (HAYDEN, "Jill A Hayden et al"), (KREINER, "D Scott Kreiner et al")
    ]


def test_two_columns_typeset_by_latex() -> None:
    """TeX's two columns: pdfminer's box order interleaves them (a right-column heading
    before the left column's text); the reader reads the left column, then the right."""
    article = read_article(MANUSCRIPTS / "spine-pain-latex-two-columns.pdf")
    headings = [s.text for s in article.sentences if s.kind == "heading"]
    assert headings[2:] == ["1 What happens at the first visit?", "2 Does it work?",
                            "3 How long does treatment take?",
                            "4 Will my insurance pay for it?", "References"]
    # natbib's superscript numbers, set a little apart from the word before them
    markers = [(m.kind, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [("superscript", ("1",)), ("superscript", ("2",))]
    research = next(s for s in article.sentences if s.text.startswith("Research has shown"))
    assert research.text.endswith("with chronic low back pain.")
    assert [(r.label, r.doi) for r in article.references] == [("1", HAYDEN), ("2", KREINER)]


def test_tex_underscores_and_stretched_reference_lines() -> None:
    """``typeset-quirks.tex``: TeX draws ``\\_`` as a rule (no glyph, so a gap pdfminer
    reads as a space), and stretches a reference line whose DOI does not fit until its
    spaces split it into pieces that pdfminer boxes with the line below."""
    article = read_article(MANUSCRIPTS / "typeset-quirks.pdf")
    assert [(r.label, r.doi, r.text) for r in article.references] == [
        ("1", "10.5555/desk_a_00417",
         "Moss T, Okafor B. Standing breaks and afternoon stiffness in call centre staff: a "
         "pilot. J Desk Ergon. 2024;3:41-48. doi:10.5555/DESK_a_00417"),
        ("2", "10.5555/ergonomics.walking.2025.000012345678901234567",
         "Lund P. Desk walking in practice. Ergon Rev. 2025;1:E7. "
         "doi:10.5555/ergonomics.walking.2025.000012345678901234567."),
        # the first line stretched so far that the gap after "office:" (TeX's space factor
        # widens a space after a colon) left "Mi-" a piece of its own, read last
        ("3", None,
         "Hale R, Ortiz M, Berg K. Rest days at the office: Microbreaks and the pursuit of "
         "comfort. 2024. Available at http://example.org/reports/restdays/index.html via the "
         "Internet."),
    ]


def test_displayed_equations_are_no_prose() -> None:
    """An unnumbered display (``\\[ ... \\]``) is not a sentence; the sentence around a
    numbered one goes on across it, fraction and all; a centred line of text stays."""
    article = read_article(MANUSCRIPTS / "typeset-quirks.pdf")
    texts = [s.text for s in article.sentences if s.kind == "sentence"]
    assert texts[1:] == [
        "The pilot scored stiffness on a plain ten-point scale, and the change it reports is "
        "the difference of two means:",
        "Readers should treat that figure with care, since the pilot was small and nobody in "
        "it was blinded.",
        "The score of each worker was the mean of the morning and the evening reports, taken "
        "over the five working days of the trial.",
        "Table 1 is at the end of this note.",
        "A second trial with a longer follow-up is being planned by the same group [2].",
    ]
    assert not any(ch in article.text for ch in "\u2206\u2212\u2265")  # Δ, −, ≥


def test_places_are_pages_columns_and_lines() -> None:
    from evidence.articles.places import Places

    article = read_article(MANUSCRIPTS / "spine-pain-latex-two-columns.pdf")
    places = Places(article)
    where = {s.text[:24]: places.at(s.start) for s in article.sentences}
    # written by reading the page: the title and date span it, then the columns count anew
    assert where["Physical Therapy for Bac"] == "page 1, line 1"
    assert where["Research has shown that "] == "page 1, column 1, line 23"
    # the column's first line is a heading TeX stretched ("3 How long does    treatment"): one line
    assert where["A typical course of phys"] == "page 1, column 2, line 3"
    marker = next(m for s in article.sentences for m in s.markers)
    assert places.at(marker.start) == "page 1, column 1, line 25"
    one_column = read_article(MANUSCRIPTS / "spine-pain-latex.pdf")
    assert Places(one_column).of_line(one_column.references[1].line) == "page 2, line 13"


def _piece(text: str, x0: float, x1: float, spacing: float) -> _Line:
    return _Line([(text, None)], x0, x1, 100.0, 110.0, 10.0, 1, spacing=spacing)


def test_pieces_of_a_stretched_line_are_one_line_and_columns_are_not() -> None:
    """A stretched line's one-word pieces are measured by the spaces of its other pieces;
    a column gap wider than the spaces beside it keeps two lines apart."""
    row = [_piece("infection. PLoS Pathog.", 270.0, 392.4, 12.6), _piece("to", 195.4, 204.3, 0),
           _piece("sponse", 154.2, 182.9, 0), _piece("retroviral", 216.9, 257.4, 0)]
    assert [[p.text for p in run] for run in _one_line_pieces(row)] == [
        ["sponse", "to", "retroviral", "infection. PLoS Pathog."]]
    columns = [_piece("the left column's line", 72.0, 290.0, 3.3),
               _piece("the right column's line", 304.0, 522.0, 3.4)]
    assert _one_line_pieces(columns) == []


def test_a_gap_after_a_colon_may_be_twice_a_space_of_the_line() -> None:
    """TeX's space factor: the space after a colon stretches twice as far as one between
    words, after a full stop three times; a gap as wide after a word is no space of the line."""
    row = [_piece("[2] Council on Desks. Sitting less:", 138.8, 418.8, 12.4),
           _piece("Micro-", 441.4, 477.5, 0)]
    assert [[p.text for p in run] for run in _one_line_pieces(row)] == [
        ["[2] Council on Desks. Sitting less:", "Micro-"]]
    closed = [_piece("as the council said (in 2024.)", 138.8, 418.8, 12.4),
              _piece("Then", 441.4, 470.0, 0)]
    assert len(_one_line_pieces(closed)) == 1  # a closing bracket keeps the full stop's
    after_a_word = [_piece("[2] Council on Desks. Sitting less", 138.8, 418.8, 12.4),
                    _piece("Micro-", 441.4, 477.5, 0)]
    assert _one_line_pieces(after_a_word) == []
