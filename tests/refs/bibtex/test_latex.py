"""LaTeX to Unicode and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from hypothesis import given, settings
from hypothesis import strategies as st

from refs.bibtex.latex import (
    _BARE_SPECIAL,
    _TO_TEXT,
    _accents_only,
    latex_to_unicode,
    unicode_to_latex,
    verbatim_to_unicode,
)

BIB = Path(__file__).parents[2] / "fixtures" / "bib"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Toru{\'n}", "Toruń"),
        (r"B\"{o}ck", "Böck"),
        (r"Garc{\'\i}a", "García"),
        (r"{\v S}koda \c{c}a", "Škoda ça"),
        (r"{\ss} {\o} {\ae} {\l}", "ß ø æ ł"),
        (r"{$\alpha$} Cen", "α Cen"),
        (r"\emph{Fixing} the {DNA}", "Fixing the DNA"),
        (r"50\% \& \$5 \#1 a\_b", "50% & $5 #1 a_b"),
        (r"pages 1--2, a---b", "pages 1–2, a—b"),
        (r"``quoted''", "“quoted”"),
        (r"\apj", "The Astrophysical Journal"),
        (r"{\textasciitilde}{\textasciicircum}{\textbackslash}", "~^\\"),
        (r"{\textbraceleft}x{\textbraceright}", "{x}"),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("Müller & Co", r'M{\"u}ller \& Co'),
        ("50% of $5 for #1 a_b", r"50\% of \$5 for \#1 a\_b"),
        ("{x} ~ ^ \\", r"{\textbraceleft}x{\textbraceright} {\textasciitilde} "
                       r"{\textasciicircum} {\textbackslash}"),
        ("a--b ''q'' ``r", "a-{}-b '{}'q'{}' `{}`r"),
        ("emoji \U0001f9ec stays", "emoji \U0001f9ec stays"),
    ],
)
def test_unicode_to_latex(text: str, latex: str) -> None:
    assert unicode_to_latex(text) == latex


def test_case_protection_braces_words_with_inner_capitals_only() -> None:
    assert unicode_to_latex("The DNA of McAdams and Python in COVID-19", protect_case=True) == (
        "The {DNA} of {McAdams} and Python in {COVID-19}"
    )


def test_verbatim_fields_keep_percent_encoding() -> None:
    assert verbatim_to_unicode(r"http://x.org/a%26b\_c{}") == "http://x.org/a%26b_c"


TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs")), max_size=40
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_unicode_survives_latex_and_back(text: str) -> None:
    assert latex_to_unicode(unicode_to_latex(text, protect_case=True)) == text


LATEX_PIECES = st.sampled_from(
    ["a", "E", " ", "{", "}", r"\'", r"\"", r"\`", r"\^", r"\~", r"\=", r"\.", r"\c", r"\v",
     r"\i", "--", "-", "'", "`", "~", "!", "?", r"\%", r"\&", r"\_", r"\#", "%", "&", "é"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LATEX_PIECES, max_size=12).map("".join))
def test_the_accent_shortcut_agrees_with_pylatexenc(latex: str) -> None:
    fast = _accents_only(latex)
    if fast is not None:
        assert fast == _TO_TEXT.latex_to_text(_BARE_SPECIAL.sub(r"\\\1", latex))


def test_the_accent_shortcut_agrees_with_pylatexenc_on_every_real_field() -> None:
    values = {
        str(field.value)
        for path in sorted(BIB.glob("*.bib"))
        for entry in parse_string(path.read_text(encoding="utf-8")).entries
        for field in entry.fields
    }
    checked = 0
    for value in values:
        fast = _accents_only(value)
        if fast is not None:
            checked += 1
            assert fast == _TO_TEXT.latex_to_text(_BARE_SPECIAL.sub(r"\\\1", value)), value
    assert checked > 3000
