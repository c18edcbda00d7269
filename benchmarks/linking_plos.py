"""Inferred links on PLOS articles with their markers removed: ranking, emitted links, speed.

For each sentence the ranker (``evidence.linking.rank``) ranks the article's own references
(written text only: offline) and links the best one when its probability reaches the
threshold. Scored against the references the authors cited there (data and licences:
``linking_data``). Figures, per split and way of hiding markers (``unmarked``, ``one-out``):

* recall@k: over cited sentences, the share whose k best candidates hold a cited reference;
* emitted links: precision over all sentences and over cited ones, coverage (cited sentences
  given a right link / given any link), uncited sentences given a link;
* the same for the model as it was before (``data/linker-weights-before.json``, at its own
  shipped threshold), for BM25 over the written references (the best by BM25 of the sentence
  alone, its threshold set to give the ranker's coverage) and for a random reference, in the
  same run;
* coverage at a precision target: for each model and way of hiding markers, the lowest
  threshold at which the *tuning* split's links are right ``TARGETS`` of the time, applied to
  the split measured (on the tuning split itself this is optimistic by construction); and,
  as a ceiling, the same for the current model linking only sentences that cite something
  (an oracle no linker has: what its ranking alone allows);
* calibration: the probability the model gives its links against how often they are right;
* CPU time per sentence (process time, not wall time: the machine is shared), features and
  ranking of the whole article, references indexed included.

Run: ``.venv/bin/python benchmarks/linking_plos.py --split tune`` while tuning; the held-out
split once, at the end: ``--split heldout``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from linking_data import PlosArticle, load_articles  # noqa: E402

from evidence.articles.model import Sentence  # noqa: E402
from evidence.linking import link_sentences  # noqa: E402
from evidence.linking.features import FEATURES, SentenceFeatures, article_features  # noqa: E402
from evidence.linking.rank import EMIT_FEATURES, Model, load_model  # noqa: E402

SEED = 20261203
MODES = {"unmarked": False, "one-out": True}
TARGETS = (0.7, 0.8)
BEFORE = Path(__file__).resolve().parent / "data" / "linker-weights-before.json"
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01)


def earlier_model(path: Path = BEFORE) -> Model:
    """A model trained on fewer features than today's, the features it did not know at 0."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rank = dict(zip(data["features"], data["rank"], strict=True))
    emit = dict(zip(data["emit_features"], data["emit"], strict=True))
    return Model(tuple(float(rank.get(name, 0.0)) for name in FEATURES),
                 tuple(float(emit.get(name, 0.0)) for name in EMIT_FEATURES),
                 float(data["bias"]), float(data["threshold"]))


@dataclass(frozen=True, slots=True)
class Ranked:
    """One sentence: its candidates best first with their scores, what it cited."""

    order: tuple[tuple[int, float], ...]
    cites: frozenset[int]
    references: int


def ranked_sentences(
    articles: Iterable[PlosArticle], model: Model, *, keep_markers: bool
) -> tuple[list[Ranked], list[Ranked], list[str], float]:
    """Ranker and BM25 orders of every sentence, the article of each, and seconds spent."""
    ranker: list[Ranked] = []
    bm25: list[Ranked] = []
    owners: list[str] = []
    spent = 0.0
    words = FEATURES.index("words_raw")
    for article in articles:
        passages = article.passages(keep_markers=keep_markers)
        start = time.process_time()
        features = article_features(passages, article.references)
        scored = [_order(model, f) for f in features]
        spent += time.process_time() - start
        for f, order, cites in zip(features, scored, article.cites, strict=True):
            n = len(article.references)
            ranker.append(Ranked(tuple(order), cites, n))
            by_words = sorted(((c.reference, c.values[words]) for c in f.candidates
                               if c.values[words] > 0), key=lambda rs: (-rs[1], rs[0]))
            bm25.append(Ranked(tuple(by_words), cites, n))
            owners.append(article.source)
    return ranker, bm25, owners, spent


def _order(model: Model, sentence: SentenceFeatures) -> list[tuple[int, float]]:
    """Candidates best first; the first carries the probability of being right, the others
    their rank below it (only the first is ever emitted)."""
    if not sentence.candidates:
        return []
    best, probability, _ = model.best(sentence)
    rest = sorted(((c.reference, model.score(c)) for c in sentence.candidates
                   if c is not best), key=lambda rs: (-rs[1], rs[0]))
    return [(best.reference, probability), *rest]


def recall_at(rows: Sequence[Ranked], k: int) -> float:
    cited = [r for r in rows if r.cites]
    return sum(any(ref in r.cites for ref, _ in r.order[:k]) for r in cited) / len(cited)


def macro_recall(rows: Sequence[Ranked], owners: Sequence[str]) -> float:
    per: dict[str, list[bool]] = {}
    for row, owner in zip(rows, owners, strict=True):
        if row.cites:
            per.setdefault(owner, []).append(bool(row.order) and row.order[0][0] in row.cites)
    return statistics.mean(sum(v) / len(v) for v in per.values())


@dataclass(frozen=True, slots=True)
class Emitted:
    links: int
    right: int
    cited_linked: int
    cited_right: int
    cited: int
    uncited_linked: int
    uncited: int

    @property
    def precision(self) -> float:
        return self.right / self.links if self.links else 0.0

    @property
    def precision_cited(self) -> float:
        return self.cited_right / self.cited_linked if self.cited_linked else 0.0

    @property
    def coverage(self) -> float:
        return self.cited_right / self.cited

    @property
    def uncited_share(self) -> float:
        return self.uncited_linked / self.uncited if self.uncited else 0.0


def emitted(rows: Sequence[Ranked], threshold: float) -> Emitted:
    links = right = cited_linked = cited_right = uncited_linked = 0
    for row in rows:
        if not row.order or row.order[0][1] < threshold:
            continue
        ok = row.order[0][0] in row.cites
        links += 1
        right += ok
        if row.cites:
            cited_linked += 1
            cited_right += ok
        else:
            uncited_linked += 1
    cited = sum(1 for r in rows if r.cites)
    return Emitted(links, right, cited_linked, cited_right, cited, uncited_linked,
                   len(rows) - cited)


def threshold_for_coverage(rows: Sequence[Ranked], links: int) -> float:
    """The BM25 score above which as many sentences get a link as the ranker gave."""
    tops = sorted((r.order[0][1] for r in rows if r.order), reverse=True)
    return tops[links - 1] if 0 < links <= len(tops) else float("inf")


def random_rows(rows: Sequence[Ranked]) -> list[Ranked]:
    pick = random.Random(SEED)
    return [Ranked(tuple((ref, 1.0) for ref in pick.sample(range(r.references),
                                                             min(5, r.references))),
                   r.cites, r.references)
            for r in rows]


def lowest_threshold(rows: Sequence[Ranked], target: float) -> float | None:
    """The lowest threshold (steps of 0.01) at which the links are right ``target`` of the
    time; ``None`` when none is."""
    found = None
    for step in range(100, 0, -1):
        e = emitted(rows, step / 100)
        if e.links and e.precision >= target:
            found = step / 100
    return found


def report(split: str, models: dict[str, Model], threshold: float) -> list[str]:
    """The figures of one split; ``models`` by name, the current one first, each linking at
    its own shipped threshold (``threshold`` overrides the current one's)."""
    articles = list(load_articles(split))
    tuning = articles if split == "tune" else list(load_articles("tune"))
    current = next(iter(models))
    out = [f"split {split}: {len(articles)} articles, "
           f"{sum(len(a.texts) for a in articles)} sentences, "
           f"{sum(1 for a in articles for c in a.cites if c)} cited; "
           f"threshold {threshold:.2f} ({current})", ""]
    out.append("| mode | ranker | r@1 | r@1 macro | r@3 | r@5 | links | precision | "
               "precision (cited) | coverage | uncited linked | CPU ms/sentence |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    at_target: list[str] = []
    calibration: list[str] = []
    for mode, keep in MODES.items():
        rows_of = {}
        for name, model in models.items():
            rows, bm25, owners, spent = ranked_sentences(articles, model, keep_markers=keep)
            rows_of[name] = rows
            cut = threshold if name == current else model.threshold
            e = emitted(rows, cut)
            out.append(_row(mode, f"learned, {name}", rows, owners, e,
                            f"{1000 * spent / len(rows):.3f}"))
            if name == current:
                mine, bm25_rows, chance = e, bm25, random_rows(rows)
            tuned = (rows if split == "tune"
                     else ranked_sentences(tuning, model, keep_markers=keep)[0])
            at_target += _at_targets(mode, name, rows, tuned)
            if name == current:
                at_target += _at_targets(mode, f"{name}, cited sentences only (oracle)",
                                         _cited_only(rows), _cited_only(tuned))
        out.append(_row(mode, "BM25", bm25_rows, owners,
                        emitted(bm25_rows, threshold_for_coverage(bm25_rows, mine.links)), "-"))
        out.append(_row(mode, "random", chance, owners, _random_emitted(chance, mine.links),
                        "-"))
        calibration += _calibration(mode, rows_of[current])
    out += ["", "Coverage at a precision target, the threshold chosen on the tuning split:", "",
            "| mode | model | target | threshold | links | precision | coverage | "
            "uncited linked |", "| --- | --- | --- | --- | --- | --- | --- | --- |", *at_target]
    out += ["", f"Calibration ({current}): the probability given to the best candidate against "
            "how often it is a reference cited there:", "",
            "| mode | probability | sentences | mean probability | right |",
            "| --- | --- | --- | --- | --- |", *calibration]
    return out


def _at_targets(mode: str, name: str, rows: Sequence[Ranked],
                tuned: Sequence[Ranked]) -> list[str]:
    lines = []
    for target in TARGETS:
        cut = lowest_threshold(tuned, target)
        if cut is None:
            lines.append(f"| {mode} | {name} | {target:.2f} | - | 0 | - | 0 | - |")
            continue
        found = emitted(rows, cut)
        lines.append(f"| {mode} | {name} | {target:.2f} | {cut:.2f} | {found.links} | "
                     f"{found.precision:.3f} | {found.coverage:.3f} | "
                     f"{found.uncited_share:.3f} |")
    return lines


def _cited_only(rows: Sequence[Ranked]) -> list[Ranked]:
    """The rows as if the model knew which sentences cite something (links on those only):
    what the ranking alone allows."""
    return [r if r.cites else Ranked((), r.cites, r.references) for r in rows]


def _row(mode: str, name: str, rows: Sequence[Ranked], owners: Sequence[str], e: Emitted,
         speed: str) -> str:
    return (f"| {mode} | {name} | {recall_at(rows, 1):.3f} | "
            f"{macro_recall(rows, owners):.3f} | {recall_at(rows, 3):.3f} | "
            f"{recall_at(rows, 5):.3f} | {e.links} | {e.precision:.3f} | "
            f"{e.precision_cited:.3f} | {e.coverage:.3f} | {e.uncited_share:.3f} | {speed} |")


def _calibration(mode: str, rows: Sequence[Ranked]) -> list[str]:
    lines = []
    for low, high in zip(BINS, BINS[1:], strict=False):
        inside = [r for r in rows if r.order and low <= r.order[0][1] < high]
        if inside:
            mean = statistics.mean(r.order[0][1] for r in inside)
            right = sum(r.order[0][0] in r.cites for r in inside) / len(inside)
            lines.append(f"| {mode} | {low:.1f}-{min(high, 1.0):.1f} | {len(inside)} | "
                         f"{mean:.3f} | {right:.3f} |")
    return lines


def _random_emitted(rows: Sequence[Ranked], links: int) -> Emitted:
    """A random reference for as many random sentences as the ranker linked."""
    pick = random.Random(SEED + 1)
    chosen = set(pick.sample(range(len(rows)), min(links, len(rows))))
    kept = [r if i in chosen else Ranked((), r.cites, r.references) for i, r in enumerate(rows)]
    return emitted(kept, 0.0)


def speed_at_fifty(model: Model) -> str:
    """ms per sentence on the tuning articles with 40 to 60 references: the ranker alone, and
    the whole of ``link_sentences`` (markers, the similarity path for claims, the ranker) with
    no sentence a claim and with every sentence a claim."""
    articles = [a for a in load_articles("tune") if 40 <= len(a.references) <= 60]
    _, _, owners, spent = ranked_sentences(articles, model, keep_markers=False)
    lines = [f"{len(articles)} tuning articles with 40-60 references, "
             f"{len(owners)} sentences: ranker {1000 * spent / len(owners):.3f} CPU ms/sentence"]
    for claims in (False, True):
        start = time.process_time()
        for article in articles:
            sentences = [Sentence(text, n + 1, 0, len(text), paragraph, "sentence", ())
                         for n, (text, paragraph) in enumerate(
                             zip(article.texts, article.paragraphs, strict=True))]
            link_sentences(sentences, article.references, claims=[claims] * len(sentences))
        spent = time.process_time() - start
        lines.append(f"link_sentences, every sentence {'a claim' if claims else 'no claim'}: "
                     f"{1000 * spent / len(owners):.3f} CPU ms/sentence")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "tune", "heldout"], default="tune")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    model = load_model()
    threshold = model.threshold if args.threshold is None else args.threshold
    print(describe(["scikit-learn"]))
    models = {"now": model, "before": earlier_model()}
    print("\n".join(report(args.split, models, threshold)))
    print()
    print(speed_at_fifty(model))


if __name__ == "__main__":
    main()
