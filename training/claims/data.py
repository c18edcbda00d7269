"""The labelled sentences the claim model is trained and measured on, and their held-out split.

Standard library only: ``benchmarks/claims.py`` reads the same split without the training extra.
Sources (``../shared/data/claims/README.md`` for licences and caveats):

- ``citeneed``: Wikipedia featured-article statements (Redi et al.), label = carried a footnote;
  the lead paragraphs are dropped (leads summarise the cited body and carry no footnotes by
  convention, so their label says where the text stands, not what it says); group = article.
- ``claimbuster``: US presidential debate sentences, label = check-worthy factual claim;
  group = a run of 250 consecutive sentence ids (neighbouring ids are one debate).
- ``jats``: sentences of PLOS articles, label = carried a reference citation; group = article.
- ``dev``: the project's development set (``benchmarks/data/claims-dev.jsonl``: SciFact
  abstract sentences and sentences we wrote), label = ``claim`` (an own finding or ``none``
  is 0: an article's own result needs no other source); group = abstract.

The held-out split takes a seeded fifth of each source's groups (not of its rows), so that no
article is on both sides; it is read once, at the end, by the benchmark.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
CLAIMS = SHARED / "claims"
SCIFACT = SHARED / "scifact" / "corpus_subset.jsonl"
DEV = ROOT / "benchmarks" / "data" / "claims-dev.jsonl"
SOURCES = ("citeneed", "claimbuster", "jats", "dev")
SPLIT_SEED = 20261203
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Example:
    source: str
    group: str
    text: str
    label: int
    section: str = ""


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load(source: str, *, keep_lead: bool = False) -> list[Example]:
    """Every labelled example of ``source``; Wikipedia leads only with ``keep_lead``."""
    if source == "citeneed":
        return [Example(source, f"citeneed:{r['article']}", r["text"], int(r["label"]),
                        r["section"])
                for r in _jsonl(CLAIMS / "citeneed-train.jsonl")
                if keep_lead or r["section"] != "MAIN_SECTION"]
    if source == "claimbuster":
        return [Example(source, f"claimbuster:{int(r['sentence_id']) // 250}", r["text"],
                        int(r["label"]))
                for r in _jsonl(CLAIMS / "claimbuster-train.jsonl")]
    if source == "jats":
        return [Example(source, f"jats:{r['source']}", r["text"], int(r["label"]), r["section"])
                for r in _jsonl(CLAIMS / "jats-train.jsonl")]
    if source == "dev":
        corpus = {int(d["doc_id"]): d["abstract"] for d in _jsonl(SCIFACT)}
        out = []
        for number, r in enumerate(_jsonl(DEV)):
            if r["source"] == "scifact":
                text, group = corpus[int(r["doc_id"])][int(r["sentence"])], f"dev:{r['doc_id']}"
            else:
                text, group = str(r["text"]), f"dev:ours/{number}"
            out.append(Example(source, group, " ".join(text.split()),
                               int(r["label"] == "claim")))
        return out
    raise ValueError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")


def held_out_groups(examples: list[Example]) -> set[str]:
    """A seeded fifth of the groups of one source's examples."""
    groups = sorted({e.group for e in examples})
    rng = random.Random(f"{SPLIT_SEED}:{examples[0].source}" if examples else SPLIT_SEED)
    return set(rng.sample(groups, round(len(groups) * HELD_OUT_SHARE)))


def split(source: str, *, keep_lead: bool = False) -> tuple[list[Example], list[Example]]:
    """(training, held-out) examples of ``source``, split by group."""
    examples = load(source, keep_lead=True)
    out = held_out_groups(examples)  # drawn with the leads in, so both readings share it
    if not keep_lead:
        examples = [e for e in examples if e.section != "MAIN_SECTION"]
    return ([e for e in examples if e.group not in out], [e for e in examples if e.group in out])
