"""Stable citation keys: ``hayden2021exercise`` = first author + year + first significant word.

The same work always gets the same key, whatever else is in the file; only a clash within one
file adds a suffix (``a``, ``b``... in the order the works come), so writing the same list
twice gives the same keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import count

from refs.work import Work

__all__ = ["assign_keys", "citation_key", "is_valid_key"]

_STOPWORDS = frozenset(
    "a an the and or but nor of on in at to for from by with without into onto over under "
    "about as is are was were be been its it this that these those de la le les der die das "
    "und el los las del du des un une".split()
)
"""Words skipped when looking for the first significant word of a title."""
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)
# BibTeX ends a key at whitespace, a comma or a brace; the others break other tools.
_BAD_KEY = re.compile(r"[\s,{}()\"#%'=\\~]")


def citation_key(work: Work) -> str:
    """The key a work gets when none is given: ``hayden2021exercise``.

    Parts that are missing are left out (``2021exercise``); a work with no author, year or
    title word gets ``ref``.
    """
    word = next((w for w in _ascii_words(work.title) if w not in _STOPWORDS), "")
    key = _name_part(work) + (str(work.year) if work.year else "") + word
    return key or "ref"


def _name_part(work: Work) -> str:
    """``vanbeethoven`` for a family name, ``world`` for an organisation."""
    author = work.first_author
    if author is None or author.literal == "others":
        return ""
    if author.family:
        return "".join(_ascii_words(author.family))
    return "".join(_ascii_words(author.literal or author.given or "")[:1])


def is_valid_key(key: str) -> bool:
    """Whether BibTeX and common tools read ``key`` as one citation key."""
    return bool(key) and _BAD_KEY.search(key) is None


def assign_keys(
    entries: Iterable[Work | tuple[str, Work]], *, bibtex: bool = True
) -> list[tuple[str, Work]]:
    """Every work with a unique key: given keys first, generated ones around them.

    An empty given key is replaced by a generated one. Keys clash case-insensitively, as in
    BibTeX; a clash gets the first free suffix ``a``, ``b``... ``z``, ``aa``...

    :param bibtex: check that given keys can be BibTeX keys (CSL-JSON ids can be anything).
    :raises ValueError: when a given key holds characters BibTeX cannot hold in a key.
    """
    pairs = [entry if isinstance(entry, tuple) else ("", entry) for entry in entries]
    for key, _ in pairs:
        if bibtex and key and not is_valid_key(key):
            raise ValueError(f"{key!r} cannot be a BibTeX key: no spaces, commas, braces or quotes")
    taken: set[str] = set()
    keys: list[str | None] = []
    for key, _ in pairs:
        keys.append(_claim(key, taken) if key else None)
    return [
        (key if key is not None else _claim(citation_key(work), taken), work)
        for key, (_, work) in zip(keys, pairs, strict=True)
    ]


def _claim(key: str, taken: set[str]) -> str:
    candidate = key
    suffixes = (_suffix(n) for n in count())
    while candidate.lower() in taken:
        candidate = key + next(suffixes)
    taken.add(candidate.lower())
    return candidate


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: spreadsheet column letters."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", ascii_text)
