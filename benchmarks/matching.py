"""Accuracy of reference parsing and DOI extraction, and (``--live``) of DOI matching.

Data: Crossref's reference-matching-evaluation sets (MIT) in ``../shared/data/refstrings``:
2,000 real reference strings with hand-checked gold DOIs (806 gold ``null``: the right answer
is no match), and 2,500 APA strings Crossref generated from its own records.

* DOI extraction: on every string, ``refs.doi.find_dois``; a string "contains" its DOI when
  the gold DOI is written in it (spaces ignored). Precision over strings where something was
  extracted and the gold is a DOI; recall over strings that contain their gold DOI.
* Parsing: year, first author and title against gold derived from the APA strings by a
  strict template (``Authors (Year). Title. Journal, V(I), P.``, journal without dots);
  strings the template cannot read are not judged. The real strings have no gold fields:
  only how often each field is found is shown.
* ``--live``: end-to-end matching against the real Crossref API (one search per string),
  scored like Crossref's evaluation: a link is right when the DOI equals the gold; gold
  ``null`` means the right answer is no link. Needs network; never run in tests.

Run: ``.venv/bin/python benchmarks/matching.py [PATH] [--live --mailto you@example.org]``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refs.doi import find_dois
from refs.errors import RegistryUnavailable
from refs.match import DEFAULT_THRESHOLD, ParsedReference, match_reference, parse_reference
from refs.match.normalize import fold, title_similarity

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "refstrings"
REAL = "crossref-rme__unstructured_orig.json"
APA = "crossref-rme__artificial_dataset-apa.json"
NOISY = "crossref-rme__artificial_dataset-apa-noise.json"
_APA = re.compile(
    r"^(?P<authors>.+?) \((?P<year>\d{4})[a-z]?\)\. (?P<title>.+?)[.?!]? "
    r"(?P<container>[^.?!]+?), (?P<volume>\d+)(?:\((?P<issue>[^)]+)\))?, (?P<pages>[\w\u2013-]+)\.$"
)
_APA_FIRST_AUTHOR = re.compile(r"^(?P<family>[^,&]+), (?:[^\W\d_]\.|[^\W\d_]{2,}\.)")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    gold: frozenset[str]  # acceptable DOIs, lower case; empty = no match is right


def load(path: Path) -> list[Item]:
    rows = json.loads(path.read_text(encoding="utf-8"))["dataset"]
    items = []
    for row in rows:
        if not isinstance(row.get("ref_string"), str):
            continue  # a few generated rows hold no string at all
        gold = row["target_gt"]["DOI"]
        dois = gold if isinstance(gold, list) else [gold] if gold else []
        items.append(Item(row["ref_string"], frozenset(d.lower() for d in dois)))
    return items


# --- DOI extraction ----------------------------------------------------------------------


def first_doi(text: str) -> str | None:
    found = find_dois(text)
    return found[0].doi if found else None


def parsed_doi(text: str) -> str | None:
    return parse_reference(text).doi


def doi_extraction(
    items: Sequence[Item], extract: Callable[[str], str | None]
) -> dict[str, float | int]:
    extracted = right = contains = found_of_contained = null_extracted = 0
    for item in items:
        doi = extract(item.text)
        squeezed = re.sub(r"\s+", "", item.text).lower()
        holds = any(g in squeezed for g in item.gold)
        contains += holds
        if doi is None:
            continue
        if not item.gold:
            null_extracted += 1
            continue
        extracted += 1
        right += doi in item.gold
        found_of_contained += holds and doi in item.gold
    return {
        "strings": len(items),
        "contain gold DOI": contains,
        "extracted (gold is a DOI)": extracted,
        "extracted (gold null)": null_extracted,
        "precision": right / extracted if extracted else float("nan"),
        "recall": found_of_contained / contains if contains else float("nan"),
    }


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gold:
    year: int | None
    first_author: str | None
    title: str | None


def apa_gold(text: str) -> Gold | None:
    """Fields of an APA string read by a strict template, or None when it does not fit."""
    match = _APA.match(text)
    if match is None:
        return None
    author = _APA_FIRST_AUTHOR.match(match["authors"])
    if author is None:
        return None  # "Title. (2015). Journal, ...": no authors, and no safe reading
    # A one-word "title" is as likely the first word of the journal ("Makino, K. (1981).
    # Journal of the Japan Society..., 28(8)" has no title at all): not judged.
    title = match["title"] if " " in match["title"].strip() else None
    return Gold(int(match["year"]), author["family"].strip(), title)


def parsing_accuracy(items: Sequence[Item]) -> dict[str, tuple[int, int]]:
    """Per field: (right, judged)."""
    tally = {"year": [0, 0], "first author": [0, 0], "title (exact)": [0, 0],
             "title (>= 0.9)": [0, 0]}
    for item in items:
        gold = apa_gold(item.text)
        if gold is None:
            continue
        parsed = parse_reference(item.text)
        _judge(tally["year"], gold.year, parsed.year == gold.year)
        _judge(tally["first author"], gold.first_author,
               fold(parsed.first_author) == fold(gold.first_author))
        _judge(tally["title (exact)"], gold.title, fold(parsed.title) == fold(gold.title))
        _judge(tally["title (>= 0.9)"], gold.title,
               title_similarity(parsed.title, gold.title) >= 0.9)
    return {k: (v[0], v[1]) for k, v in tally.items()}


def _judge(cell: list[int], gold: object, right: bool) -> None:
    if gold is not None:
        cell[1] += 1
        cell[0] += right


def coverage(parsed: Sequence[ParsedReference]) -> dict[str, float]:
    fields = ("year", "first_author", "title", "container", "volume", "pages")
    return {f: sum(getattr(p, f) is not None for p in parsed) / len(parsed) for f in fields}


# --- live matching -----------------------------------------------------------------------


async def live(items: Sequence[Item], mailto: str | None, threshold: float) -> dict[str, Any]:
    from refs.crossref import CrossrefClient, CrossrefSettings

    settings = CrossrefSettings(mailto=mailto)
    gate = asyncio.Semaphore(4)
    results: list[str | None | RegistryUnavailable] = [None] * len(items)

    async def one(i: int, client: CrossrefClient) -> None:
        async with gate:
            try:
                found = await match_reference(items[i].text, client, threshold=threshold)
                results[i] = found.doi
            except RegistryUnavailable as exc:
                results[i] = exc

    started = time.perf_counter()
    async with CrossrefClient(settings) as client, asyncio.TaskGroup() as group:
        for i in range(len(items)):
            group.create_task(one(i, client))
    elapsed = time.perf_counter() - started
    return {**link_metrics(items, results), "seconds": elapsed}


def link_metrics(
    items: Sequence[Item], predicted: Sequence[str | None | RegistryUnavailable]
) -> dict[str, Any]:
    tp = fp = fn = unverified = 0
    for item, doi in zip(items, predicted, strict=True):
        if isinstance(doi, RegistryUnavailable):
            unverified += 1
            continue
        if doi is not None and doi in item.gold:
            tp += 1
            continue
        fp += doi is not None
        fn += bool(item.gold)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "unverified": unverified,
            "precision": precision, "recall": recall, "f1": f1}


# --- report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.platform()}; CPU {cpu} x{os.cpu_count()}; "
            f"Python {platform.python_version()} ({platform.python_implementation()})")


def pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}%"


def report(data: Path, args: argparse.Namespace) -> Iterable[str]:
    sets = {name: load(data / name) for name in (REAL, APA, NOISY)}
    yield f"Machine: {machine()}"
    yield f"Data: {data.resolve()}"
    yield ""
    yield "DOI extraction (first DOI in the string):"
    yield "| set | extractor | strings | contain gold DOI | extracted (gold DOI) " \
          "| extracted (gold null) | precision | recall |"
    yield "|---|---|---|---|---|---|---|---|"
    extractors = {"find_dois": first_doi, "parse_reference": parsed_doi}
    for (name, items), (how, extract) in itertools.product(sets.items(), extractors.items()):
        m = doi_extraction(items, extract)
        yield (f"| {name} | {how} | {m['strings']} | {m['contain gold DOI']} | "
               f"{m['extracted (gold is a DOI)']} | {m['extracted (gold null)']} | "
               f"{pct(float(m['precision']))} | {pct(float(m['recall']))} |")
    yield ""
    started = time.perf_counter()
    accuracy = parsing_accuracy(sets[APA])
    yield "Parsing accuracy on the APA set (gold derived by a strict template):"
    yield "| field | right | judged | accuracy |"
    yield "|---|---|---|---|"
    for field, (right, judged) in accuracy.items():
        share = right / judged if judged else float("nan")
        yield f"| {field} | {right} | {judged} | {pct(share)} |"
    yield ""
    parsed = [parse_reference(i.text) for i in sets[REAL]]
    per_ref = (time.perf_counter() - started) / (len(sets[APA]) + len(parsed))
    yield "Fields found in the real strings (no gold fields exist; coverage, not accuracy):"
    yield "| " + " | ".join(coverage(parsed)) + " |"
    yield "|" + "---|" * len(coverage(parsed))
    yield "| " + " | ".join(pct(v) for v in coverage(parsed).values()) + " |"
    yield ""
    yield f"Parse speed: {1e6 * per_ref:.0f} us per reference"
    if args.live:
        items = sets[REAL][: args.limit] if args.limit else sets[REAL]
        m = asyncio.run(live(items, args.mailto, args.threshold))
        yield ""
        yield f"Live matching on {len(items)} real strings (threshold {args.threshold}):"
        yield (f"P {pct(m['precision'])} R {pct(m['recall'])} F1 {pct(m['f1'])} "
               f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}, unverified {m['unverified']}, "
               f"{m['seconds']:.0f} s)")
        yield "Crossref's SBMV on the same strings: P 98.1% R 94.6% F1 96.3%"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DATA)
    parser.add_argument("--live", action="store_true", help="match against api.crossref.org")
    parser.add_argument("--mailto", default=os.environ.get("EVIDENCE_MAILTO"))
    parser.add_argument("--limit", type=int, default=0, help="live: first N strings only")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    if not (args.path / REAL).is_file():
        print(f"no reference strings at {args.path}", file=sys.stderr)
        return 2
    for line in report(args.path, args):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
