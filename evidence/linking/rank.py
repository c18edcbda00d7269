"""The learned ranker: which reference a sentence without markers most likely rests on.

Two small models, learned on PLOS articles with their markers removed
(``benchmarks/train_linker.py``) and shipped in ``weights.json``:

1. **ranking**: each candidate reference of a sentence (``features.article_features``) gets
   a rank from its pair features and the sentence's own: the sum of small decision trees
   (``Forest``: gradient boosting, three questions each, such as "is it the best title by
   words?" then "does the sentence say *et al.*?"), or in older weights files a weighted sum
   of the pair features; the best is the candidate;
2. **emitting**: the probability that the best candidate is a reference the authors cited
   there, from its rank, its lead over the next candidate (capped at ``MAX_LEAD``), its pair
   features and the sentence's own features (does it read as drawing on a source?):
   ``1 / (1 + exp(-(bias + sum(weight * value))))``, with weights of its own for articles
   that carry no marker at all.

The best candidate is linked when that probability reaches the threshold of its kind of
article, each the lowest at which at least 75% of the links emitted in cross-validation over
the tuning articles (grouped by article) named a reference the authors cited there and at
most 5% of the uncited sentences got one: for an article that carries markers, with a
sentence's own removed (``DEFAULT_THRESHOLD``); for one that carries none, with markers
removed everywhere (``DEFAULT_THRESHOLD_UNMARKED``). The ``inferred-threshold`` setting
replaces both; figures in ``benchmarks/RESULTS.md``. The score of an inferred link is that
probability.

An inferred link says "related, not confirmed": a cited reference need not support the
sentence, and editors confirm or reject the link. Each link carries ``why``: the features
that raised its rank most, in words (for trees, what each question on the candidate's path
added to its rank).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from evidence.linking.features import (
    FEATURES,
    SENTENCE_FEATURES,
    Candidate,
    Passage,
    SentenceFeatures,
    article_features,
)
from evidence.linking.references import ReferenceText

__all__ = [
    "EMIT_FEATURES",
    "Forest",
    "Inferred",
    "Model",
    "load_model",
    "rank_passages",
]

EMIT_FEATURES = ("rank", "lead", *FEATURES, *SENTENCE_FEATURES)
MAX_LEAD = 5.0
_MARKED_SHARE = SENTENCE_FEATURES.index("marked_share")

WEIGHTS = Path(__file__).with_name("weights.json")
_REASONS = {
    "words_best": "the closest reference by words",
    "words_lead": "clearly closer by words than the next reference",
    "paragraph": "the paragraph is about it",
    "paragraph_best": "the closest reference to the paragraph",
    "neighbours": "a neighbouring sentence shares words with it",
    "marked_before": "the sentence before cites it",
    "marked_after": "the sentence after cites it",
    "marked_paragraph": "the paragraph cites it",
    "author": "names its first author",
    "year": "gives its year",
    "pairs": "shares word pairs with it",
    "order_close": "stands where the numbered list puts it",
    "next_new": "comes next in the numbered list after the last cited",
    "near_marked": "is next in the list to one a neighbouring sentence cites",
    "between_anchors": "falls in the part of the list the surrounding sentences cite",
    "near_anchor": "is next in the list to one the surrounding sentences cite",
    "title": "its title is the closest by words",
    "title_best": "the closest title by words",
    "title_cover": "the sentence states much of its title",
    "coauthor": "names one of its authors",
    "for_reference": "no other sentence of the article is as close to it",
    "for_reference_title": "no other sentence of the article is as close to its title",
    "mutual": "they are each other's closest by words",
}


DEPTH = 3
_INNER = 2**DEPTH - 1  # questions per tree, in heap order (children of n: 2n + 1, 2n + 2)


@dataclass(frozen=True, slots=True)
class Forest:
    """Boosted trees of depth ``DEPTH``, every tree full (a question that would split no
    further asks nothing: its threshold is above any value and both answers are the same).

    Inputs are the pair features then the sentence's (``FEATURES``, ``SENTENCE_FEATURES``).
    For each tree, ``features`` and ``thresholds`` hold its ``_INNER`` questions ("is input f
    above t?" sends to the right child) and ``values`` its ``_INNER`` inner node values (the
    mean of its leaves, for the explanation) then its ``2 ** DEPTH`` leaf values, learning
    rate included; the rank is ``bias`` plus one leaf value per tree.
    """

    bias: float
    features: tuple[tuple[int, ...], ...]
    thresholds: tuple[tuple[float, ...], ...]
    values: tuple[tuple[float, ...], ...]
    _nested: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Each tree as nested (input, threshold, left, right) down to the leaf values: this
        # runs for every candidate of every sentence, and walking nested tuples costs about
        # 40% less than indexing the heap arrays.
        def node(f: tuple[int, ...], t: tuple[float, ...], v: tuple[float, ...],
                 n: int) -> Any:
            if n >= _INNER:
                return v[n]
            return (f[n], t[n], node(f, t, v, 2 * n + 1), node(f, t, v, 2 * n + 2))

        object.__setattr__(self, "_nested", tuple(
            node(f, t, v, 0) for f, t, v in zip(self.features, self.thresholds, self.values,
                                                 strict=True)))

    def score(self, x: Sequence[float]) -> float:
        total = self.bias
        for f, t, left, right in self._nested:  # unrolled for DEPTH = 3
            f, t, left, right = right if x[f] > t else left
            f, t, left, right = right if x[f] > t else left
            total += right if x[f] > t else left
        return total

    def contributions(self, x: Sequence[float]) -> dict[int, float]:
        """What each input added to the rank along the paths it took (by input index)."""
        found: dict[int, float] = {}
        for f, t, v in zip(self.features, self.thresholds, self.values, strict=True):
            node = 0
            for _ in range(DEPTH):
                child = 2 * node + (2 if x[f[node]] > t[node] else 1)
                found[f[node]] = found.get(f[node], 0.0) + v[child] - v[node]
                node = child
        return found

    def to_dict(self) -> dict[str, object]:
        return {"bias": self.bias, "depth": DEPTH, "features": [list(f) for f in self.features],
                "thresholds": [list(t) for t in self.thresholds],
                "values": [list(v) for v in self.values]}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Forest:
        if data.get("depth") != DEPTH:
            raise ValueError(f"trees of depth {data.get('depth')}, not {DEPTH}")
        trees = zip(data["features"], data["thresholds"], data["values"],  # type: ignore[call-overload]
                    strict=True)
        features, thresholds, values = [], [], []
        inputs = len(FEATURES) + len(SENTENCE_FEATURES)
        for f, t, v in trees:
            if len(f) != _INNER or len(t) != _INNER or len(v) != _INNER + 2**DEPTH:
                raise ValueError("a tree that is not full")
            if not all(0 <= int(i) < inputs for i in f):
                raise ValueError("a tree asks of an input that does not exist")
            features.append(tuple(int(i) for i in f))
            thresholds.append(tuple(float(x) for x in t))
            values.append(tuple(float(x) for x in v))
        return cls(float(data["bias"]), tuple(features), tuple(thresholds),  # type: ignore[arg-type]
                   tuple(values))


@dataclass(frozen=True, slots=True)
class Model:
    """Ranking weights over ``FEATURES`` (or, when ``forest`` is given, trees over them and
    the sentence's features), emitting weights over ``EMIT_FEATURES`` and bias, and the
    calibrated default threshold.

    ``emit_unmarked`` and ``bias_unmarked``, when given, emit in articles that carry no marker
    at all: there the same inputs mean less (no neighbour ever cites anything), and one set of
    weights for both kinds of article gave probabilities too low for the unmarked one.
    ``threshold_unmarked``, when given, is the default threshold there: the unmarked kind
    needs a higher one for the same share of right links, and one threshold for both cost the
    articles with markers a third of their links.
    """

    rank: tuple[float, ...]
    emit: tuple[float, ...]
    bias: float
    threshold: float
    emit_unmarked: tuple[float, ...] | None = None
    bias_unmarked: float = 0.0
    forest: Forest | None = None
    threshold_unmarked: float | None = None

    def unmarked(self, sentence: SentenceFeatures) -> bool:
        """Whether the sentence's article carries no marker at all."""
        return sentence.values[_MARKED_SHARE] == 0

    def threshold_for(self, sentence: SentenceFeatures) -> float:
        """The default threshold for the sentence's kind of article."""
        if self.threshold_unmarked is not None and self.unmarked(sentence):
            return self.threshold_unmarked
        return self.threshold

    def score(self, candidate: Candidate, sentence: Sequence[float] = ()) -> float:
        """The candidate's rank; ``sentence`` is the sentence's own features (trees read them)."""
        if self.forest is not None:
            return self.forest.score((*candidate.values, *sentence))
        return sum(w * v for w, v in zip(self.rank, candidate.values, strict=True))

    def pushes(self, candidate: Candidate, sentence: Sequence[float]) -> list[tuple[float, str]]:
        """What each pair feature added to the candidate's rank, by name."""
        if self.forest is not None:
            found = self.forest.contributions((*candidate.values, *sentence))
            return [(found[i], name) for i, name in enumerate(FEATURES) if i in found]
        return [(w * v, name) for w, v, name in zip(self.rank, candidate.values, FEATURES,
                                                    strict=True)]

    def best(self, sentence: SentenceFeatures) -> tuple[Candidate, float, tuple[float, ...]]:
        """The best candidate, the probability that it is right, and the emitting inputs."""
        scored = sorted(((self.score(c, sentence.values), c) for c in sentence.candidates),
                        key=lambda sc: (-sc[0], sc[1].reference))
        top, best = scored[0]
        lead = min(top - scored[1][0], MAX_LEAD) if len(scored) > 1 else MAX_LEAD
        inputs = (top, lead, *best.values, *sentence.values)
        emit, bias = self.emit, self.bias
        if self.emit_unmarked is not None and self.unmarked(sentence):
            emit, bias = self.emit_unmarked, self.bias_unmarked
        z = bias + sum(w * v for w, v in zip(emit, inputs, strict=True))
        return best, (1 / (1 + math.exp(-z)) if z > -30 else 0.0), inputs

    def to_json(self, **extra: object) -> str:
        unmarked = ({"emit_unmarked": list(self.emit_unmarked),
                     "bias_unmarked": self.bias_unmarked}
                    if self.emit_unmarked is not None else {})
        forest = ({"sentence_features": list(SENTENCE_FEATURES),
                   "forest": self.forest.to_dict()} if self.forest is not None else {})
        threshold_unmarked = ({"threshold_unmarked": self.threshold_unmarked}
                              if self.threshold_unmarked is not None else {})
        return json.dumps({"features": list(FEATURES), "rank": list(self.rank), **forest,
                           "emit_features": list(EMIT_FEATURES), "emit": list(self.emit),
                           "bias": self.bias, **unmarked, "threshold": self.threshold,
                           **threshold_unmarked, **extra}, indent=1)


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS) -> Model:
    """The shipped model. A weights file for other features is a packaging bug: refused."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["features"] != list(FEATURES) or data["emit_features"] != list(EMIT_FEATURES):
        raise ValueError(f"{path}: trained for other features than {EMIT_FEATURES}")
    unmarked = data.get("emit_unmarked")
    threshold_unmarked = data.get("threshold_unmarked")
    forest = None
    if "forest" in data:
        if data.get("sentence_features") != list(SENTENCE_FEATURES):
            raise ValueError(f"{path}: trained for other features than {SENTENCE_FEATURES}")
        forest = Forest.from_dict(data["forest"])
    return Model(tuple(map(float, data["rank"])), tuple(map(float, data["emit"])),
                 float(data["bias"]), float(data["threshold"]),
                 tuple(map(float, unmarked)) if unmarked is not None else None,
                 float(data.get("bias_unmarked", 0.0)), forest,
                 float(threshold_unmarked) if threshold_unmarked is not None else None)


def __getattr__(name: str) -> float:
    """``DEFAULT_THRESHOLD`` (an article whose other sentences carry markers) and
    ``DEFAULT_THRESHOLD_UNMARKED`` (an article with no marker at all), read from the shipped
    weights only when asked: the linker takes its thresholds from the model, so importing this
    module parses the weights once (in ``load_model``), and retraining can import it while
    the weights are stale."""
    if name in ("DEFAULT_THRESHOLD", "DEFAULT_THRESHOLD_UNMARKED"):
        shipped = json.loads(WEIGHTS.read_text(encoding="utf-8"))
        threshold = float(shipped["threshold"])
        if name == "DEFAULT_THRESHOLD":
            return threshold
        return float(shipped.get("threshold_unmarked", threshold))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Inferred:
    """The best candidate for one sentence, its probability, why, and the default threshold
    for its kind of article."""

    reference: int
    score: float
    why: str
    threshold: float


def rank_passages(
    passages: Sequence[Passage],
    references: Sequence[ReferenceText],
    *,
    wanted: Sequence[bool] | None = None,
    model: Model | None = None,
) -> list[Inferred | None]:
    """The best candidate of each passage (``None`` when it has none or is not ``wanted``),
    whatever its probability: the caller applies the threshold (``Inferred.threshold`` by
    default)."""
    model = model or load_model()
    found: list[Inferred | None] = []
    for i, features in enumerate(article_features(passages, references)):
        if (wanted is not None and not wanted[i]) or not features.candidates:
            found.append(None)
            continue
        best, probability, _ = model.best(features)
        found.append(Inferred(best.reference, round(probability, 4),
                              _why(model, best, features.values),
                              model.threshold_for(features)))
    return found


def _why(model: Model, candidate: Candidate, sentence: Sequence[float]) -> str:
    """The words the sentence shares with the reference, then the other features that
    pushed this candidate up most, in words, strongest first."""
    pushes = sorted(((push, name) for push, name in model.pushes(candidate, sentence)
                     if name in _REASONS and push > 0), reverse=True)
    reasons = [f"shares the words {', '.join(candidate.shared[:5])}"] if candidate.shared else []
    reasons += [_REASONS[name] for _, name in pushes[:3]]
    return "; ".join(reasons) or "nothing specific: the only candidate"
