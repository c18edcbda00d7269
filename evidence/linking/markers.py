"""Which reference a citation marker's target names.

A target resolves, by its shape and the marker's kind:

* ``doi:10.x/y``, ``https://doi.org/10.x/y`` or a bare ``10.x/y`` (any kind): the reference
  with that DOI, compared in normal form;
* numeric, superscript and footnote markers: the reference with that label (``[3]`` ->
  ``3``); when no reference of the article has a label at all, ``n`` is the n-th reference;
* pandoc markers: the reference with that citation key (``@hayden2021``), else that label;
* author-year markers: the reference whose first author's family name and year agree
  (``Hayden et al. 2021``, ``Smith & Jones, 2020``, ``Müller and Li (2019)``), names compared
  without accents or case; ``2021a`` / ``2021b`` pick the first / second such reference;
* any other kind: key, then label, then author-year.

A target that resolves to nothing is returned as unknown, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from evidence.linking.references import ReferenceText
from evidence.linking.text import fold
from refs import doi_problem, normalize_doi

__all__ = ["MarkerResolver", "author_year"]

_NUMBERED = frozenset({"numeric", "superscript", "footnote"})
_AUTHOR_YEAR = re.compile(
    r"^(?P<names>.*?)[\s,(]*(?P<year>1[5-9]\d\d|20\d\d)(?P<suffix>[a-z])?\)?$"
)
_ET_AL = re.compile(r"\bet\.?\s*al\b\.?", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/|10\.\d)", re.IGNORECASE)


class MarkerResolver:
    """Finds the references a marker target names; index once per article."""

    def __init__(self, references: Sequence[ReferenceText]) -> None:
        self._count = len(references)
        self._labels: dict[str, list[int]] = defaultdict(list)
        self._keys: dict[str, list[int]] = defaultdict(list)
        self._dois: dict[str, list[int]] = defaultdict(list)
        self._authors: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, ref in enumerate(references):
            if ref.label:
                self._labels[_label(ref.label)].append(i)
            if ref.key:
                self._keys[_key(ref.key)].append(i)
            if ref.doi and doi_problem(ref.doi) is None:
                self._dois[normalize_doi(ref.doi)].append(i)
            if ref.first_author and ref.year:
                self._authors[(_surname(ref.first_author), ref.year)].append(i)

    def resolve(self, kind: str, target: str) -> list[int]:
        """The indexes of the references ``target`` names (empty: it names none)."""
        target = target.strip()
        if _DOI_SHAPE.match(target):
            return self._by_doi(target)
        if kind in _NUMBERED:
            return self._by_label(target)
        if kind == "pandoc":
            return self._keys.get(_key(target)) or self._by_label(target)
        if kind == "author-year":
            return self._by_author_year(target)
        return (
            self._keys.get(_key(target)) or self._by_label(target) or self._by_author_year(target)
        )

    def _by_doi(self, target: str) -> list[int]:
        if doi_problem(target) is not None:
            return []
        return list(self._dois.get(normalize_doi(target), ()))

    def _by_label(self, target: str) -> list[int]:
        label = _label(target)
        if self._labels:
            return list(self._labels.get(label, ()))
        # A list numbered by position (no labels were written): [3] is the third entry.
        if label.isdigit() and 1 <= int(label) <= self._count:
            return [int(label) - 1]
        return []

    def _by_author_year(self, target: str) -> list[int]:
        parsed = author_year(target)
        if parsed is None:
            return []
        name, year, suffix = parsed
        found = [
            i
            for (surname, y), indexes in self._authors.items()
            if y == year and _same_surname(surname, name)
            for i in indexes
        ]
        found.sort()
        if suffix and len(found) > 1:
            position = ord(suffix) - ord("a")
            return [found[position]] if position < len(found) else []
        return found


def author_year(target: str) -> tuple[str, int, str | None] | None:
    """``("hayden", 2021, None)`` from ``Hayden et al. 2021``; ``None`` when no year is given.

    The name is the first author's family name, folded (no accents, lower case, letters
    only); co-authors after ``&``, ``and`` or a comma are dropped.
    """
    match = _AUTHOR_YEAR.match(target.strip())
    if match is None:
        return None
    names = _ET_AL.sub(" ", match.group("names"))
    first = re.split(r"\s*(?:&|\band\b|,|;)\s*", names.strip(" ,(["), maxsplit=1)[0]
    surname = _surname(first)
    if not surname:
        return None
    return surname, int(match.group("year")), match.group("suffix")


def _surname(name: str) -> str:
    return " ".join(re.findall(r"[a-z]+", fold(name)))


def _same_surname(written: str, cited: str) -> bool:
    # "van der Berg" may be cited as "Berg" or "van der Berg"; "Hayden" as "Hayden".
    if written.replace(" ", "") == cited.replace(" ", ""):
        return True
    return written.split()[-1:] == cited.split()[-1:] and len(cited.split()) == 1


def _label(text: str) -> str:
    return text.strip().strip("[]()^.").strip().casefold()


def _key(text: str) -> str:
    return text.strip().lstrip("@").casefold()
