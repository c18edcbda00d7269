"""Inferred links on PLOS articles with their markers removed: ranking, emitted links, speed.

For each sentence the ranker (``evidence.linking.rank``) ranks the article's own references
(written text only: offline) and links the best one when its probability reaches the
threshold. Scored against the references the authors cited there (data and licences:
``linking_data``). Figures, per split and way of hiding markers (``unmarked``, ``one-out``):

* recall@k: over cited sentences, the share whose k best candidates hold a cited reference;
* emitted links: precision over all sentences and over cited ones, coverage (cited sentences
  given a right link / given any link), uncited sentences given a link;
* the same for the model of the second pass (``data/linker-weights-second.json``, a linear
  ranker, at its own shipped threshold), for BM25 over the written references (the best by
  BM25 of the sentence alone, its threshold set to give the ranker's coverage) and for a
  random reference, in the same run;
* coverage at a precision target: for each model and way of hiding markers, the lowest
  threshold at which the *tuning* split's links are right ``TARGETS`` of the time, applied to
  the split measured (on the tuning split itself this is optimistic by construction); and,
  as a ceiling, the same for the current model linking only sentences that cite something
  (an oracle no linker has: what its ranking alone allows);
* calibration: the probability the model gives its links against how often they are right;
* CPU time per sentence (process time, not wall time: the machine is shared), features and
  ranking of the whole article, references indexed included;
* with registry records: the same, each reference whose written DOI has a record in the
  recorded registry responses (``linking_data.registry_records``) given its title, journal,
  abstract, first author and year; the number joined is printed;
* where the ranking is lost (``--misses``): of the cited sentences, how many share no word
  with any reference they cite, how many have no cited reference among their candidates, how
  many rank one below the best, split by how many references the sentence cites.

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
from linking_data import (  # noqa: E402
    PlosArticle,
    load_articles,
    registry_records,
    with_records,
)

from evidence.articles.model import Sentence  # noqa: E402
from evidence.linking import link_sentences  # noqa: E402
from evidence.linking.features import FEATURES, SentenceFeatures, article_features  # noqa: E402
from evidence.linking.rank import WEIGHTS, Model, load_model  # noqa: E402
from evidence.linking.text import content_terms  # noqa: E402

SEED = 20261203
MODES = {"unmarked": False, "one-out": True}
TARGETS = (0.7, 0.8)
SECOND = Path(__file__).resolve().parent / "data" / "linker-weights-second.json"
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01)


def earlier_model(path: Path = SECOND) -> Model:
    """The second pass's model (a linear ranker over today's features)."""
    loaded: Model = load_model.__wrapped__(path)
    return loaded


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
    rest = sorted(((c.reference, model.score(c, sentence.values)) for c in sentence.candidates
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


def report(split: str, models: dict[str, Model], threshold: float, *,
           registry: bool = False,
           cv_cuts: dict[str, dict[str, dict[float, float]]] | None = None
           ) -> list[str]:
    """The figures of one split; ``models`` by name, the current one first, each linking at
    its own shipped threshold (``threshold`` overrides the current one's). ``cv_cuts`` gives,
    per model name, its cross-validated thresholds for ``TARGETS`` (``-1`` for the oracle's);
    a model without them takes the lowest that reaches the target on the tuning split."""
    articles = list(load_articles(split))
    tuning = articles if split == "tune" else list(load_articles("tune"))
    joined = ""
    if registry:
        records = registry_records()
        pairs = [with_records(a, records) for a in articles]
        articles = [a for a, _ in pairs]
        tuning = [with_records(a, records)[0] for a in tuning]
        joined = (f"; registry records: {len(records)} recorded, joined to "
                  f"{sum(n for _, n in pairs)} of the "
                  f"{sum(1 for a in articles for d in a.dois if d)} references with a DOI")
    current = next(iter(models))
    out = [f"split {split}{joined}: {len(articles)} articles, "
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
            cuts: dict[float, float | None] | None = dict((cv_cuts or {}).get(name, {})
                                                          .get(mode, {})) or None
            if cuts is None:
                tuned = (rows if split == "tune"
                         else ranked_sentences(tuning, model, keep_markers=keep)[0])
                cuts = {t: lowest_threshold(tuned, t) for t in TARGETS}
                cuts |= {-t: lowest_threshold(_cited_only(tuned), t) for t in TARGETS}
            at_target += _at_targets(mode, name, rows, {t: cuts.get(t) for t in TARGETS})
            if name == current:
                at_target += _at_targets(mode, f"{name}, cited sentences only (oracle)",
                                         _cited_only(rows),
                                         {t: cuts.get(-t) for t in TARGETS})
        out.append(_row(mode, "BM25", bm25_rows, owners,
                        emitted(bm25_rows, threshold_for_coverage(bm25_rows, mine.links)), "-"))
        out.append(_row(mode, "random", chance, owners, _random_emitted(chance, mine.links),
                        "-"))
        calibration += _calibration(mode, rows_of[current])
    out += ["", "Coverage at a precision target, the threshold chosen by cross-validation "
            "(now) or on the tuning split (second):", "",
            "| mode | model | target | threshold | links | precision | coverage | "
            "uncited linked |", "| --- | --- | --- | --- | --- | --- | --- | --- |", *at_target]
    out += ["", f"Calibration ({current}): the probability given to the best candidate against "
            "how often it is a reference cited there:", "",
            "| mode | probability | sentences | mean probability | right |",
            "| --- | --- | --- | --- | --- |", *calibration]
    return out


def _at_targets(mode: str, name: str, rows: Sequence[Ranked],
                cuts: dict[float, float | None]) -> list[str]:
    lines = []
    for target, cut in cuts.items():
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
    parser.add_argument("--registry", action="store_true",
                        help="also with the recorded registry records joined to references")
    parser.add_argument("--misses", action="store_true",
                        help="also where the ranking is lost, by kind")
    args = parser.parse_args(argv)
    model = load_model()
    threshold = model.threshold if args.threshold is None else args.threshold
    print(describe(["scikit-learn"]))
    models = {"now": model, "second": earlier_model()}
    cuts = shipped_cuts()
    print("\n".join(report(args.split, models, threshold, cv_cuts=cuts)))
    if args.registry:
        print()
        print("\n".join(report(args.split, {"now": model}, threshold, registry=True,
                               cv_cuts=cuts)))
    if args.misses:
        print()
        print("\n".join(misses(list(load_articles(args.split)), model)))
    print()
    print(speed_at_fifty(model))


def shipped_cuts() -> dict[str, dict[str, dict[float, float]]]:
    """The shipped model's cross-validated thresholds for ``TARGETS``, per way of hiding
    markers (weights file)."""
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return {"now": {mode: {float(k): float(v) for k, v in cuts.items()}
                    for mode, cuts in data.get("cv_thresholds", {}).items()}}


def misses(articles: Sequence[PlosArticle], model: Model) -> list[str]:
    """Cited sentences with every marker removed, by where the ranking loses them: no cited
    reference shares a word with the sentence; one does but none is a candidate; one is a
    candidate but ranks below another; ranked first. By how many references it cites."""
    kinds = ("no shared word", "not a candidate", "ranked below", "ranked first")
    counts: dict[str, dict[str, int]] = {}
    for article in articles:
        passages = article.passages(keep_markers=False)
        for passage, f, cites in zip(passages, article_features(passages, article.references),
                                     article.cites, strict=True):
            if not cites:
                continue
            words = set(content_terms(passage.text))
            shared = any(words & set(content_terms(article.references[r].text)) for r in cites)
            candidates = {c.reference for c in f.candidates}
            if not shared:
                kind = kinds[0]
            elif not candidates & cites:
                kind = kinds[1]
            elif model.best(f)[0].reference not in cites:
                kind = kinds[2]
            else:
                kind = kinds[3]
            group = "cites 1" if len(cites) == 1 else "cites 2-3" if len(cites) <= 3 else "cites 4+"
            for key in (group, "all"):
                counts.setdefault(key, dict.fromkeys(kinds, 0))[kind] += 1
    lines = ["Where the ranking loses cited sentences (unmarked):", "",
             "| cited sentences | n | " + " | ".join(kinds) + " |",
             "| --- | --- | " + " | ".join("---" for _ in kinds) + " |"]
    for key in ("cites 1", "cites 2-3", "cites 4+", "all"):
        row = counts.get(key, dict.fromkeys(kinds, 0))
        n = sum(row.values())
        lines.append(f"| {key} | {n} | " + " | ".join(
            f"{row[k]} ({row[k] / n:.1%})" if n else "0" for k in kinds) + " |")
    return lines


if __name__ == "__main__":
    main()
