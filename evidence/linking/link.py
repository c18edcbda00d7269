"""Claim -> reference links for one article: explicit markers first, then text similarity.

**Marker links** (``how="marker"``). A sentence is linked to every reference its own markers
resolve to (``markers.MarkerResolver``). A sentence with no marker of its own is covered by
the markers of another sentence of the same paragraph in exactly two cases:

1. the **next** sentence of the paragraph carries markers and is either *citation-only*
   (with its markers taken out, only ``CITATION_WORDS`` remain: "[3].", "See [2, 4].",
   "(Hayden et al. 2021).", "For a review, see [5].") or *continues the same point*: it
   opens with an anaphoric word (``ANAPHORIC_OPENERS``: "This was shown in a trial [4].").
   Only one step: markers are never passed along a chain. A sentence opening with "Furthermore" or
   "However" starts a new point, and its markers stay its own.
2. the paragraph **ends** with a citation-only sentence: its markers cover every sentence of
   the paragraph that has none.

Headings are neither covered nor covering. Marker links of every sentence are made, claim or
not, with the claim's similarity to the cited reference as ``score`` when the registry says
what the reference is about (``ReferenceText.has_record``), else ``None``: the
``weak-support`` rule reads it.

**Inferred links** (``how="inferred"``) are made only for sentences that have no marker at
all, own or covering; a sentence whose markers resolve nowhere keeps its broken markers
(reported as unknown citations) and is not given a guess. Two ways, in this order:

1. a claim (``claims[i]``) is linked to the reference that scores best
   (``score.ReferenceIndex``) when that score reaches ``threshold`` and they share at least
   ``MIN_SHARED_TERMS`` content stems; other references within ``TIE_MARGIN`` of the best and
   above the threshold are linked too;
2. any other sentence, claim or not, is linked to the best candidate of the learned ranker
   (``rank``: words, paragraph, neighbouring sentences and their markers, names) when the
   probability that it is right reaches ``ranked_threshold`` (the ``inferred-threshold``
   setting), else the ranker's default for the kind of article (with markers elsewhere or
   none at all, ``rank.Model.threshold_for``); the score is that probability.

An inferred link means "related": the texts agree on their subject, not that the reference
supports the claim; its ``why`` says what made the linker pick it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from evidence.linking.features import Passage
from evidence.linking.markers import MarkerResolver
from evidence.linking.rank import rank_passages
from evidence.linking.references import ReferenceText
from evidence.linking.score import ReferenceIndex
from evidence.linking.shapes import ArticleLike, MarkerLike, SentenceLike
from evidence.results import SourceLink
from evidence.vocabulary import How

__all__ = [
    "ANAPHORIC_OPENERS",
    "CITATION_WORDS",
    "INFERRED_THRESHOLD",
    "MIN_SHARED_TERMS",
    "TIE_MARGIN",
    "WHY_WORDS",
    "LinkResult",
    "link_claims",
    "link_sentences",
]

INFERRED_THRESHOLD = 0.5
"""Lowest score for an inferred link, chosen on the SciFact dev claims (benchmarks/linking.py):
the lowest threshold at which at most 2% of claims get a link when their cited abstracts are
left out and the nearest other abstracts are the only references, rounded up to 0.05. A wrong
inferred link hides an unsupported claim, so the choice gives up recall for precision."""
MIN_SHARED_TERMS = 2
WHY_WORDS = 6
"""How many shared words a similarity link's ``why`` names."""
TIE_MARGIN = 0.05
CITATION_WORDS = frozenset(
    "see also cf e g eg for a an review reviews and in the references therein ref refs as "
    "sources source ibid compare".split()
)
"""The only words a citation-only sentence may hold besides its markers."""
ANAPHORIC_OPENERS = frozenset(
    {"this", "these", "that", "those", "such", "it", "they", "both", "the latter", "the former"}
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The links of an article's sentences, and the marker targets that point nowhere."""

    links: dict[int, tuple[SourceLink, ...]]  # sentence index -> its links, only when any
    unknown: tuple[tuple[MarkerLike, str], ...]  # (marker, target) naming no reference


def link_claims(
    article: ArticleLike,
    references: Sequence[ReferenceText],
    *,
    claims: Sequence[bool],
    threshold: float = INFERRED_THRESHOLD,
    ranked_threshold: float | None = None,
) -> LinkResult:
    """Link the article's sentences to its references (see the module docstring).

    ``references`` is aligned with ``article.references`` (``reference_texts`` builds it);
    ``claims[i]`` says whether sentence ``i`` needs support; ``ranked_threshold``, when
    given, replaces the ranker's default threshold for both kinds of article.
    """
    return link_sentences(article.sentences, references, claims=claims, threshold=threshold,
                          ranked_threshold=ranked_threshold)


def link_sentences(
    sentences: Sequence[SentenceLike],
    references: Sequence[ReferenceText],
    *,
    claims: Sequence[bool],
    threshold: float = INFERRED_THRESHOLD,
    ranked_threshold: float | None = None,
) -> LinkResult:
    """``link_claims`` on a sequence of sentences."""
    if len(claims) != len(sentences):
        raise ValueError(f"{len(claims)} claim flags for {len(sentences)} sentences")
    resolver = MarkerResolver(references)
    index = ReferenceIndex(references, (s.text for s in sentences))
    own, unknown = _own_markers(sentences, resolver)
    ends = _run_ends(sentences)
    closers = {end for end in set(ends) if end in own and _citation_only(sentences[end])}
    links: dict[int, tuple[SourceLink, ...]] = {}
    unlinked = [False] * len(sentences)
    for i, sentence in enumerate(sentences):
        cited = own.get(i) or _covering(sentences, own, ends, closers, i)
        if cited:
            links[i] = _marker_links(sentence.text, cited, references, index)
        elif not sentence.markers and sentence.kind != "heading":
            inferred = (_inferred(sentence.text, index, references, threshold)
                        if claims[i] else ())
            if inferred:
                links[i] = inferred
            else:
                unlinked[i] = True
    if any(unlinked) and references:
        links.update(_ranked(sentences, own, references, unlinked, ranked_threshold))
    return LinkResult(links, tuple(unknown))


def _ranked(
    sentences: Sequence[SentenceLike],
    own: dict[int, _Cited],
    references: Sequence[ReferenceText],
    wanted: list[bool],
    threshold: float | None,
) -> dict[int, tuple[SourceLink, ...]]:
    """The learned ranker's links for the ``wanted`` sentences (rule 2 of inferred links);
    ``threshold`` ``None``: each kind of article's default."""
    passages = []
    section = ""
    for i, sentence in enumerate(sentences):
        if sentence.kind == "heading":
            section = sentence.text
        passages.append(Passage(sentence.text, sentence.paragraph, section,
                                frozenset(ref for ref, _ in own.get(i, ()))))
    found: dict[int, tuple[SourceLink, ...]] = {}
    for i, best in enumerate(rank_passages(passages, references, wanted=wanted)):
        if best is not None and best.score >= (best.threshold if threshold is None
                                                 else threshold):
            ref = best.reference
            found[i] = (SourceLink(ref, references[ref].doi, How.INFERRED, best.score,
                                   why=best.why),)
    return found


_Cited = list[tuple[int, str]]  # (reference index, marker text)


def _own_markers(
    sentences: Sequence[SentenceLike], resolver: MarkerResolver
) -> tuple[dict[int, _Cited], list[tuple[MarkerLike, str]]]:
    own: dict[int, _Cited] = {}
    unknown: list[tuple[MarkerLike, str]] = []
    for i, sentence in enumerate(sentences):
        for marker in sentence.markers:
            for target in marker.targets:
                found = resolver.resolve(marker.kind, target)
                if not found:
                    unknown.append((marker, target))
                own.setdefault(i, []).extend((ref, marker.text) for ref in found)
    return {i: cited for i, cited in own.items() if cited}, unknown


def _run_ends(sentences: Sequence[SentenceLike]) -> list[int]:
    """For each sentence, the last of the sentences after it that stay in its paragraph with no
    heading between (itself when the next one does not).

    Found once, from the end backwards, so that rule 2 costs one look-up per sentence: walking
    forward from every sentence made linking quadratic in the sentences of a paragraph
    (a single paragraph of 130,000 sentences froze the service for minutes).
    """
    ends = list(range(len(sentences)))
    for i in range(len(sentences) - 2, -1, -1):
        if _same_paragraph(sentences[i + 1], sentences[i]):
            ends[i] = ends[i + 1]
    return ends


def _covering(
    sentences: Sequence[SentenceLike],
    own: dict[int, _Cited],
    ends: list[int],
    closers: set[int],
    i: int,
) -> _Cited:
    """The markers another sentence lends sentence ``i`` (rules 1 and 2 of the docstring).

    ``ends`` is ``_run_ends(sentences)``; ``closers`` the ends that are citation-only sentences
    with markers, each judged once however many sentences its paragraph holds.
    """
    sentence = sentences[i]
    if sentence.kind == "heading" or sentence.markers:
        return []
    following = i + 1
    if following < len(sentences) and _same_paragraph(sentences[following], sentence):
        nxt = sentences[following]
        if following in own and (_citation_only(nxt) or _anaphoric(nxt.text)):
            return own[following]
    last = ends[i]
    if last != i and last in closers:
        return own[last]
    return []


def _same_paragraph(other: SentenceLike, sentence: SentenceLike) -> bool:
    return other.paragraph == sentence.paragraph and other.kind != "heading"


def _citation_only(sentence: SentenceLike) -> bool:
    text = sentence.text
    for marker in sentence.markers:
        text = text.replace(marker.text, " ")
    words = _WORD.findall(text.casefold())
    return bool(sentence.markers) and all(word in CITATION_WORDS for word in words)


def _anaphoric(text: str) -> bool:
    words = _WORD.findall(text.casefold())[:2]
    return bool(words) and (words[0] in ANAPHORIC_OPENERS or " ".join(words) in ANAPHORIC_OPENERS)


def _marker_links(
    text: str, cited: _Cited, references: Sequence[ReferenceText], index: ReferenceIndex
) -> tuple[SourceLink, ...]:
    scores = {m.reference: m.score for m in index.scores(text)}
    links: dict[int, SourceLink] = {}
    for ref, marker in cited:
        if ref in links:
            continue
        score = scores.get(ref, 0.0) if references[ref].has_record else None
        links[ref] = SourceLink(ref, references[ref].doi, How.MARKER, score, marker)
    return tuple(links.values())


def _inferred(
    text: str, index: ReferenceIndex, references: Sequence[ReferenceText], threshold: float
) -> tuple[SourceLink, ...]:
    eligible = [m for m in index.scores(text)
                if m.score >= threshold and m.shared >= MIN_SHARED_TERMS]
    if not eligible:
        return ()
    best = eligible[0].score
    return tuple(
        SourceLink(m.reference, references[m.reference].doi, How.INFERRED, m.score,
                   why=_close_wording(index.shared_words(text, m.reference)))
        for m in eligible
        if m.score >= best - TIE_MARGIN
    )


def _close_wording(words: list[str]) -> str:
    shown = ", ".join(words[:WHY_WORDS]) + (", ..." if len(words) > WHY_WORDS else "")
    return f"the claim's wording is close to it: shares the words {shown}"
