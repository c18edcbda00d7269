"""CPU time a sentence of the claim detector, this tree against another, interleaved.

Each round runs one child process per tree, in turn (A, B, B, A, ...: neither always goes
first), on the same sentences: held-out ClaimBuster and PLOS sentences
(``training/claims/data.py``) read as plain-text paragraphs. A child loads the model, judges
every sentence once to warm up, then judges them all again and reports the CPU time
(``time.process_time``: the process's user + system time, which another process's load
moves far less than the wall clock) of ``assess`` alone, and of the rules alone (``explain``).
The figure per tree is the median over rounds; the load average is printed beside it.

``--startup`` instead compares whole processes: ``python -c "import evidence.cli"`` and a warm
``evidence check --offline examples/spine-pain.txt`` (store migrated beforehand, bytecode
cached), each tree in turn, by the CPU time the child used (``RUSAGE_CHILDREN``), median of
the rounds: the issue's bound is the check within 2x of the import. Wall-clock figures of
the same (``benchmarks/check.py --only startup``) swing by 2x on a loaded machine.

Run: ``.venv/bin/python benchmarks/claims_speed.py [--against DIR] [--rounds N] [--startup]``,
where ``DIR`` holds another tree's ``evidence`` (and ``refs``, ``alembic``) packages, e.g.
exported with ``git archive <commit> evidence refs alembic | tar -x -C DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from _machine import ROOT, describe, repo_root_on_path

CHILD = r"""
import json, sys, time
from evidence.articles import parse_article
from evidence.claims import assess, default_model, explain
texts = json.load(open(sys.argv[1], encoding="utf-8"))
sentences = [s for t in texts for s in parse_article(t + "\n").sentences]
default_model()
for s in sentences:
    assess(s)
figures = {"sentences": len(sentences)}
for name, judge in (("assess", assess), ("rules", explain)):
    started = time.process_time()
    for s in sentences:
        judge(s)
    figures[name] = 1000 * (time.process_time() - started) / len(sentences)
print(json.dumps(figures))
"""


def child(tree: Path, texts: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", CHILD, str(texts)], env=env, check=True,
                         capture_output=True, text=True, cwd=tempfile.gettempdir())
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def cpu_seconds(command: list[str], env: dict[str, str]) -> float:
    """CPU time (user + system) the child running ``command`` used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def startup(trees: dict[str, Path], rounds: int) -> Iterator[str]:
    """Median CPU seconds of the bare import and of a warm offline check, per tree."""
    folder = Path(tempfile.mkdtemp(prefix="claims-startup-"))
    python = [sys.executable, "-c"]
    commands = {
        "import evidence.cli": [*python, "import evidence.cli"],
        "check --offline examples/spine-pain.txt": [
            *python, "from evidence.cli import main; main()", "check", "--offline",
            "examples/spine-pain.txt"],
    }
    envs = {}
    for name, tree in trees.items():
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs[name] = {**env, "PYTHONPATH": str(tree),
                      "PYTHONPYCACHEPREFIX": str(folder / "pycache" / name.replace(" ", "-")),
                      "EVIDENCE_DATABASE_URL": f"sqlite:///{folder / name.replace(' ', '-')}.db"}
        upgrade = [*python, "from evidence.cli import main; main()", "db", "upgrade"]
        subprocess.run(upgrade, env=envs[name], cwd=ROOT, check=True, capture_output=True)
        for command in commands.values():  # writes the bytecode
            subprocess.run(command, env=envs[name], cwd=ROOT, capture_output=True)
    seconds: dict[tuple[str, str], list[float]] = {
        (name, label): [] for name in trees for label in commands}
    order = list(trees)
    for number in range(rounds):
        for name in order if number % 2 == 0 else reversed(order):
            for label, command in commands.items():
                seconds[name, label].append(cpu_seconds(command, envs[name]))
    yield f"\nload average at the end: {os.getloadavg()[0]:.2f}\n"
    yield "| tree | process | CPU seconds (median) | x import |"
    yield "|---|---|---|---|"
    for name in trees:
        base = statistics.median(seconds[name, "import evidence.cli"])
        for label in commands:
            value = statistics.median(seconds[name, label])
            yield f"| {name} | `{label}` | {value:.3f} | {value / base:.2f} |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", type=Path, help="a tree holding another evidence package")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-source", type=int, default=1500)
    parser.add_argument("--startup", action="store_true",
                        help="compare whole-process start-up by CPU time instead")
    args = parser.parse_args(argv)
    repo_root_on_path()
    from training.claims.data import split

    texts = [e.text for source in ("claimbuster", "jats")
             for e in split(source)[1][:args.per_source]]
    trees = {"this tree": ROOT}
    if args.against:
        trees["against"] = args.against.resolve()
    print(describe(["pysbd"]))
    if args.startup:
        for line in startup(trees, args.rounds):
            print(line)
        return 0
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(texts, handle)
        handle.flush()
        order = list(trees)
        for number in range(args.rounds):
            for name in order if number % 2 == 0 else reversed(order):
                runs[name].append(child(trees[name], Path(handle.name)))
            print(f"round {number + 1}: load average {os.getloadavg()[0]:.2f}; " + "; ".join(
                f"{name} {runs[name][-1]['assess']:.3f} ms (rules {runs[name][-1]['rules']:.3f})"
                for name in order), flush=True)
    print("\n| tree | sentences | CPU ms/sentence, detector (median; min-max) | rules alone |")
    print("|---|---|---|---|")
    for name, figures in runs.items():
        detector = [f["assess"] for f in figures]
        rules = [f["rules"] for f in figures]
        print(f"| {name} ({trees[name]}) | {int(figures[0]['sentences'])} | "
              f"{statistics.median(detector):.3f} ({min(detector):.3f}-{max(detector):.3f}) | "
              f"{statistics.median(rules):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
