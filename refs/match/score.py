"""How well a registry work fits a reference: a confidence in 0..1 and the reasons for it.

The idea follows Crossref's search-based matching with validation (SBMV, described in
https://www.crossref.org/blog/reference-matching-for-real-this-time/): the search proposes,
then each field of the candidate is looked for in the reference, and a candidate that only a
few fields support is refused outright. The implementation is ours.

The confidence is a weighted agreement ratio: every field the candidate has adds its weight
to the denominator and, as far as the reference agrees, to the numerator; every number in the
reference that the candidate does not explain (a different volume, other pages) adds weight to
the denominator only. Fewer than ``MIN_SUPPORT`` agreeing key fields give 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from refs.match.normalize import (
    container_matches,
    first_last_page,
    fold,
    numbers,
    same_number,
    title_similarity,
)
from refs.match.parse import ParsedReference, bibliographic_text
from refs.work import Work

__all__ = ["DEFAULT_THRESHOLD", "MIN_SUPPORT", "registry_title", "registry_years",
           "score_candidate"]

DEFAULT_THRESHOLD = 0.55
"""Below this confidence a reference stays unmatched: unmatched is better than wrong."""
MIN_SUPPORT = 3
"""Key fields (title, year, first author, volume, first page) that must agree."""

_WEIGHTS = {"title": 2.0, "author": 1.0, "year": 1.0, "volume": 1.0, "issue": 0.5,
            "first page": 1.0, "last page": 0.5, "container": 0.5, "relevance": 0.5}
_KEY_FIELDS = frozenset({"title", "author", "year", "volume", "first page"})
_UNEXPLAINED = 0.5
"""Weight of a number in the reference that the candidate does not account for."""
_STRONG = 0.8
_NOTICE = re.compile(r"^\s*(?:retracted|retraction|withdrawn|expression of concern)\s*:\s*",
                     re.IGNORECASE)
_RANGE = re.compile(r"(\d+)\s*[-\u2010-\u2015\u2212]+\s*(\d+)")


@dataclass
class _Tally:
    """Agreement per field: weight expected, weight found, and the words for people."""

    expected: float = 0.0
    found: float = 0.0
    support: set[str] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)

    def field(self, name: str, agreement: float, reason: str) -> None:
        weight = _WEIGHTS[name]
        self.expected += weight
        self.found += weight * agreement
        self.reasons.append(reason)
        if name in _KEY_FIELDS and (agreement >= _STRONG or (name == "year" and agreement)):
            self.support.add(name)

    def unexplained(self, count: int) -> None:
        if count:
            self.expected += _UNEXPLAINED * count
            numbers = "number" if count == 1 else "numbers"
            self.reasons.append(f"{count} {numbers} in the reference not in the record")

    @property
    def ratio(self) -> float:
        return self.found / self.expected if self.expected else 0.0


def registry_title(work: Work) -> str:
    """The work's title without a notice label the registry put before it ("Retracted: ")."""
    return _NOTICE.sub("", work.title or "")


def registry_years(work: Work) -> set[int]:
    """Every year the registry gives the work: issued, in print, online."""
    years = {work.year} if work.year else set()
    raw = work.raw or {}
    for key in ("issued", "published", "published-print", "published-online"):
        value = raw.get(key)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if parts and parts[0] and isinstance(parts[0][0], int):
            years.add(parts[0][0])
    return years


def score_candidate(
    ref: ParsedReference, work: Work, registry_score: float | None = None
) -> tuple[float, tuple[str, ...]]:
    """The confidence (0..1) that ``work`` is what ``ref`` cites, and why."""
    if ref.doi and work.doi and ref.doi == work.doi:
        return 1.0, (f"the reference gives doi:{work.doi}",)
    text = bibliographic_text(ref.text) if ref.text.strip() else ""
    tally = _Tally()
    pool = _reference_numbers(text, ref)
    _score_title(tally, ref, work, text, pool)
    _score_author(tally, ref, work, text)
    _score_container(tally, ref, work, text, pool)
    _score_numbers(tally, ref, work, pool)
    tally.unexplained(len(pool))
    if registry_score is not None and text:
        relevance = min(1.0, registry_score / max(len(text), 1))
        tally.field("relevance", relevance, f"search relevance {registry_score:.1f}")
    if len(tally.support) < MIN_SUPPORT:
        found = ", ".join(sorted(tally.support)) or "none"
        reasons = (*tally.reasons, f"too little agrees: {found} (needs {MIN_SUPPORT})")
        return 0.0, reasons
    return round(tally.ratio, 4), tuple(tally.reasons)


def _reference_numbers(text: str, ref: ParsedReference) -> list[str]:
    """Numbers of the reference, abbreviated page ranges completed (``1425-37`` -> 1437)."""
    if not text:
        fields = (str(ref.year or ""), ref.volume, ref.issue, ref.pages)
        text = " ".join(f for f in fields if f)
    text = _RANGE.sub(lambda m: " ".join(p or "" for p in first_last_page(m.group(0))), text)
    return numbers(text)


def _take(pool: list[str], wanted: str | None) -> bool:
    """Whether the number ``wanted`` is in ``pool``; it is used up if so."""
    if wanted is None:
        return False
    digits = numbers(wanted)
    key = digits[0] if digits else wanted
    if key in pool:
        pool.remove(key)
        return True
    return False


def _score_title(
    tally: _Tally, ref: ParsedReference, work: Work, text: str, pool: list[str]
) -> None:
    title = registry_title(work)
    if not title:
        return
    similarity = title_similarity(ref.title, title) if ref.title else 0.0
    if text:
        folded = fold(title)
        if len(folded) >= 8:
            similarity = max(similarity, fuzz.partial_ratio(folded, fold(text)) / 100)
    for number in numbers(title):  # "GLOBOCAN 2008": the title explains its own numbers
        _take(pool, number)
    tally.field("title", similarity, f"title {'agrees' if similarity >= _STRONG else 'differs'}"
                f" ({similarity:.2f})")


def _score_author(tally: _Tally, ref: ParsedReference, work: Work, text: str) -> None:
    person = work.first_author
    family = fold(person.family or person.literal) if person else ""
    if not family:
        return
    written = fold(ref.first_author)
    agreement = 0.0
    if written:
        contained = family in written or written in family
        agreement = 1.0 if contained else fuzz.ratio(family, written) / 100
    if text and agreement < 1.0:
        head = fold(text)[: 3 * len(family) + 10]
        agreement = max(agreement, fuzz.partial_ratio(family, head) / 100)
    verdict = "agrees" if agreement >= _STRONG else "differs"
    tally.field("author", agreement, f"first author {verdict} ({family})")


def _score_container(
    tally: _Tally, ref: ParsedReference, work: Work, text: str, pool: list[str]
) -> None:
    names = [n for n in (work.container_title, work.short_container_title) if n]
    if not names:
        return
    for number in numbers(names[0]):  # "Proceedings of ICCV 2007"
        _take(pool, number)
    agreement = 1.0 if container_matches(ref.container, *names) else 0.0
    if not agreement and text:
        agreement = max(fuzz.partial_ratio(fold(n), fold(text)) / 100 for n in names)
        agreement = agreement if agreement >= _STRONG else 0.0
    tally.field("container", agreement, f"journal {'agrees' if agreement else 'differs'}")


def _score_numbers(tally: _Tally, ref: ParsedReference, work: Work, pool: list[str]) -> None:
    years = registry_years(work)
    if years:
        if any(_take(pool, str(y)) for y in sorted(years)):
            tally.field("year", 1.0, f"year {min(years)} agrees")
        elif any(_take(pool, str(y + d)) for y in sorted(years) for d in (-1, 1)):
            tally.field("year", 0.5, f"year off by one ({min(years)})")
        else:
            tally.field("year", 0.0, f"year {min(years)} not in the reference")
    for name, value in (("volume", work.volume), ("issue", work.issue)):
        if value and numbers(value):
            ok = _take(pool, value) or (name == "issue" and same_number(value, ref.issue))
            tally.field(name, float(ok), f"{name} {value} {_verdict(ok, pool)}")
    first, last = first_last_page(work.pages)
    for name, page in (("first page", first), ("last page", last)):
        if page and numbers(page):
            ok = _take(pool, page)
            tally.field(name, float(ok), f"{name} {page} {_verdict(ok, pool)}")


def _verdict(ok: bool, pool: list[str]) -> str:
    # With no number of the reference left to compare, the reference does not give this
    # one: absent is not different (the score is the same; only what a person reads is).
    return "agrees" if ok else "differs" if pool else "not given in the reference"
