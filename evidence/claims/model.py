"""The learned claim model: shipped weights, read with the standard library alone.

``weights/weights.f32`` holds ``DIM`` little-endian float32 weights, one per hashed feature slot
(``features.py``); ``weights/meta.json`` the bias, the default threshold, the feature spec it
was trained with and what trained it; ``weights/NOTICE.md`` the training data's attribution.
They are written by ``training/claims/train.py`` and nothing is fetched at run time.
The score is a logistic regression's probability, ``1 / (1 + exp(-(bias + w . x)))``, where
``x`` holds 1 for each feature slot present, scaled to unit length.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from evidence.claims.features import DIM, slots

__all__ = ["FEATURE_SPEC", "ClaimModel", "Thresholds", "default_model", "load_model"]

FEATURE_SPEC = "crc32-w1-b2-g4-shapes-cues-frames-len-x-papersection-unit/v6"
"""Names the feature function; weights trained on another one are refused."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The scores from which a sentence needs a source: ``cue`` when a rule found a cue in it,
    ``model`` when none did (the model's call alone)."""

    cue: float
    model: float

    def __post_init__(self) -> None:
        for name, value in (("cue", self.cue), ("model", self.model)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"claim threshold {name} must be between 0 and 1, not {value}")


@dataclass(frozen=True, slots=True)
class ClaimModel:
    """A linear model over hashed features, and the threshold it was shipped with."""

    weights: array[float]  # array("f"), DIM long
    bias: float
    thresholds: Thresholds
    meta: dict[str, Any]

    def margin(self, names: list[str]) -> float:
        # The feature vector has unit length (as in training): a long paragraph does not win
        # on its many words alone.
        w = self.weights
        found = set(slots(names))
        return self.bias + sum([w[i] for i in found]) / math.sqrt(len(found) or 1)

    def score(self, names: list[str]) -> float:
        """The probability that the sentence with these features needs a source."""
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.margin(names)))))

    def strongest(self, names: list[str], count: int = 3) -> list[str]:
        """The ``count`` word features that pushed the score up most, strongest first."""
        w = self.weights
        named = list(dict.fromkeys(names))  # a word said twice is named once
        pushing = [(w[i], n) for n, i in zip(named, slots(named), strict=True)
                   if n.startswith(("w:", "b:")) and w[i] > 0]
        return [n[2:] for _, n in sorted(pushing, reverse=True)[:count]]


def load_model(weights: bytes, meta: dict[str, Any]) -> ClaimModel:
    """A model from its weight bytes and meta; a wrong size or feature spec is refused."""
    if meta.get("feature_spec") != FEATURE_SPEC or meta.get("dim") != DIM:
        raise ValueError(
            f"claim model trained for features {meta.get('feature_spec')!r} of dim "
            f"{meta.get('dim')!r}; this code reads {FEATURE_SPEC!r} of dim {DIM}")
    values: array[float] = array("f")
    values.frombytes(weights)
    if len(values) != DIM:
        raise ValueError(f"claim model has {len(values)} weights, expected {DIM}")
    if sys.byteorder != "little":
        values.byteswap()
    cut = meta["thresholds"]
    return ClaimModel(values, float(meta["bias"]), Thresholds(float(cut["cue"]),
                                                              float(cut["model"])), meta)


@cache
def default_model() -> ClaimModel:
    """The model shipped inside the package (read once, on first use)."""
    folder = resources.files("evidence.claims") / "weights"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return load_model((folder / "weights.f32").read_bytes(), meta)
