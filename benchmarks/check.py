"""Speed of the claims pipeline (read, sentences, claims, linking, audit) and of a warm check.

* Corpus: ``--articles`` plain-text articles (default 1,000), each the example article's
  body (``examples/spine-pain.txt`` without its reference list) followed by SciFact abstracts
  as paragraphs (the first sentence of each cites it with a numeric marker), a SciFact claim,
  and a numbered reference list of those abstracts plus two distractors and the example's two
  works. ``evidence.check.check_articles`` runs offline on a warm SQLite store.
* Growth: one article of 100, 1,000 and 10,000 sentences (SciFact sentences in paragraphs of
  eight, twenty references), the same pipeline; time per sentence at each size.
* Start-up: ``evidence check --offline examples/spine-pain.txt`` against
  ``python -c "import evidence.cli"``, each a whole process, interleaved, medians; then
  ``python -X importtime`` on both to show what the check imports beyond the CLI.

The store's records: SciFact abstracts under generated DOIs (Crossref's test prefix
10.5555, publisher and raw record saying they are generated benchmark data; title and
abstract are SciFact's), and the example's two works as its own .bib file states them (not
registry records). No recorded registry response exists for the example's DOIs, so the
warm check runs ``--offline``, which needs no network.

Data: SciFact (Wadden et al., EMNLP 2020; claims CC BY 4.0, abstracts ODC-By 1.0).
Run from the repository root: ``.venv/bin/python benchmarks/check.py``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _machine import ROOT, describe

from evidence.check import check_articles, parse_bibliography
from evidence.config import Settings
from evidence.results import CheckResult
from evidence.store.engine import open_store, session_factory
from evidence.store.queries import upsert_works
from refs.work import PartialDate, Person, Work

DATA = Path("/work/shared/data/scifact")
EXAMPLE = ROOT / "examples" / "spine-pain.txt"
EXAMPLE_BIB = ROOT / "examples" / "spine-pain.bib"
SEED = 20240601
GROWTH = (100, 1_000, 10_000)
TARGET_STARTUP = 2.0
"""A warm check may take at most this many times as long as importing the CLI."""


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: int
    title: str
    sentences: tuple[str, ...]

    @property
    def doi(self) -> str:
        return f"10.5555/bench.scifact.{self.doc_id}"

    @property
    def author(self) -> str:
        return f"Generated{self.doc_id % 97}"

    @property
    def year(self) -> int:
        return 2000 + self.doc_id % 20

    def reference(self, label: int) -> str:
        return (f"[{label}] {self.author} G. ({self.year}). {self.title}. Generated Journal of "
                f"Benchmark Load. doi:{self.doi}")

    def work(self) -> Work:
        return Work(
            doi=self.doi, title=self.title, abstract=" ".join(self.sentences),
            authors=(Person(family=self.author, given="G."),), issued=PartialDate(self.year),
            type="journal-article", container_title="Generated Journal of Benchmark Load",
            publisher="evidence benchmarks (generated)",
            raw={"DOI": self.doi, "generated-by": "benchmarks/check.py",
                 "note": "generated DOI; title and abstract from SciFact"},
        )


# --- data ----------------------------------------------------------------------------------


def load(data: Path) -> tuple[list[Doc], list[str]]:
    docs = [Doc(int(d["doc_id"]), str(d["title"]), tuple(d["abstract"]))
            for d in _jsonl(data / "corpus_subset.jsonl")]
    claims = [str(c["claim"]) for c in _jsonl(data / "claims_dev.jsonl")]
    return docs, claims


def example_parts() -> tuple[str, list[str]]:
    """The example's body (without its reference list and what follows), and its references."""
    text = EXAMPLE.read_text(encoding="utf-8")
    body, _, rest = text.partition("\nHayden, Jill A")
    references = [p.strip() for p in ("Hayden, Jill A" + rest).split("\n\n")[:2]]
    return body.rstrip() + "\n", references


def article_text(docs: Sequence[Doc], claim: str, distractors: Sequence[Doc], body: str,
                 example_refs: Sequence[str]) -> str:
    parts = [body]
    for label, doc in enumerate(docs, start=1):
        first, *rest = doc.sentences
        parts.append(" ".join([f"{first.rstrip('.')} [{label}].", *rest]))
    parts.append(claim)
    listed = [*docs, *distractors]
    refs = [doc.reference(label) for label, doc in enumerate(listed, start=1)]
    refs += [f"[{len(listed) + i}] {ref}" for i, ref in enumerate(example_refs, start=1)]
    return "\n\n".join([*parts, "References", "\n".join(refs)]) + "\n"


def corpus(folder: Path, docs: list[Doc], claims: list[str], count: int) -> list[Path]:
    body, example_refs = example_parts()
    rng = random.Random(SEED)
    paths = []
    for n in range(count):
        picked = rng.sample(docs, 5)
        text = article_text(picked[:3], claims[n % len(claims)], picked[3:], body, example_refs)
        path = folder / f"article-{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def long_article(docs: list[Doc], sentences: int) -> str:
    """One article of about ``sentences`` sentences, in paragraphs of eight, 20 references."""
    cited = docs[:20]
    pool = [s for doc in docs for s in doc.sentences]
    paragraphs: list[str] = []
    for start in range(0, sentences, 8):
        chunk = pool[start % len(pool): start % len(pool) + min(8, sentences - start)]
        label = 1 + (start // 8) % len(cited)
        chunk[0] = f"{chunk[0].rstrip('.')} [{label}]."
        paragraphs.append(" ".join(chunk))
    refs = [doc.reference(label) for label, doc in enumerate(cited, start=1)]
    return "\n\n".join(["A long generated article", *paragraphs, "References",
                        "\n".join(refs)]) + "\n"


def warm_store(url: str, docs: list[Doc]) -> None:
    """The store a previous online run would leave: every work the articles cite."""
    bib = parse_bibliography(EXAMPLE_BIB.read_text(encoding="utf-8"), path=str(EXAMPLE_BIB))
    sessions = session_factory(open_store(url))
    with sessions.begin() as session:
        upsert_works(session, [d.work() for d in docs], origin="crossref")
        # As the registry's records (a .bib's entries alone no longer count as resolved), so
        # the example's two works stay resolved as in the figures measured before.
        upsert_works(session, [e.written for e in bib.entries if isinstance(e.written, Work)],
                     origin="crossref")


# --- in-process pipeline -------------------------------------------------------------------


def check(paths: Sequence[Path], url: str) -> tuple[float, CheckResult]:
    settings = Settings(database_url=url, offline=True)
    sessions = session_factory(open_store(url))
    start = time.perf_counter()
    result = asyncio.run(check_articles(paths, settings=settings, sessions=sessions))
    return time.perf_counter() - start, result


def sentences_in(result: CheckResult) -> int:
    return sum(len(article.claims) for article in result.articles)


def summary(result: CheckResult) -> str:
    statuses: dict[str, int] = defaultdict(int)
    for article in result.articles:
        for reference in article.references:
            statuses[reference.status] += 1
    claims = sum(c.needs_support for a in result.articles for c in a.claims)
    linked = sum(bool(c.sources) for a in result.articles for c in a.claims)
    return (f"{claims} claims needing a source, {linked} sentences linked, references "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
            + f", {len(result.findings)} findings")


def corpus_run(folder: Path, url: str, docs: list[Doc], claims: list[str],
               count: int, memory: bool) -> list[str]:
    paths = corpus(folder, docs, claims, count)
    check(paths[:5], url)  # first use: imports, segmenter, compiled patterns
    seconds, result = check(paths, url)
    sentences = sentences_in(result)
    lines = [
        f"corpus: {count} articles, {sentences} sentences, "
        f"{sum(p.stat().st_size for p in paths) / 1e6:.1f} MB; {summary(result)}",
        "",
        "| articles | sentences | seconds | sentences/s | articles/s | peak traced MiB "
        "| max RSS MiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    peak = "-"
    if memory:  # a second run under tracemalloc: slower, so not the timed one
        tracemalloc.start()
        check(paths, url)
        peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.0f}"
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"| {count} | {sentences} | {seconds:.2f} | {sentences / seconds:,.0f} | "
                 f"{count / seconds:.1f} | {peak} | {rss:.0f} |")
    return lines


def growth_run(folder: Path, url: str, docs: list[Doc], repeat: int) -> list[str]:
    lines = [
        "",
        "one article, growing (20 references; best of the runs)",
        "",
        "| sentences asked | sentences read | seconds | ms per sentence | x previous size "
        "per sentence |",
        "| --- | --- | --- | --- | --- |",
    ]
    previous: float | None = None
    for size in GROWTH:
        path = folder / f"long-{size}.txt"
        path.write_text(long_article(docs, size), encoding="utf-8")
        runs = [check([path], url) for _ in range(repeat if size < 10_000 else 1)]
        seconds = min(r[0] for r in runs)
        read = sentences_in(runs[0][1])
        per = seconds / read
        ratio = f"{per / previous:.2f}" if previous else "-"
        lines.append(f"| {size} | {read} | {seconds:.3f} | {per * 1000:.3f} | {ratio} |")
        previous = per
    return lines


# --- whole processes -----------------------------------------------------------------------


def evidence_command() -> list[str]:
    script = Path(sys.executable).with_name("evidence")
    return [str(script)] if script.exists() else [sys.executable, "-m", "evidence.cli"]


def median_runs(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall seconds of each command, run ``runs`` times, interleaved."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, check=False)
            times[label].append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{label} failed ({done.returncode}): {done.stderr.decode()}")
    return {label: statistics.median(values) for label, values in times.items()}


def cached_bytecode(environ: dict[str, str], folder: Path) -> dict[str, str]:
    """``environ`` with bytecode written and read (under ``folder``), as an installed tool has.

    This workplace sets PYTHONDONTWRITEBYTECODE, so the project's own modules would be
    compiled from source on every start; a user's install has them compiled once.
    """
    env = {k: v for k, v in environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(folder / "pycache")}


def startup_run(folder: Path, runs: int) -> list[str]:
    base_env = {**os.environ, "EVIDENCE_DATABASE_URL": f"sqlite:///{folder / 'cli-empty.db'}"}
    uncached = "PYTHONDONTWRITEBYTECODE" in os.environ
    env = cached_bytecode(base_env, folder)
    warm_env = {**env, "EVIDENCE_DATABASE_URL": f"sqlite:///{folder / 'cli-bib.db'}"}
    evidence = evidence_command()
    example = str(EXAMPLE.relative_to(ROOT))
    check_cmd = [*evidence, "check", "--offline", example]
    for environ in (env, warm_env):  # create and migrate both stores outside the timing
        subprocess.run([*evidence, "db", "upgrade"], env=environ, cwd=ROOT, check=True,
                       capture_output=True)
    subprocess.run([*evidence, "import", str(EXAMPLE_BIB)], env=warm_env, cwd=ROOT, check=True,
                   capture_output=True)
    python = [sys.executable, "-c"]
    importing = [*python, "import evidence.cli"]
    median_runs({"warm-up": importing, "warm-up check": check_cmd}, warm_env, 1)  # writes .pyc
    bare = median_runs({"python -c pass": [*python, "pass"]}, env, runs)
    results = median_runs({"import evidence.cli": importing,
                           "check --offline, store empty": check_cmd}, env, runs)
    results |= median_runs({"check --offline, store holds the .bib": check_cmd}, warm_env, runs)
    lines = [
        "",
        f"whole processes, bytecode cached, median of {runs} runs (interleaved); "
        f"`python -c pass` takes {bare['python -c pass']:.3f} s",
        "",
        *startup_table(results),
    ]
    if uncached:  # as this workplace runs it: the project's modules compiled on every start
        plain = median_runs({"import evidence.cli": importing,
                             "check --offline, store holds the .bib": check_cmd},
                            {**base_env, "EVIDENCE_DATABASE_URL":
                                            warm_env["EVIDENCE_DATABASE_URL"]}, runs)
        lines += ["", "the same with PYTHONDONTWRITEBYTECODE=1 (no .pyc for the project's own "
                  "modules, as this workplace runs):", "", *startup_table(plain)]
    lines += importtime_lines(check_cmd, warm_env)
    return lines


def startup_table(results: dict[str, float]) -> list[str]:
    base = results["import evidence.cli"]
    lines = ["| process | seconds | x import | target |", "| --- | --- | --- | --- |"]
    for label, seconds in results.items():
        ratio = seconds / base
        verdict = "-"
        if label.startswith("check"):
            verdict = f"<= {TARGET_STARTUP:g}x: {'met' if ratio <= TARGET_STARTUP else 'missed'}"
        lines.append(f"| `{label}` | {seconds:.3f} | {ratio:.2f} | {verdict} |")
    return lines


def import_times(command: list[str], env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Module -> (self us, cumulative us) from ``python -X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    found: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        found[name] = (int(own), int(cumulative))
    return found


def importtime_lines(check_cmd: list[str], env: dict[str, str]) -> list[str]:
    cli = import_times(["-c", "import evidence.cli"], env)
    script = check_cmd[0] if check_cmd[0].endswith("evidence") else "-m"
    args = check_cmd[1:] if script != "-m" else ["evidence.cli", *check_cmd[3:]]
    checked = import_times([script, *args], env)
    extra: dict[str, int] = defaultdict(int)
    for name, (own, _) in checked.items():
        if name not in cli:
            extra[name.split(".")[0]] += own
    total_cli = sum(own for own, _ in cli.values())
    total_extra = sum(extra.values())
    lines = [
        "",
        f"`-X importtime`: `import evidence.cli` imports {len(cli)} modules in "
        f"{total_cli / 1e6:.3f} s; the check imports {len(checked) - len(cli)} more in "
        f"{total_extra / 1e6:.3f} s (self time by top-level package, importtime inflates both):",
        "",
        "| package | seconds |",
        "| --- | --- |",
    ]
    for name, own in sorted(extra.items(), key=lambda item: -item[1])[:12]:
        lines.append(f"| {name} | {own / 1e6:.3f} |")
    return lines


# --- the run -------------------------------------------------------------------------------


def _jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each growth size")
    parser.add_argument("--runs", type=int, default=15, help="runs of each whole process")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--only", choices=["corpus", "growth", "startup"], action="append")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    only = set(args.only or ["corpus", "growth", "startup"])
    print(describe(["pysbd", "rapidfuzz", "SQLAlchemy", "click"]), flush=True)
    docs, claims = load(args.data)
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'warm.db'}"
        warm_store(url, docs)
        if "corpus" in only:
            lines += corpus_run(folder, url, docs, claims, args.articles, not args.no_memory)
        if "growth" in only:
            lines += growth_run(folder, url, docs, args.repeat)
        if "startup" in only:
            lines += startup_run(folder, args.runs)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
