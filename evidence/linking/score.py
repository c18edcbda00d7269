"""How much a sentence and a reference talk about the same thing: a lexical score in 0..1.

The model is meant to be read, not trusted blindly. For a sentence and one reference:

* **terms**: the share of the sentence's content stems (``text.content_terms``) that the
  reference also holds, each stem weighted by its rarity (BM25's idf) across the article's
  sentences and references, so words the whole article repeats ("physical therapy" in an
  article about physical therapy) count little and specific ones ("chronic") count much.
  A stem found only in the reference's abstract counts ``ABSTRACT_WEIGHT`` of a stem found in
  what is written or in the registry title and journal. When the reference's title is known
  (the registry's, else one written in quotes), the share of the title's stems the sentence
  states is blended in with ``TITLE_WEIGHT``: a claim says more than a title does.
* **phrases**: the share of the sentence's adjacent stem pairs ("low back", "back pain") that
  the reference holds adjacent too, weighted the same way by field.
* **names**: the share of the sentence's key phrases (acronyms, multi-word proper names,
  ``text.key_phrases``) that the reference names, by the name, the acronym, or words whose
  initials spell the acronym (NASS for "North American Spine Society").

``score = (1 - KEY_WEIGHT) * ((1 - PHRASE_WEIGHT) * terms + PHRASE_WEIGHT * phrases)
+ KEY_WEIGHT * names``, each part dropped (and the weights renormalised) when the sentence
has nothing of that kind. The score is similarity, not support: a reference that refutes a
claim scores as high as one that backs it.

Rarity is counted over ``PRIOR_DOCUMENTS`` imaginary documents besides the real ones, so a
short article (or a single sentence, as in ``similarity``) does not make every word rare.
Indexing is linear in the text; scoring a sentence touches only the references that share
a stem with it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evidence.linking.references import ReferenceText, written_title
from evidence.linking.text import KeyPhrase, content_terms, fold, key_phrases, surface

__all__ = [
    "ABSTRACT_WEIGHT",
    "KEY_WEIGHT",
    "PHRASE_WEIGHT",
    "PRIOR_DOCUMENTS",
    "TITLE_WEIGHT",
    "Match",
    "ReferenceIndex",
    "similarity",
]

ABSTRACT_WEIGHT = 0.7
"""A word found only in the abstract: abstracts are long and hold many words by chance."""
PHRASE_WEIGHT = 0.2
KEY_WEIGHT = 0.3
TITLE_WEIGHT = 0.3
PRIOR_DOCUMENTS = 10
_FRONT = 1.0
_CONNECTORS = frozenset({"of", "and", "for", "the", "on", "de", "du", "in"})


@dataclass(frozen=True, slots=True)
class Match:
    """One reference's score against a sentence, and how many content stems they share."""

    reference: int
    score: float
    shared: int


@dataclass(slots=True)
class _Indexed:
    terms: dict[str, float]  # stem -> field weight (1 front, ABSTRACT_WEIGHT abstract only)
    title: frozenset[str]  # the title's stems, registry title or the one written in quotes
    pairs: dict[tuple[str, str], float]
    folded: str  # " word word ... " for name lookups
    tokens: frozenset[str]  # words as written, for acronyms
    initials: frozenset[str]  # initials (lower case) of word runs, for acronyms


class ReferenceIndex:
    """The references of one article, indexed once; ``scores`` ranks them for a sentence.

    ``context`` is the rest of the article (its sentences), used only to count how common
    each word is.

    >>> index = ReferenceIndex([ReferenceText("Exercise therapy for chronic low back pain")])
    >>> round(index.score("Exercise helps chronic low back pain", 0), 2) > 0.5
    True
    """

    def __init__(self, references: Sequence[ReferenceText], context: Iterable[str] = ()) -> None:
        self._refs = [_index(ref) for ref in references]
        self._postings: dict[str, list[int]] = defaultdict(list)
        df: Counter[str] = Counter()
        for i, ref in enumerate(self._refs):
            for term in ref.terms:
                self._postings[term].append(i)
            df.update(ref.terms.keys())
        documents = len(self._refs)
        for text in context:
            df.update(set(content_terms(text)))
            documents += 1
        self._df = df
        self._documents = documents + PRIOR_DOCUMENTS
        self._idf: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._refs)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a stem, always above 0."""
        weight = self._idf.get(term)
        if weight is None:
            df = self._df.get(term, 0)
            weight = self._idf[term] = math.log(1 + (self._documents - df + 0.5) / (df + 0.5))
        return weight

    def scores(self, text: str) -> list[Match]:
        """Every reference sharing a content stem with ``text``, best first."""
        stems = content_terms(text)
        terms = list(dict.fromkeys(stems))
        candidates = {i for term in terms for i in self._postings.get(term, ())}
        if not candidates:
            return []
        weights = {term: self.idf(term) for term in terms}
        pairs = _pairs(stems)
        keys = key_phrases(text)
        found = [
            Match(i, self._score(i, weights, pairs, keys), _shared(self._refs[i], terms))
            for i in candidates
        ]
        return sorted(found, key=lambda m: (-m.score, m.reference))

    def shared_words(self, text: str, reference: int) -> list[str]:
        """The content words of ``text`` the reference also holds, as ``text`` writes them,
        each once, in order (for explanations).

        >>> ReferenceIndex([ReferenceText("Exercise therapy for low back pain")]).shared_words(
        ...     "Back pain eases with exercise", 0)
        ['back', 'pain', 'exercise']
        """
        words = surface(text)
        held = self._refs[reference].terms
        return [words.get(t, t) for t in dict.fromkeys(content_terms(text)) if t in held]

    def score(self, text: str, reference: int) -> float:
        """``text`` against one reference (0 when they share no content stem)."""
        for match in self.scores(text):
            if match.reference == reference:
                return match.score
        return 0.0

    def _score(
        self,
        i: int,
        weights: dict[str, float],
        pairs: set[tuple[str, str]],
        keys: list[KeyPhrase],
    ) -> float:
        ref = self._refs[i]
        total = sum(weights.values())
        terms = sum(w * ref.terms.get(t, 0.0) for t, w in weights.items()) / total
        if ref.title:
            # How much of the title the sentence states: a claim says more than a title
            # does ("trials have shown gains"), so its own coverage alone understates them.
            title = sum(self.idf(t) for t in ref.title if t in weights)
            title /= sum(self.idf(t) for t in ref.title)
            terms = (1 - TITLE_WEIGHT) * terms + TITLE_WEIGHT * title
        parts = [(terms, 1.0 - PHRASE_WEIGHT)]
        if pairs:
            parts.append((sum(ref.pairs.get(p, 0.0) for p in pairs) / len(pairs), PHRASE_WEIGHT))
        lexical = sum(v * w for v, w in parts) / sum(w for _, w in parts)
        if not keys:
            return round(lexical, 4)
        names = sum(_names(ref, key) for key in keys) / len(keys)
        return round((1 - KEY_WEIGHT) * lexical + KEY_WEIGHT * names, 4)


def similarity(text: str, reference: ReferenceText, *, context: Iterable[str] = ()) -> float:
    """How much ``text`` and ``reference`` are about the same thing, 0..1 ("related", not
    "supported"). Without ``context`` (the article's other sentences) word rarity is unknown
    and only the prior counts."""
    return ReferenceIndex([reference], context).score(text, 0)


def _index(ref: ReferenceText) -> _Indexed:
    front = " ".join(part for part in (ref.text, ref.title, ref.container) if part)
    abstract = ref.abstract or ""
    terms = dict.fromkeys(content_terms(abstract), ABSTRACT_WEIGHT)
    terms.update(dict.fromkeys(content_terms(front), _FRONT))
    pairs = dict.fromkeys(_pairs(content_terms(abstract)), ABSTRACT_WEIGHT)
    pairs.update(dict.fromkeys(_pairs(content_terms(front)), _FRONT))
    whole = f"{front} {abstract}"
    words = re.findall(r"[\w'’-]+", whole)
    return _Indexed(
        terms=terms,
        title=frozenset(content_terms(ref.title or written_title(ref.text) or "")),
        pairs=pairs,
        folded=f" {' '.join(re.findall(r'[a-z0-9]+', fold(whole)))} ",
        tokens=frozenset(words),
        initials=frozenset(_run_initials(re.findall(r"[\w'’-]+", front), any_case=True))
        | frozenset(_run_initials(words, any_case=False)),
    )


def _pairs(terms: list[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in zip(terms, terms[1:], strict=False) if a != b}


def _shared(ref: _Indexed, terms: list[str]) -> int:
    return sum(1 for term in terms if term in ref.terms)


def _names(ref: _Indexed, key: KeyPhrase) -> float:
    if key.name and f" {' '.join(re.findall(r'[a-z0-9]+', fold(key.name)))} " in ref.folded:
        return 1.0
    if key.acronym:
        if key.acronym in ref.tokens:
            return 1.0
        letters = "".join(ch for ch in key.acronym if ch.isalpha()).lower()
        # Two letters spell too many word pairs by chance ("patients treated" -> PT).
        if len(letters) >= 3 and letters in ref.initials:
            return 1.0
    return 0.0


def _run_initials(words: list[str], *, any_case: bool) -> Iterable[str]:
    """Initials of every run of 3 to 8 words (connectors skipped); capitalised words only
    unless ``any_case`` (used for the short written text and registry title, not abstracts)."""
    run: list[str] = []
    for word in [*words, ""]:
        if word.lower() in _CONNECTORS:
            continue
        if word and (any_case or word[:1].isupper()):
            run.append(word[0].lower())
            continue
        for start in range(len(run)):
            for end in range(start + 3, min(start + 8, len(run)) + 1):
                yield "".join(run[start:end])
        run = []
