"""Inferred links on PLOS articles with their markers removed: ranking, emitted links, speed.

For each sentence the ranker (``evidence.linking.rank``) ranks the article's own references
(written text only: offline) and links the best one when its probability reaches the
threshold. Scored against the references the authors cited there (data and licences:
``linking_data``). Figures, per split and way of hiding markers (``unmarked``, ``one-out``):

* recall@k: over cited sentences, the share whose k best candidates hold a cited reference;
* emitted links: precision over all sentences and over cited ones, coverage (cited sentences
  given a right link / given any link), uncited sentences given a link;
* the same for BM25 over the written references (the best by BM25 of the sentence alone,
  its threshold set to give the ranker's coverage) and for a random reference, in the same run;
* time per sentence (features and ranking, the whole article, references indexed included).

Run: ``.venv/bin/python benchmarks/linking_plos.py --split tune`` while tuning; the held-out
split once, at the end: ``--split heldout``.
"""

from __future__ import annotations

import argparse
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
from evidence.linking.rank import Model, load_model  # noqa: E402

SEED = 20261203
MODES = {"unmarked": False, "one-out": True}


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
        start = time.perf_counter()
        features = article_features(passages, article.references)
        scored = [_order(model, f) for f in features]
        spent += time.perf_counter() - start
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


def report(split: str, model: Model, threshold: float) -> list[str]:
    articles = list(load_articles(split))
    out = [f"split {split}: {len(articles)} articles, threshold {threshold:.3f}", ""]
    out.append("| mode | ranker | r@1 | r@1 macro | r@3 | r@5 | links | precision | "
               "precision (cited) | coverage | uncited linked | ms/sentence |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for mode, keep in MODES.items():
        ranker, bm25, owners, spent = ranked_sentences(articles, model, keep_markers=keep)
        ms = 1000 * spent / len(ranker)
        mine = emitted(ranker, threshold)
        bm25_cut = threshold_for_coverage(bm25, mine.links)
        chance = random_rows(ranker)
        for name, rows, cut, speed in (("learned", ranker, threshold, f"{ms:.3f}"),
                                       ("BM25", bm25, bm25_cut, "-"),
                                       ("random", chance, 1.0, "-")):
            e = emitted(rows, cut) if name != "random" else _random_emitted(chance, mine.links)
            out.append(
                f"| {mode} | {name} | {recall_at(rows, 1):.3f} | "
                f"{macro_recall(rows, owners):.3f} | {recall_at(rows, 3):.3f} | "
                f"{recall_at(rows, 5):.3f} | {e.links} | {e.precision:.3f} | "
                f"{e.precision_cited:.3f} | {e.coverage:.3f} | {e.uncited_share:.3f} | {speed} |"
            )
    return out


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
             f"{len(owners)} sentences: ranker {1000 * spent / len(owners):.3f} ms/sentence"]
    for claims in (False, True):
        start = time.perf_counter()
        for article in articles:
            sentences = [Sentence(text, n + 1, 0, len(text), paragraph, "sentence", ())
                         for n, (text, paragraph) in enumerate(
                             zip(article.texts, article.paragraphs, strict=True))]
            link_sentences(sentences, article.references, claims=[claims] * len(sentences))
        spent = time.perf_counter() - start
        lines.append(f"link_sentences, every sentence {'a claim' if claims else 'no claim'}: "
                     f"{1000 * spent / len(owners):.3f} ms/sentence")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["train", "tune", "heldout"], default="tune")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    model = load_model()
    threshold = model.threshold if args.threshold is None else args.threshold
    print(describe(["scikit-learn"]))
    print("\n".join(report(args.split, model, threshold)))
    print()
    print(speed_at_fifty(model))


if __name__ == "__main__":
    main()
