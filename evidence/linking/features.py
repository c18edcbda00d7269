"""What the ranker knows about one sentence and one candidate reference, as numbers.

The ranker (``rank``) infers which reference a sentence rests on when no marker says so. It
reads, for a sentence and a reference of the same article:

* **words**: BM25 of the sentence against the reference (its written text, and the registry's
  title, journal and abstract when known), relative to the best reference for that sentence,
  whether it is that best one, by how far it leads the next, and the share of the sentence's
  adjacent word pairs the reference has in the same order;
* **title**: BM25 against the title alone (the registry's, else the one ``parse_reference``
  reads from the written text, so that names and journal words do not count), whether it is
  the best title, and the share of the title's words (by rarity) the sentence states;
* **the other way round**: the sentence's BM25 over the reference's best sentence of the
  article, by words and by title, and whether the two are each other's best (nearly every
  listed work is cited somewhere, most often where the text comes closest to it);
* **context**: the same BM25 for the whole paragraph (authors cite once and then go on about
  it) and the best of the two neighbouring sentences of the paragraph;
* **markers nearby**: whether the sentence before or after, or any sentence of the paragraph,
  cites the reference with a marker ("sentences after a cited one rest on the same source");
* **names**: the reference's first author, another of its authors, or its year written in
  the sentence;
* **order** (numbered lists only, see ``ORDER_CLOSE``): the sentence's place in the article
  against the reference's place in the list, the references just after the last one cited
  before, and those near or between the *anchors* of the nearest sentences around it;
* **the sentence**: whether it reads as drawing on a source at all: its section (introduction
  and discussion cite, results report the article's own data), its wording ("we", "here",
  "Fig. 2" against "previously", "has been", "reported", "proposed", "et al."), whether it
  names some reference's first author or writes a year, its place in the article and in its
  paragraph, its length, the number of references, and how many of the article's sentences
  carry markers.

Everything is computed once per article, each sentence looking only at itself, its two
neighbours, its paragraph's totals, each reference's best score over the sentences (one pass
over the scores already computed) and running values (last cited, nearest anchors) carried
along in one pass each way, so the cost is linear in the article.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.linking.references import ReferenceText, written_first_author, written_year
from evidence.linking.text import content_terms, fold, stem
from refs.match import ParsedReference, parse_reference

__all__ = [
    "FEATURES",
    "SENTENCE_FEATURES",
    "Candidate",
    "Passage",
    "SentenceFeatures",
    "article_features",
]

FEATURES = (
    "words",  # sentence BM25 / best reference's BM25 for the sentence
    "words_raw",  # log(1 + sentence BM25)
    "words_best",  # 1 when this reference has the sentence's best BM25
    "words_lead",  # (BM25 - best other BM25) / best BM25: above 0 only for the leader
    "paragraph",  # paragraph BM25 / best reference's paragraph BM25
    "paragraph_best",  # 1 when this reference leads the paragraph
    "neighbours",  # best of "words" over the previous and next sentence of the paragraph
    "marked_before",  # the previous sentence of the paragraph cites it with a marker
    "marked_after",  # the next sentence of the paragraph cites it with a marker
    "marked_paragraph",  # another sentence of the paragraph cites it with a marker
    "author",  # the reference's first author is named in the sentence
    "year",  # the reference's year is written in the sentence
    "pairs",  # share of the sentence's adjacent stem pairs the reference holds adjacent too
    "order",  # 1 - |sentence's place in the article - reference's place in the list|
    "order_close",  # the two places differ by less than ORDER_CLOSE
    "next_new",  # 1 to NEXT_NEW places after the last reference cited by a marker before
    "near_marked",  # within NEXT_NEW places of one the sentence before or after cites
    "between_anchors",  # between the anchors of the nearest anchored sentences around it
    "near_anchor",  # within NEXT_NEW places of one of those two anchors
    "title",  # sentence BM25 against the title alone / the best title's
    "title_best",  # 1 when this reference has the sentence's best title BM25
    "title_cover",  # share of the title's words (weighted by rarity) the sentence states
    "coauthor",  # another of the reference's authors is named in the sentence
    "for_reference",  # sentence BM25 / the reference's best sentence BM25 in the article
    "for_reference_title",  # the same by the title alone
    "mutual",  # the sentence's best reference by words, and the reference's best sentence
)
"""Features of a (sentence, reference) pair: they rank the candidates of one sentence."""
SENTENCE_FEATURES = (
    "section_background",  # the section reads as introduction, background or discussion
    "section_results",  # the section reads as results or methods
    "first_person",  # "we", "our", "us": the article speaking of its own work
    "own_work",  # "here", "this study", "in this": the article's own work
    "figure",  # "Fig. 2", "Table 1": the article's own data
    "earlier",  # "previously", "recent", "earlier": someone else's work
    "perfect",  # "has been", "have been": the state of knowledge
    "reported",  # "studies", "reported", "shown", "described"
    "proposed",  # "known", "proposed", "hypothesis"
    "length",  # log of the sentence's content words
    "references",  # log of the number of references
    "marked_share",  # share of the article's sentences that carry markers
    "et_al",  # "et al.", "and colleagues", "and co-workers": a narrative citation
    "names_any",  # names the first author of some reference
    "year_any",  # writes a year
    "place",  # where the sentence stands in the article, 0 (first) to 1 (last)
    "opens_paragraph",  # the first sentence of its paragraph
)
"""Features of a sentence alone: whether it reads as drawing on a source at all."""
_CUES = tuple(re.compile(p, re.I) for p in (
    r"\b(?:we|our|ours|us)\b",
    r"\bhere\b|\bthis (?:study|work|paper|article|report)\b|\bin this\b|\bpresent study\b",
    r"\bfig(?:ure)?s?\b|\btables?\b",
    r"\bprevious(?:ly)?\b|\bearlier\b|\brecent(?:ly)?\b|\bprior\b",
    r"\b(?:has|have) been\b",
    r"\bstud(?:y|ies)\b|\breport(?:ed|s)?\b|\bshown\b|\bdescribed\b|\bobserved\b",
    r"\bknown\b|\bwell[- ]established\b|\bpropos(?:ed|al)\b|\bhypothes",
))
CANDIDATES_BY_WORDS = 5
"""How many references, best first by the sentence's own words, are scored."""
CANDIDATES_BY_PARAGRAPH = 3
ORDER_CLOSE = 0.05
NEXT_NEW = 2
ANCHOR_LEAD = 0.5
"""An *anchor* is the reference a sentence most surely cites: the highest its markers cite,
or, without markers, its best reference by words when that leads the next by this share."""
"""Numbered reference lists (Vancouver style, most of medicine and biology) number works in
the order the text first cites them, so where a sentence stands says which part of the list
it is likely to cite, and the work after the last one cited so far is the likeliest new one.
An alphabetical list (author-year styles) says nothing of the kind: these features are 0."""
_K1 = 1.2
_B = 0.75
_ABSTRACT_WEIGHT = 0.5  # a word found only in the abstract: abstracts hold many words by chance
_BACKGROUND = re.compile(r"introduc|background|discuss|conclu|overview|review", re.I)
_RESULTS = re.compile(r"result|method|material|experiment|procedure|analys", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_ET_AL = re.compile(r"\bet al\b|\band (?:colleagues|co-?workers|coauthors)\b", re.I)
_NAME_WORD = re.compile(r"[a-z]+")
_WORDS = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")  # as ``text.content_terms`` splits


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence as the ranker sees it: its text, paragraph, section heading, and the
    references its own markers cite (indexes into the references)."""

    text: str
    paragraph: int
    section: str = ""
    marked: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reference for one sentence, with its feature values (``FEATURES`` order) and the
    content words the two share, as the sentence writes them (for the explanation)."""

    reference: int
    values: tuple[float, ...]
    shared: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """A sentence's candidates and its own features (``SENTENCE_FEATURES`` order)."""

    candidates: tuple[Candidate, ...]
    values: tuple[float, ...]


class _Bm25:
    """BM25 of a bag of stems against the references, touching only references that share a
    stem with it (postings)."""

    def __init__(self, fronts: Sequence[str], abstracts: Sequence[str | None]) -> None:
        self.fields: list[dict[str, float]] = []
        self.pairs: list[set[tuple[str, str]]] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        lengths = []
        for i, (front, abstract) in enumerate(zip(fronts, abstracts, strict=True)):
            counts: dict[str, float] = {}
            for term in content_terms(abstract or ""):
                counts[term] = counts.get(term, 0.0) + _ABSTRACT_WEIGHT
            for term in content_terms(front):
                counts[term] = counts.get(term, 0.0) + 1.0
            self.fields.append(counts)
            stems = content_terms(front)
            self.pairs.append(set(zip(stems, stems[1:], strict=False)))
            lengths.append(sum(counts.values()))
            for term in counts:
                self.postings[term].append(i)
        self.average = (sum(lengths) / len(lengths)) if lengths else 1.0
        self.lengths = lengths
        n = len(fronts)
        self.idf = {
            term: math.log(1 + (n - len(refs) + 0.5) / (len(refs) + 0.5))
            for term, refs in self.postings.items()
        }

    def scores(self, terms: Counter[str]) -> dict[int, float]:
        found: dict[int, float] = defaultdict(float)
        for term, count in terms.items():
            idf = self.idf.get(term)
            if idf is None:
                continue
            # Repeats in the query count, but with diminishing weight (paragraphs repeat).
            query = 1 + math.log(count)
            for i in self.postings[term]:
                tf = self.fields[i][term]
                norm = _K1 * (1 - _B + _B * self.lengths[i] / max(self.average, 1.0))
                found[i] += query * idf * tf * (_K1 + 1) / (tf + norm)
        return found


def article_features(
    passages: Sequence[Passage], references: Sequence[ReferenceText]
) -> list[SentenceFeatures]:
    """The candidates of every passage and their features, aligned with ``passages``."""
    bm25 = _Bm25([" ".join(p for p in (ref.text, ref.title, ref.container) if p)
                  for ref in references], [ref.abstract for ref in references])
    parsed = [parse_reference(ref.text) for ref in references]
    titles = _Bm25([ref.title or p.title or "" for ref, p in zip(references, parsed, strict=True)],
                   [None] * len(references))
    stems = [content_terms(p.text) for p in passages]
    terms = [Counter(t) for t in stems]
    own = [bm25.scores(t) for t in terms]
    relative = [_relative(s) for s in own]
    by_titles = [titles.scores(t) for t in terms]
    # The other way round: each reference's best sentence of the article. Nearly every listed
    # work is cited somewhere, most often where the text comes closest to it.
    ref_top = _per_reference_best(own, len(references))
    ref_title_top = _per_reference_best(by_titles, len(references))
    paragraphs: dict[int, Counter[str]] = defaultdict(Counter)
    members: dict[int, list[int]] = defaultdict(list)
    for i, passage in enumerate(passages):
        paragraphs[passage.paragraph].update(terms[i])
        members[passage.paragraph].append(i)
    by_paragraph = {k: _relative(bm25.scores(t)) for k, t in paragraphs.items()}
    paragraph_top = {k: heapq.nsmallest(CANDIDATES_BY_PARAGRAPH, s.items(), key=_order)
                     for k, s in by_paragraph.items()}
    marked_in = {k: Counter(r for i in idx for r in passages[i].marked)
                 for k, idx in members.items()}
    # The paragraph's most cited references, found once: a sentence looks at these few, not
    # at every citation of its paragraph (which would make long paragraphs quadratic).
    most_marked = {k: c.most_common(CANDIDATES_BY_PARAGRAPH + 1) for k, c in marked_in.items()}
    names = [_name(ref) for ref in references]
    coauthors = [_coauthors(p, names[r]) for r, p in enumerate(parsed)]
    first_names = [n for n in names if n]
    years = [str(ref.year or written_year(ref.text) or "-") for ref in references]
    log_refs = math.log(1 + len(references))
    ordered = not _alphabetical(names)
    last = max(len(passages) - 1, 1)
    last_ref = max(len(references) - 1, 1)
    cited_before = -1  # highest reference cited by a marker before the sentence
    marked_share = sum(1 for p in passages if p.marked) / max(len(passages), 1)
    anchors = [_anchor(p, scores) for p, scores in zip(passages, own, strict=True)]
    anchor_before = _nearest(anchors)
    anchor_after = _nearest(anchors[::-1])[::-1]
    out: list[SentenceFeatures] = []
    for i, passage in enumerate(passages):
        before = i - 1 if i > 0 and passages[i - 1].paragraph == passage.paragraph else None
        after = (i + 1 if i + 1 < len(passages) and passages[i + 1].paragraph == passage.paragraph
                 else None)
        ranked = heapq.nsmallest(CANDIDATES_BY_WORDS, own[i].items(), key=_order)
        by_title = by_titles[i]
        title_top = max(by_title.values(), default=0.0)
        title_best = min(by_title.items(), key=_order)[0] if by_title else -1
        para = by_paragraph[passage.paragraph]
        para_ranked = paragraph_top[passage.paragraph]
        near = [relative[j] for j in (before, after) if j is not None]
        marked = marked_in[passage.paragraph]
        chosen = dict.fromkeys(r for r, _ in ranked)
        if title_best >= 0:
            chosen.update(dict.fromkeys([title_best]))
        chosen.update(dict.fromkeys(r for r, _ in para_ranked))
        # Only what *other* sentences cite: a sentence's own markers are not evidence here.
        for j in (before, after):
            if j is not None:
                chosen.update(dict.fromkeys(sorted(passages[j].marked)))
        chosen.update(dict.fromkeys(r for r, n in most_marked[passage.paragraph]
                                    if n > (r in passage.marked)))
        if ordered and 0 <= cited_before < len(references) - 1:
            chosen.update(dict.fromkeys([cited_before + 1]))
        place = i / last
        surface = _surface(passage.text)
        pairs = set(zip(stems[i], stems[i][1:], strict=False))
        beside = {m for j in (before, after) if j is not None for m in passages[j].marked}
        around = [a for a in (anchor_before[i], anchor_after[i]) if a is not None]
        low, high = (min(around), max(around)) if len(around) == 2 else (-1, -1)
        best = ranked[0][1] if ranked else 0.0
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        written = _NAME_WORD.findall(fold(passage.text))
        folded = f" {' '.join(written)} "
        words = set(written)
        written_years = set(_YEAR.findall(passage.text))
        section = passage.section
        sentence_values = (
            1.0 if _BACKGROUND.search(section) else 0.0,
            1.0 if _RESULTS.search(section) else 0.0,
            *(1.0 if cue.search(passage.text) else 0.0 for cue in _CUES),
            math.log(1 + sum(terms[i].values())),
            log_refs,
            marked_share,
            1.0 if _ET_AL.search(passage.text) else 0.0,
            1.0 if _names_any(first_names, folded, words) else 0.0,
            1.0 if written_years else 0.0,
            place,
            1.0 if before is None else 0.0,
        )
        candidates = []
        for r in chosen:
            raw = own[i].get(r, 0.0)
            other = second if ranked and ranked[0][0] == r else best
            others_marked = marked[r] - (r in passage.marked)
            values = (
                relative[i].get(r, 0.0),
                math.log1p(raw),
                1.0 if ranked and ranked[0][0] == r else 0.0,
                (raw - other) / best if best > 0 else 0.0,
                para.get(r, 0.0),
                1.0 if para_ranked and para_ranked[0][0] == r else 0.0,
                max((n.get(r, 0.0) for n in near), default=0.0),
                1.0 if before is not None and r in passages[before].marked else 0.0,
                1.0 if after is not None and r in passages[after].marked else 0.0,
                1.0 if others_marked > 0 else 0.0,
                1.0 if names[r] and f" {names[r]} " in folded else 0.0,
                1.0 if years[r] in written_years else 0.0,
                len(pairs & bm25.pairs[r]) / len(pairs) if pairs else 0.0,
                (1 - abs(place - r / last_ref)) if ordered else 0.0,
                1.0 if ordered and abs(place - r / last_ref) < ORDER_CLOSE else 0.0,
                1.0 if ordered and cited_before >= 0 and 0 < r - cited_before <= NEXT_NEW
                else 0.0,
                1.0 if ordered and any(m in beside for m in range(r - NEXT_NEW,
                                                                  r + NEXT_NEW + 1)) else 0.0,
                1.0 if ordered and low <= r <= high and high >= 0 else 0.0,
                1.0 if ordered and any(abs(r - a) <= NEXT_NEW for a in around) else 0.0,
                by_title.get(r, 0.0) / title_top if title_top > 0 else 0.0,
                1.0 if r == title_best else 0.0,
                _cover(titles, r, terms[i]),
                1.0 if _names_any(coauthors[r], folded, words) else 0.0,
                raw / ref_top[r] if ref_top[r] > 0 else 0.0,
                by_title.get(r, 0.0) / ref_title_top[r] if ref_title_top[r] > 0 else 0.0,
                1.0 if ranked and ranked[0][0] == r and 0 < ref_top[r] <= raw else 0.0,
            )
            shared = tuple(surface.get(t, t) for t in terms[i] if t in bm25.fields[r])
            candidates.append(Candidate(r, values, shared))
        out.append(SentenceFeatures(tuple(candidates), sentence_values))
        cited_before = max(cited_before, max(passage.marked, default=-1))
    return out


def _per_reference_best(scores: Sequence[dict[int, float]], n: int) -> list[float]:
    """Each reference's highest score over the sentences (0 when no sentence touches it)."""
    best = [0.0] * n
    for found in scores:
        for r, score in found.items():
            if score > best[r]:
                best[r] = score
    return best


def _names_any(names: Sequence[str], folded: str, words: set[str]) -> bool:
    """Whether the sentence (``folded``, and its ``words`` as a set) names any of ``names``:
    a set look-up for one-word names, a search only for the few of several words."""
    return any((name in words) if " " not in name else (f" {name} " in folded)
               for name in names)


def _cover(index: _Bm25, r: int, terms: Counter[str]) -> float:
    """The share of reference ``r``'s indexed words, weighted by rarity, found in ``terms``."""
    words = index.fields[r]
    whole = sum(index.idf[t] for t in words)
    return sum(index.idf[t] for t in words if t in terms) / whole if whole > 0 else 0.0


def _coauthors(parsed: ParsedReference, first: str | None) -> tuple[str, ...]:
    """The reference's other authors' family names, folded, as ``_name`` reads the first."""
    found = []
    for author in parsed.authors:
        words = _NAME_WORD.findall(fold(author))
        name = " ".join(words)
        if words and len(words[-1]) >= 3 and name != first:
            found.append(name)
    return tuple(found)


def _anchor(passage: Passage, scores: dict[int, float]) -> int | None:
    if passage.marked:
        return max(passage.marked)
    top = heapq.nsmallest(2, scores.items(), key=_order)
    if not top:
        return None
    lead = (top[0][1] - (top[1][1] if len(top) > 1 else 0.0)) / top[0][1]
    return top[0][0] if lead >= ANCHOR_LEAD else None


def _nearest(anchors: Sequence[int | None]) -> list[int | None]:
    """For each place, the anchor of the nearest anchored place strictly before it."""
    found: list[int | None] = []
    last: int | None = None
    for anchor in anchors:
        found.append(last)
        if anchor is not None:
            last = anchor
    return found


def _surface(text: str) -> dict[str, str]:
    """Each stem of the text with the word it first stands for: explanations show words."""
    found: dict[str, str] = {}
    for word in _WORDS.findall(fold(text)):
        word = word.strip("-'")
        found.setdefault(stem(word), word)
    return found


def _order(item: tuple[int, float]) -> tuple[float, int]:
    return (-item[1], item[0])


def _relative(scores: dict[int, float]) -> dict[int, float]:
    best = max(scores.values(), default=0.0)
    return {r: s / best for r, s in scores.items()} if best > 0 else {}


def _alphabetical(names: Sequence[str | None]) -> bool:
    """Whether the list is sorted by first author (author-year style), judged on the
    neighbouring pairs whose first authors are both known."""
    known = [n for n in names if n]
    pairs = list(zip(known, known[1:], strict=False))
    return len(pairs) >= 3 and sum(a <= b for a, b in pairs) >= 0.9 * len(pairs)


def _name(ref: ReferenceText) -> str | None:
    name = ref.first_author or written_first_author(ref.text)
    if not name:
        return None
    words = _NAME_WORD.findall(fold(name))
    # A one- or two-letter "surname" is an initial read as a name: it would match anywhere.
    return " ".join(words) if words and len(words[-1]) >= 3 else None
