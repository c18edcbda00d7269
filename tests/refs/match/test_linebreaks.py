"""Text out of PDFs: line-break hyphens, ligatures and broken URLs mended, real hyphens kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refs.match.linebreaks import repair_line_breaks


@pytest.mark.parametrize(
    ("broken", "whole"),
    [
        ("Deep vein throm-\nbosis in travellers", "Deep vein thrombosis in travellers"),
        ("Deep vein throm- bosis in travellers", "Deep vein thrombosis in travellers"),
        ("Polytene Chro-\nmosoma of Drosophila", "Polytene Chromosoma of Drosophila"),
        ("\ufb01brosis and in\ufb02ammation", "fibrosis and inflammation"),
        ("a soft\u00adhyphen", "a softhyphen"),
    ],
    ids=["newline", "space", "capitalised-word", "ligatures", "soft-hyphen"],
)
def test_a_word_the_typesetter_broke_is_joined(broken: str, whole: str) -> None:
    assert repair_line_breaks(broken) == whole


@pytest.mark.parametrize(
    ("broken", "kept"),
    [
        ("Epstein-\nBarr virus", "Epstein-Barr virus"),
        ("anti-\nTNF therapy", "anti-TNF therapy"),
        ("T-\ncell receptors", "T-cell receptors"),
        ("non-\nsmall cell lung cancer", "non-small cell lung cancer"),
        ("a tacrolimus-\nbased regimen", "a tacrolimus-based regimen"),
        ("pre- and postoperative care", "pre- and postoperative care"),
        ("cross-talk: the cross-\ntalk of cells", "cross-talk: the cross-talk of cells"),
    ],
    ids=["capital-after", "abbreviation", "initial", "prefix-word", "suffix-word", "suspended",
         "written-elsewhere"],
)
def test_an_authors_hyphen_at_a_line_end_is_kept(broken: str, kept: str) -> None:
    assert repair_line_breaks(broken) == kept


def test_a_word_written_whole_elsewhere_is_joined_even_after_a_compound_part() -> None:
    text = "Lowdose aspirin. Low-\ndose aspirin again"
    assert repair_line_breaks(text) == "Lowdose aspirin. Lowdose aspirin again"


def test_a_url_cut_at_a_slash_is_rejoined_and_a_doi_hyphen_left_alone() -> None:
    text = "Available: http://www.example.org/\nreports/index.html doi:10.1007/s13277-\n013-0"
    assert repair_line_breaks(text) == (
        "Available: http://www.example.org/reports/index.html doi:10.1007/s13277-\n013-0"
    )


@given(st.text(alphabet=st.sampled_from("abcXY -\n.\ufb01"), max_size=40))
def test_only_breaks_change(text: str) -> None:
    # Letters are never added, dropped or reordered: only hyphens and whitespace go.
    def letters(s: str) -> str:
        return "".join(c for c in s.replace("\ufb01", "fi") if c.isalpha())

    assert letters(repair_line_breaks(text)) == letters(text)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("behaviour of aerial-\nhawking bats", "behaviour of aerial-hawking bats"),
        ("a gene-\ntic screen", "a genetic screen"),
        ("Caenorhab-\nditis species", "Caenorhabditis species"),
    ],
    ids=["two-words-stay-two", "one-word-joined", "unknown-word-joined"],
)
def test_the_word_list_decides_what_the_text_leaves_open(broken: str, expected: str) -> None:
    assert repair_line_breaks(broken) == expected
