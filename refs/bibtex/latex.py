"""LaTeX in BibTeX fields to Unicode, and Unicode back to LaTeX that BibTeX and LaTeX accept.

Reading uses pylatexenc's ``latex2text`` with these changes: an unknown command is kept as
written (``\\foo``) instead of vanishing, ``\\textasciicircum`` and ``\\textasciitilde`` give the
ASCII ``^`` and ``~`` (not the spacing modifier letters), ``\\textbraceleft`` and
``\\textbraceright`` give braces, and the AAS journal macros
(``\\apj``) expand to journal names. A bare ``%`` or ``&`` is text in a BibTeX value.
Values whose only commands are accents and escapes (most real ones) skip the parser: a
shortcut that the tests hold equal to pylatexenc, and that makes large files 4x faster.

Writing escapes what BibTeX or LaTeX would read otherwise (``& % $ # _ { } ~ ^ \\``, ligatures
such as ``--`` and ``''``) and turns accented letters into LaTeX (``{\\'e}``) only where reading
it back gives the very same character; anything else (emoji, Hebrew, combining marks) is
written as UTF-8. So ``latex_to_unicode(unicode_to_latex(text)) == text`` for any text
without control characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import (
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from pylatexenc.latexencode import UnicodeToLatexEncoder
from pylatexenc.latexwalker import LatexWalkerError, LatexWalkerParseError

from refs.bibtex.aas import AAS_JOURNALS

__all__ = ["latex_to_unicode", "unicode_to_latex", "verbatim_to_unicode"]

# Pairs of ASCII characters that TeX fonts turn into one glyph (-- is an en dash, '' a quote).
_LIGATURES = frozenset({("-", "-"), ("`", "`"), ("'", "'"), ("!", "`"), ("?", "`")})
_ASCII_ESCAPES = {
    "\\": r"{\textbackslash}",
    # BibTeX counts braces even after a backslash, so \{ would unbalance the field.
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_NEEDS_LATEX = re.compile(r"[\\$~%]|--|``|''|[!?]`")
# A bare % would start a LaTeX comment, a bare & an alignment tab: in a field both are text.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
_VERBATIM_ESCAPE = re.compile(r"\\([_%&#$~])")
_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
    "v": "\u030c", "d": "\u0323", "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
# \'e, \'{e}, \'{\i}; letter-named accents (\c, \v...) only with braces: \cc is no accent.
_ACCENT = re.compile(
    r"""\\([`'^~=."])(?:\{(\\[ij]|[A-Za-z])\}|([A-Za-z]))"""
    r"""|\\([urHvdckb])\{(\\[ij]|[A-Za-z])\}"""
)
_ESCAPED = re.compile(r"\\([&%$#_])")
_MATH_OR_BRACE_ESCAPE = re.compile(r"(?<!\\)\$|\\[{}]")
_TEXT_LIGATURES = {
    "---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d",
    "!`": "\u00a1", "?`": "\u00bf", "~": "\u00a0",
}
# One pass, left to right, longest first: as TeX reads them (`!``` is ¡ and a backtick).
_LIGATURE = re.compile("|".join(re.escape(k) for k in _TEXT_LIGATURES))


def _context() -> object:
    db = get_default_latex_context_db()
    macros = [MacroTextSpec(name, simplify_repl=title) for name, title in AAS_JOURNALS.items()]
    macros += [
        MacroTextSpec("textasciicircum", simplify_repl="^"),
        MacroTextSpec("textasciitilde", simplify_repl="~"),
        MacroTextSpec("textbraceleft", simplify_repl="{"),
        MacroTextSpec("textbraceright", simplify_repl="}"),
    ]
    db.add_context_category("refs-bibtex", macros=macros, prepend=True)
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=lambda node: "\\" + node.macroname))
    return db


_TO_TEXT = LatexNodes2Text(latex_context=_context(), math_mode="text", strict_latex_spaces=True)
_TO_LATEX = UnicodeToLatexEncoder(
    non_ascii_only=True, unknown_char_policy="keep", unknown_char_warning=False
)


@lru_cache(maxsize=65536)
def latex_to_unicode(text: str) -> str:
    """A field value as Unicode text: accents, commands, math and grouping braces resolved.

    >>> latex_to_unicode(r"Toru{\\'n} and {DNA}")
    'Toruń and DNA'

    Whitespace is left as it is; callers collapse it.
    """
    if not _NEEDS_LATEX.search(text):
        # Most values are plain text with grouping braces: skip the LaTeX parser (~0.5 ms).
        return text.replace("{", "").replace("}", "")
    fast = _accents_only(text)
    if fast is not None:
        return fast
    try:
        return str(_TO_TEXT.latex_to_text(_BARE_SPECIAL.sub(r"\\\1", text)))
    except (LatexWalkerError, LatexWalkerParseError):
        # pylatexenc parses tolerantly and should not raise; keep the text rather than lose it.
        return text.replace("{", "").replace("}", "")


def _accents_only(text: str) -> str | None:
    """What pylatexenc would make of a value whose only commands are accents and escapes.

    ``None`` when anything else is left (``\\ss``, math, unknown commands): the parser decides.
    A test checks this agrees with pylatexenc on every field of the real .bib fixtures.
    """
    if _MATH_OR_BRACE_ESCAPE.search(text):
        return None
    text = _ESCAPED.sub(r"\1", _ACCENT.sub(_accented, text))
    if "\\" in text:
        return None
    text = _LIGATURE.sub(lambda m: _TEXT_LIGATURES[m.group()], text)
    return text.replace("{", "").replace("}", "")


def _accented(match: re.Match[str]) -> str:
    accent = match.group(1) or match.group(4)
    letter = match.group(2) or match.group(3) or match.group(5)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + _COMBINING[accent])


def verbatim_to_unicode(text: str) -> str:
    """A URL or DOI field: only escaped specials (``\\_``) and braces undone, nothing else."""
    return _VERBATIM_ESCAPE.sub(r"\1", text).replace("{", "").replace("}", "")


def unicode_to_latex(text: str, *, protect_case: bool = False) -> str:
    """Text as a BibTeX field value, to be written inside braces.

    With ``protect_case``, words with a capital after their first letter (``DNA``, ``McAdams``,
    ``COVID-19``) are wrapped in braces, so that styles that lower-case titles keep them.

    >>> unicode_to_latex("Müller & Co: 50% of DNA", protect_case=True)
    'M{\\\\"u}ller \\\\& Co: 50\\\\% of {DNA}'
    """
    out: list[str] = []
    for piece in re.split(r"(\s+)", text):
        if not piece or piece.isspace():
            out.append(piece)
            continue
        encoded = _encode_word(piece)
        if protect_case and any(ch.isupper() for ch in piece[1:]):
            encoded = "{" + encoded + "}"
        out.append(encoded)
    return "".join(out)


def _encode_word(word: str) -> str:
    out: list[str] = []
    previous = ""
    for ch in word:
        if (previous, ch) in _LIGATURES:
            out.append("{}")
        if ch in _ASCII_ESCAPES:
            out.append(_ASCII_ESCAPES[ch])
        elif ch.isascii():
            out.append(ch)
        elif unicodedata.category(ch) == "Cc":
            pass  # a control character has no place in a field; BibTeX cannot hold it
        else:
            out.append(_encode_char(ch))
        previous = ch
    return "".join(out)


@lru_cache(maxsize=4096)
def _encode_char(ch: str) -> str:
    """``{\\'e}`` for ``é``, when reading it back gives ``é`` again; else the character."""
    if unicodedata.category(ch).startswith("M"):
        return ch  # a combining mark stays with its base letter as written
    encoded = str(_TO_LATEX.unicode_to_latex(ch))
    if encoded == ch:
        return ch
    if not encoded.startswith("{"):
        encoded = "{" + encoded + "}"
    return encoded if latex_to_unicode(encoded) == ch else ch
