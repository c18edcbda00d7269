"""Accuracy of the claim detector on held-out sentences labelled by reading.

Data: ``benchmarks/data/claims-labels.jsonl`` (guideline and provenance in
``benchmarks/data/README.md``): 150 sentences drawn (seeded) from SciFact abstracts, whose text
is read from ``--data`` (``../shared/data/scifact``), and 50 sentences we wrote. Each is labelled
``claim``, ``own-finding`` (the abstract's own result: no other source needed in its paper, one
needed anywhere else) or ``none``.

Each sentence is read the way ``evidence check`` reads a plain-text article (its own paragraph,
through the segmenter) and judged by ``find_claims``; a labelled sentence the segmenter cuts in
two is flagged when any piece is, and a line read as a heading is never a claim (check drops
headings). ``find_claims`` judges each sentence on its own text and kind alone, so the
paragraph around it would not change the verdict. Precision and recall are given with
own-finding sentences counted as claims and with them left out.

``--public`` instead scores the held-out fifth of each public training source (Wikipedia
"Citation Need", ClaimBuster, PLOS sentences; split by article or debate run in
``training/claims/data.py``, never trained or tuned on) and the project's held-out test set:
P/R/F1 per source for the rules alone (the old detector), the detector as shipped (rules,
model and second stage, default thresholds), the shipped detector over a sweep of its
model-alone threshold, the model alone over a threshold sweep, and flag-everything; then
the speed of each in sentences per second. The training script prints the cross-validated
figures the thresholds were chosen on; these are apart.

Run: ``.venv/bin/python benchmarks/claims.py [--data DIR] [--labels FILE]``; the default
labels are the held-out test set; ``--labels benchmarks/data/claims-dev.jsonl`` scores the
development set the detector is tuned on (SciFact abstracts disjoint from the test set's, and
sentences we wrote). ``--draw`` prints the seeded SciFact test sample (doc_id, index, text)
that was labelled, ``--draw-dev`` the development sample.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from _machine import ROOT, describe, repo_root_on_path

from evidence.articles import parse_article
from evidence.claims import assess, default_model, explain, find_claims, read_rules
from evidence.claims.features import section_kind
from evidence.claims.second_stage import route

DATA = ROOT / ".." / "shared" / "data" / "scifact"
LABELS = ROOT / "benchmarks" / "data" / "claims-labels.jsonl"
DEV_LABELS = ROOT / "benchmarks" / "data" / "claims-dev.jsonl"
SEED = 20261127
DEV_SEED = 20261128
SAMPLE = 150
CLASSES = ("claim", "own-finding", "none")


@dataclass(frozen=True, slots=True)
class Item:
    source: str  # "scifact" or "ours"
    key: str  # "doc_id/index" for SciFact, "ours/n" for ours
    text: str
    label: str
    note: str

    @property
    def borderline(self) -> bool:
        return self.note.startswith("borderline")


@dataclass(frozen=True, slots=True)
class Judged:
    item: Item
    flagged: bool
    reasons: tuple[str, ...]
    pieces: int  # sentences the segmenter made of it
    heading: bool  # some piece was read as a heading
    prose_reasons: tuple[str, ...] = ()  # a heading's verdict had it been a sentence of prose


def draw(
    corpus: dict[int, list[str]], size: int = SAMPLE, seed: int = SEED
) -> list[tuple[int, int, str]]:
    """The seeded sample: ``size`` abstracts, one sentence each (see data/README.md)."""
    rng = random.Random(seed)
    chosen = rng.sample(sorted(corpus), size)
    return [(doc, (i := rng.randrange(len(corpus[doc]))), corpus[doc][i]) for doc in chosen]


def draw_dev(
    corpus: dict[int, list[str]], test_docs: set[int], size: int = SAMPLE
) -> list[tuple[int, int, str]]:
    """The development sample: as ``draw``, on another seed, from abstracts the test set lacks."""
    return draw({doc: corpus[doc] for doc in corpus if doc not in test_docs}, size, DEV_SEED)


def test_doc_ids(labels: Path = LABELS) -> set[int]:
    return {int(row["doc_id"]) for row in _jsonl(labels) if row["source"] == "scifact"}


def load_corpus(data: Path) -> dict[int, list[str]]:
    docs = _jsonl(data / "corpus_subset.jsonl")
    return {int(doc["doc_id"]): list(doc["abstract"]) for doc in docs}


def load_items(labels: Path, corpus: dict[int, list[str]]) -> list[Item]:
    items = []
    for number, row in enumerate(_jsonl(labels)):
        if row["label"] not in CLASSES:
            raise ValueError(f"{labels}: line {number + 1}: unknown label {row['label']!r}")
        if row["source"] == "scifact":
            doc, index = int(row["doc_id"]), int(row["sentence"])
            text, key = corpus[doc][index], f"{doc}/{index}"
        else:
            text, key = str(row["text"]), f"ours/{number}"
        # SciFact keeps the abstract's line breaks inside some sentences: one line, as in prose.
        items.append(Item(row["source"], key, " ".join(text.split()), row["label"], row["note"]))
    return items


def judge(item: Item) -> Judged:
    """The detector's verdict on one labelled sentence, read as a paragraph of plain text."""
    article = parse_article(item.text + "\n")
    verdicts = find_claims(article)
    reasons: list[str] = []
    prose_reasons: list[str] = []
    flagged = heading = False
    for sentence, verdict in verdicts:
        if sentence.kind == "heading":
            reasons.append("read as a heading")
            heading = True
            prose = assess(replace(sentence, kind="sentence"))
            prose_reasons.extend(prose.reasons if prose.needs_support else ())
            continue
        flagged = flagged or verdict.needs_support
        reasons.extend(verdict.reasons)
    return Judged(item, flagged, tuple(reasons), len(verdicts), heading, tuple(prose_reasons))


def scores(judged: Iterable[Judged], *, own_is_claim: bool) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn); own-finding sentences count as claims, or are left out."""
    tp = fp = fn = tn = 0
    for j in judged:
        if j.item.label == "own-finding" and not own_is_claim:
            continue
        positive = j.item.label != "none"
        tp += positive and j.flagged
        fp += not positive and j.flagged
        fn += positive and not j.flagged
        tn += not positive and not j.flagged
    return tp, fp, fn, tn


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"


def score_rows(judged: Sequence[Judged]) -> Iterator[str]:
    yield "| sentences | own-finding | n | precision | recall | false alarms (of `none`) |"
    yield "|---|---|---|---|---|---|"
    subsets = [
        ("SciFact", [j for j in judged if j.item.source == "scifact"]),
        ("SciFact, borderline left out", [
            j for j in judged if j.item.source == "scifact" and not j.item.borderline
        ]),
        ("ours", [j for j in judged if j.item.source == "ours"]),
        ("all", list(judged)),
    ]
    for name, subset in subsets:
        for own_is_claim in (True, False):
            if name == "ours" and not own_is_claim:
                continue  # we wrote no own-finding sentences
            tp, fp, fn, tn = scores(subset, own_is_claim=own_is_claim)
            how = "counted as claims" if own_is_claim else "left out"
            yield (f"| {name} | {how} | {tp + fp + fn + tn} | {_pct(tp, tp + fp)} | "
                   f"{_pct(tp, tp + fn)} | {_pct(fp, fp + tn)} |")


def confusion(judged: Sequence[Judged]) -> Iterator[str]:
    yield "| source | label | n | flagged | not flagged |"
    yield "|---|---|---|---|---|"
    for source in ("scifact", "ours"):
        for label in CLASSES:
            rows = [j for j in judged if j.item.source == source and j.item.label == label]
            if rows:
                flagged = sum(j.flagged for j in rows)
                yield f"| {source} | {label} | {len(rows)} | {flagged} | {len(rows) - flagged} |"


def cue_counts(judged: Iterable[Judged]) -> Counter[str]:
    """Flagged sentences by rule (the reason's text before its colon) that fired in them."""
    return Counter(
        name for j in judged if j.flagged for name in {r.split(":", 1)[0] for r in j.reasons}
    )


def listing(title: str, judged: Iterable[Judged], width: int = 110) -> Iterator[str]:
    rows = list(judged)
    yield f"\n{title} ({len(rows)}):"
    for j in rows:
        text = j.item.text if len(j.item.text) <= width else j.item.text[: width - 1] + "\u2026"
        yield f"- [{j.item.key}] {text}"
        yield f"    label {j.item.label} ({j.item.note}); detector: " + (
            "; ".join(j.reasons) or "no cue")


def report(judged: Sequence[Judged]) -> Iterator[str]:
    yield "\nPrecision and recall of `needs_support` against the labels:\n"
    yield from score_rows(judged)
    split = sum(j.pieces > 1 for j in judged)
    headings = [j for j in judged if j.heading]
    yield f"\nRead as more than one sentence by the segmenter: {split}."
    yield (f"Read as a heading (a short line of its own; check drops headings): {len(headings)}"
           + "".join(f"\n- [{j.item.key}] {j.item.text}\n    as a sentence of prose: "
                     + ("; ".join(j.prose_reasons) or "not flagged") for j in headings))
    yield "\nConfusion (flagged = the detector says the sentence needs a source):\n"
    yield from confusion(judged)
    false_alarms = [j for j in judged if j.item.label == "none" and j.flagged]
    yield "\nFlagged sentences per rule that fired in them (a sentence can have several)."
    yield "False alarms: " + ", ".join(
        f"{name} {n}" for name, n in cue_counts(false_alarms).most_common())
    yield "Flagged own-findings: " + ", ".join(
        f"{name} {n}" for name, n in cue_counts(
            j for j in judged if j.item.label == "own-finding").most_common())
    yield from listing("False alarms: labelled none, flagged", false_alarms)
    yield from listing("Missed claims: labelled claim, not flagged",
                       (j for j in judged if j.item.label == "claim" and not j.flagged))
    yield from listing("Own findings not flagged",
                       (j for j in judged if j.item.label == "own-finding" and not j.flagged))


# --- held-out public sets and the project's test set: rules, detector, model, flag-everything --

SWEEP = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)


@dataclass(frozen=True, slots=True)
class Scored:
    """One labelled item as the detectors see it, sentence by sentence."""

    label: bool
    rules: bool  # some sentence flagged by the rules alone (the old detector)
    shipped: bool  # some sentence flagged by the detector with its default thresholds
    scores: tuple[float, ...]  # the model's score of each sentence no exemption decided
    cues: tuple[bool, ...]  # whether a rule's cue stands in that sentence (after the Results rule)
    held: tuple[bool, ...] = ()  # whether the model alone may not flag it (frame, gloss)


def score_item(text: str, label: bool, heading: str | None = None) -> Scored:
    """``text`` read as a paragraph of plain text under ``heading``, judged sentence by sentence
    (an item is flagged when any of its sentences is)."""
    sentences = [s for s in parse_article(text + "\n").sentences if s.kind != "heading"]
    rules = shipped = False
    scores: list[float] = []
    cues: list[bool] = []
    held: list[bool] = []
    for sentence in sentences:
        verdict = assess(sentence, heading=heading)
        old = explain(sentence)
        rules = rules or old.needs_support
        shipped = shipped or verdict.needs_support
        if verdict.score is not None:
            reading = read_rules(sentence)
            path = route(sentence, reading.reasons, reading.described, section_kind(heading))
            scores.append(verdict.score)
            cues.append(path.path == "cue")
            held.append(path.path == "held")
    return Scored(label, rules, shipped, tuple(scores), tuple(cues), tuple(held))


def _prf(pairs: Sequence[tuple[bool, bool]]) -> str:
    tp = sum(label and flagged for label, flagged in pairs)
    flagged_n = sum(flagged for _, flagged in pairs)
    positives = sum(label for label, _ in pairs)
    p = tp / flagged_n if flagged_n else 0.0
    r = tp / positives if positives else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:.2f} / {r:.2f} / **{f:.2f}**"


def ranking(items: Sequence[Scored]) -> tuple[float, float]:
    """(average precision, precision at recall 0.8) of items ranked by their highest sentence
    score: figures that do not depend on a threshold, nor (unlike F1) rise with the share of
    positives the way flag-everything's do; flag-everything's average precision is that
    share. An item with no scored sentence ranks last."""
    ranked = sorted(items, key=lambda i: max(i.scores, default=-1.0), reverse=True)
    positives = sum(i.label for i in ranked) or 1
    hits = 0
    total = 0.0
    at_recall = 0.0
    for k, item in enumerate(ranked, start=1):
        if item.label:
            hits += 1
            total += hits / k
            if not at_recall and hits >= 0.8 * positives:
                at_recall = hits / k
    return total / positives, at_recall


def detector_rows(name: str, items: Sequence[Scored]) -> Iterator[str]:
    cut = default_model().thresholds
    positives = sum(i.label for i in items)
    yield f"| {name} (n={len(items)}, {positives} positive) | | |"
    yield f"| | flag-everything | {_prf([(i.label, True) for i in items])} |"
    yield f"| | rules alone (old detector) | {_prf([(i.label, i.rules) for i in items])} |"
    yield (f"| | shipped (cue >= {cut.cue:.2f}, model alone >= {cut.model:.2f}) | "
           f"{_prf([(i.label, i.shipped) for i in items])} |")
    for t in SWEEP:
        hybrid = [(i.label, any(s >= (cut.cue if c else t) and (c or not h) for s, c, h in
                                zip(i.scores, i.cues, i.held, strict=True))) for i in items]
        yield f"| | shipped, model alone >= {t:.2f} | {_prf(hybrid)} |"
    for t in SWEEP:
        alone = [(i.label, any(s >= t for s in i.scores)) for i in items]
        yield f"| | model alone >= {t:.2f} | {_prf(alone)} |"
    average, at_recall = ranking(items)
    yield (f"| | model's ranking: average precision / precision at recall 0.8 "
           f"(flag-everything: {positives / len(items):.2f} / {positives / len(items):.2f}) | "
           f"{average:.2f} / {at_recall:.2f} |")


def public_sets() -> Iterator[tuple[str, list[Scored]]]:
    repo_root_on_path()
    from training.claims.data import split

    def heading(section: str) -> str | None:
        return section if section not in ("", "(untitled)", "MAIN_SECTION") else None

    with_lead = split("citeneed", keep_lead=True)[1]
    yield "Wikipedia Citation Need, body", [
        score_item(e.text, bool(e.label), heading(e.section)) for e in with_lead
        if e.section != "MAIN_SECTION"]
    yield "Wikipedia Citation Need, lead included", [
        score_item(e.text, bool(e.label), heading(e.section)) for e in with_lead]
    yield "ClaimBuster", [score_item(e.text, bool(e.label)) for e in split("claimbuster")[1]]
    yield "PLOS (JATS)", [score_item(e.text, bool(e.label), heading(e.section))
                          for e in split("jats")[1]]


def project_test_set(data: Path, labels: Path) -> Iterator[tuple[str, list[Scored]]]:
    items = load_items(labels, load_corpus(data))
    yield "project test set, own findings not claims", [
        score_item(i.text, i.label == "claim") for i in items]
    yield "project test set, own findings as claims", [
        score_item(i.text, i.label != "none") for i in items]


def speed(texts: Sequence[str], rounds: int = 3) -> Iterator[str]:
    """Sentences per second of the rules alone and of the shipped detector (best of rounds)."""
    sentences = [s for t in texts for s in parse_article(t + "\n").sentences]
    default_model()  # loaded once, before the clock starts, as at the first sentence of a check
    for name, judge_one in (("rules alone", explain), ("shipped detector", assess)):
        best = float("inf")
        for _ in range(rounds):
            started = time.process_time()  # CPU time: others' load moves it far less
            for sentence in sentences:
                judge_one(sentence)
            best = min(best, time.process_time() - started)
        yield (f"| {name} | {len(sentences)} | {len(sentences) / best:,.0f} | "
               f"{1000 * best / len(sentences):.3f} |")


def public_report(data: Path, labels: Path) -> Iterator[str]:
    yield "\nHeld-out data (P / R / F1 per source; items judged sentence by sentence):\n"
    yield "| set | detector | P / R / F1 |"
    yield "|---|---|---|"
    for name, items in (*public_sets(), *project_test_set(data, labels)):
        yield from detector_rows(name, items)
    repo_root_on_path()
    from training.claims.data import split

    texts = [e.text for source in ("claimbuster", "jats") for e in split(source)[1][:1500]]
    yield ("\nSpeed (held-out ClaimBuster and PLOS sentences, CPU time, best of 3 rounds; "
           "benchmarks/claims_speed.py compares two trees):\n")
    yield "| detector | sentences | sentences/s (CPU) | CPU ms/sentence |"
    yield "|---|---|---|---|"
    yield from speed(texts)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DATA, help="folder of corpus_subset.jsonl")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--draw", action="store_true",
                        help="print the seeded SciFact sample to label, and stop")
    parser.add_argument("--draw-dev", action="store_true",
                        help="print the development sample (abstracts not in the test labels)")
    parser.add_argument("--public", action="store_true",
                        help="score the held-out public sets and the test set (see above)")
    args = parser.parse_args(argv)
    if args.public:
        print(describe(["pysbd"]))
        for line in public_report(args.data, args.labels):
            print(line)
        return 0
    corpus = load_corpus(args.data)
    if args.draw or args.draw_dev:
        sample = draw_dev(corpus, test_doc_ids()) if args.draw_dev else draw(corpus)
        for doc, index, text in sample:
            print(doc, index, " ".join(text.split()), sep="\t")
        return 0
    print(describe(["pysbd"]))
    judged = [judge(item) for item in load_items(args.labels, corpus)]
    for line in report(judged):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
