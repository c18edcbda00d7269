"""What the learned claim model sees of a sentence: named features, hashed to slots.

The same function turns a sentence into features when the model is trained
(``training/claims/train.py``) and when it is used, so the two cannot drift apart. Features:

- ``w:`` lowercased words and ``b:`` pairs of neighbouring words (with ``<s>``/``</s>`` at the
  ends), numbers replaced by their shape: ``<year>`` (1500-2099), ``<pct>``, ``<money>``,
  ``<dec>``, ``<num>``, so that "in 1603" and "40%" are told apart without learning each number;
- ``c:`` the kinds of cue the rules found (``c:statistic``, ``c:earlier work``) and ``f:`` the
  frame that weakened them (``f:methods``): the hand-written lexicon as evidence for the model;
- ``len:`` the sentence's length in words, bucketed;
- ``x:`` what the sentence is like whatever its words: hedged (``x:hedge``: may, often, ...),
  how many capitalised words it has after its first (``x:names:0``..``3``: names of people,
  places, bodies), how many long words ending in "-ed" (``x:past:0``..``2``: events and
  results told in the past), and whether it ends with a colon (``x:colon``: it introduces a
  list). In the training data a sentence naming nothing and telling no event is rarely cited;
  these carry that across vocabularies. The final full stop is not a feature: the Citation
  Need statements end where their footnote stood, so a missing stop gives the label away;
- ``g:`` the four-letter pieces of each word of five letters or more, its ends marked
  (``<effe``, ``ctive``... of "effective"): words the training data never held share pieces
  with words it did (names, inflections, technical terms). With them the seed's plain
  descriptive "often combined with other treatments" scores 0.50 (0.58 without); out of
  fold they rank Wikipedia and ClaimBuster claims as well or a little better, PLOS ones a
  little worse (benchmarks/RESULTS.md, third pass);
- ``sec:`` the kind of section it stands in, read from the heading above it (``section_kind``),
  for the sections of a research paper only: its Results report its own findings, its
  Introduction cites others'. Other headings give no feature: in the training data they are
  mostly Wikipedia's body sections, where most paragraphs are cited, and a model that learned
  "under any heading, cite" would flag the plain prose of every article with headings.

Each feature name is hashed with CRC-32 (stable across runs and platforms, unlike ``hash``)
into ``DIM`` slots; a collision only shares a weight.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = ["DIM", "feature_names", "section_kind", "slots", "tokens"]

DIM = 1 << 18
"""Slots of the hashed feature space: 2**18 float32 weights are 1 MB."""

_TABLE_MAX = 1 << 16
"""Entries of each lookup table below (word pieces, slots), emptied when full."""

_TOKEN = re.compile(r"[$\u00a3\u20ac]?\d+(?:[.,]\d+)*\s?%?|[a-z]+(?:['\u2019][a-z]+)?")
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
_LENGTHS = (3, 6, 10, 15, 22, 32, 50)


def _shape(token: str) -> str:
    if not token[0].isdigit():
        return "<money>" if token[0] in "$\u00a3\u20ac" else token
    if token.endswith("%"):
        return "<pct>"
    if _YEAR.fullmatch(token):
        return "<year>"
    return "<dec>" if "." in token else "<num>"


def tokens(text: str) -> list[str]:
    """Lowercased words, with numbers as their shape; apostrophes folded to ``'``."""
    lowered = text.lower().replace("\u2019", "'")
    # A word (the pattern's letters are ASCII) is its own shape: only numbers need reading.
    return [t if "a" <= t[0] <= "z" else _shape(t.strip()) for t in _TOKEN.findall(lowered)]


_SECTION_KINDS = (
    ("methods", re.compile(r"\b(?:methods?|materials?|procedures?|study design)\b", re.I)),
    ("results", re.compile(r"\b(?:results?|findings)\b", re.I)),
    ("discussion", re.compile(r"\b(?:discussion|conclusions?|summary|limitations)\b", re.I)),
    ("introduction", re.compile(r"\b(?:introduction|background)\b", re.I)),
)


_PAPER_SECTIONS = frozenset(kind for kind, _ in _SECTION_KINDS)


_OPENING = re.compile(r"^\s*(?:[\dIVXivx]+[.)]?\s+)*((?:\S+\s+){0,2}\S+)")


@lru_cache(maxsize=64)
def section_kind(heading: str | None) -> str:
    """``none`` before any heading, else the first kind the heading's first three words name
    (after any numbering), else ``other``. "Results and Discussion" is results: the paper's
    own findings come first in it. A question ("How many sessions are needed to see
    results?") names no section of a paper."""
    if heading is None:
        return "none"
    opening = _OPENING.match(heading)
    if opening is None or heading.rstrip().endswith("?"):
        return "other"
    for kind, pattern in _SECTION_KINDS:
        if pattern.search(opening.group(1)):
            return kind
    return "other"


_HEDGES = frozenset("may might can could often usually typically generally commonly sometimes "
                    "possibly perhaps likely".split())
_CAPITAL = re.compile(r"(?<=[\s(\"'“])[A-Z][a-z]+")


def _shape_features(text: str, words: list[str]) -> list[str]:
    """The ``x:`` features (module docstring)."""
    names = []
    if any(w in _HEDGES for w in words):
        names.append("x:hedge")
    capitals = len(_CAPITAL.findall(text))
    names.append(f"x:names:{min(capitals, 3)}")
    past = sum(1 for w in words if len(w) > 4 and w.endswith("ed"))
    names.append(f"x:past:{min(past, 2)}")
    if text.rstrip(" \"'”)").endswith(":"):
        names.append("x:colon")
    return names


_PIECES: dict[str, list[str]] = {}


def _pieces(word: str) -> list[str]:
    """The ``g:`` features of a word (module docstring), from a bounded table: most words of
    a text are common ones, met before."""
    found = _PIECES.get(word)
    if found is None:
        if len(_PIECES) > _TABLE_MAX:
            _PIECES.clear()
        marked = f"<{word}>"
        found = _PIECES[word] = [f"g:{marked[i:i + 4]}" for i in range(len(marked) - 3)]
    return found


def _length_bucket(words: int) -> str:
    for limit in _LENGTHS:
        if words <= limit:
            return f"len:<={limit}"
    return f"len:>{_LENGTHS[-1]}"


def feature_names(
    text: str, cues: Iterable[str] = (), frames: Iterable[str] = (), section: str = "none"
) -> list[str]:
    """The named features of ``text`` (a name may come twice); ``cues`` and ``frames`` are
    rule and frame names, ``section`` a ``section_kind``."""
    words = tokens(text)
    names = [f"w:{w}" for w in words]
    padded = ["<s>", *words, "</s>"]
    names += [f"b:{a} {b}" for a, b in zip(padded, padded[1:], strict=False)]
    names += [f"c:{cue}" for cue in cues]
    names += [f"f:{frame}" for frame in frames]
    for word in words:
        if len(word) > 4 and word[0] != "<":
            names += _pieces(word)
    names.append(_length_bucket(len(words)))
    names += _shape_features(text, words)
    if section in _PAPER_SECTIONS:
        names.append(f"sec:{section}")
    # Presence, not counts: a word said twice is one cue. The model reads the set of slots
    # (``model.py``, ``training/claims/train.py``), so repeats are not taken out here.
    return names


def slot(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) & (DIM - 1)


# Most features of a text are common words and pairs: a slot looked up is several times
# cheaper than one hashed. Bounded, so a long-running server's memory does not grow with
# every rare pair it meets (emptied when full: no bookkeeping on the hot path).
_SLOTS: dict[str, int] = {}


def slots(names: Sequence[str]) -> list[int]:
    """The weight slots of the named features."""
    known = _SLOTS
    get = known.get
    found = [get(n, -1) for n in names]
    if -1 in found:
        if len(known) > _TABLE_MAX:
            known.clear()
        for k, n in enumerate(names):
            if found[k] < 0:
                found[k] = known[n] = slot(n)
    return found
