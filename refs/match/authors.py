"""Author lists as written: ``Suresh, M. R., & Milstein, C.``, ``Katsouyanni K, Zmirou D``,
``D. Tkaczyk, P. Szostek, and Bolikowski``, ``Hayden, Jill A et al.`` -> family names."""

from __future__ import annotations

import re

__all__ = ["looks_like_authors", "parse_authors"]

_INITIALS = re.compile(
    r"^(?:[A-Z][a-z]?\.(?:-?[A-Z][a-z]?\.)*|[A-Z]{1,3}|[A-Z]{1,2}\.?-[A-Z]{1,3}\.?)$"
)
"""One token of given-name initials: ``J.``, ``M.R.``, ``Yu.``, ``MA``, ``H.-J``, ``K-EL``."""
_AFTER_FAMILY = re.compile(r"^[A-Z]{4}$")
"""Four initials after a family name (``Pereira JJGH``); alone, four capitals are a name
(``REEF``, ``NCBI``)."""
_ET_AL = re.compile(r"\bet\.?\s*al\b\.?|\(eds?\.?\)|\beds?\.(?=\s|$)|\([^)]*collaboration\)",
                    re.IGNORECASE)
_CHUNKS = re.compile(r"\s*(?:[,;]|\band\b|&|\bund\b)\s*")
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la",
                        "le", "dos", "das", "ter", "ten", "y", "bin", "al", "el", "v.", "d'"})


def parse_authors(segment: str) -> tuple[str, ...]:
    """Family names, in order, of the authors in ``segment`` (an author list as written)."""
    segment = _ET_AL.sub(",", segment)  # a separator: no name runs across "et al"
    chunks = [c.strip(" .:") for c in _CHUNKS.split(segment)]
    chunks = [c for c in chunks if re.search(r"[^\W\d_]", c)]
    families: list[str] = []
    expect_given = False
    for chunk in chunks:
        tokens = chunk.split()
        if all(_INITIALS.match(t) for t in tokens) or (expect_given and _is_given(tokens)):
            expect_given = False  # the given names of the family just read
            continue
        family, had_initials = _family(tokens)
        if family:
            families.append(family)
        # "Suresh, M. R.": a bare family name is followed by its given names.
        expect_given = not had_initials
    return tuple(families)


def looks_like_authors(segment: str) -> bool:
    """Whether ``segment`` reads as names rather than a title: few lower-case words."""
    segment = _ET_AL.sub(" ", segment).strip(" .,;:")
    if not segment or len(segment) > 400 or re.search(r"\d", segment):
        return False
    words = re.findall(r"[^\W\d_][\w'\u2019.-]*", segment)
    if not words:
        return False
    lower = [w for w in words if w[0].islower() and w.lower() not in _PARTICLES | {"and"}]
    initials = [w for w in words if _INITIALS.match(w)]
    if lower and len(lower) > max(1, len(words) // 5):
        return False
    return bool(initials) or "," in segment or len(words) <= 3


def _is_given(tokens: list[str]) -> bool:
    """``Jill A``, ``Scott S.``: one or two names, maybe with initials, and no more."""
    return 0 < len(tokens) <= 3 and all(t[:1].isupper() for t in tokens)


def _family(tokens: list[str]) -> tuple[str | None, bool]:
    """The family name in one author's tokens, and whether initials were among them."""
    if not tokens:
        return None, False
    lead = 0
    while lead < len(tokens) and _INITIALS.match(tokens[lead]):
        lead += 1
    if lead:  # "D. Tkaczyk", "P. J. Dendek"
        rest = tokens[lead:]
        return (" ".join(rest) or None), True
    for i, token in enumerate(tokens[1:], start=1):
        if _INITIALS.match(token) or _AFTER_FAMILY.match(token):
            # "Katsouyanni K", "Gordon Taylor H", "Aha D.W. Kibler D.", "Pereira JJGH"
            return " ".join(tokens[:i]), True
    return " ".join(tokens), False
