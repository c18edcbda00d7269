"""BibTeX round trip: import a real .bib into an empty store, export it, and count what came
back as written, against the exporter that writes every entry from its stored work (the way
`evidence export` worked before issue 15, still what it does for works with no raw block).

For each file of tests/fixtures/bib (four real .bib files; provenance and licences in
tests/fixtures/PROVENANCE.md), both outputs and the original are split by bibtexparser with no
middleware, so values are compared as written (braces, quotes, macros, ``#``):

* entries: entry blocks out / entry blocks in;
* keys: citation keys found again (as a multiset: a key written twice counts twice);
* fields: (key, field name, value as written) triples found again / triples in the original;
* braced titles: titles whose protective inner braces (``{{RNA} folding}``) came back as written.

Times are the import (read + store, one transaction) and the export, on SQLite in a temporary
folder, median of 3 runs. Run from the repository root:
``.venv/bin/python benchmarks/bibtex_roundtrip.py``
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _machine import describe, repo_root_on_path

ROOT = repo_root_on_path()

import bibtexparser  # noqa: E402
from bibtexparser.model import Entry, ParsingFailedBlock  # noqa: E402

from evidence.exporter import export_store  # noqa: E402
from evidence.importer import import_files, read_files  # noqa: E402
from evidence.store import queries  # noqa: E402
from evidence.store.engine import open_store, session_factory  # noqa: E402
from refs.bibtex import write_bibtex  # noqa: E402

FILES = sorted((ROOT / "tests" / "fixtures" / "bib").glob("*.bib"))
RUNS = 3

Split = list[tuple[str, list[tuple[str, str]]]]


def split(text: str) -> Split:
    library = bibtexparser.parse_string(text, parse_stack=[])
    out: Split = []
    for block in library.blocks:
        inner = block.ignore_error_block if isinstance(block, ParsingFailedBlock) else block
        if isinstance(inner, Entry):
            out.append((inner.key, [(f.key.lower(), str(f.value)) for f in inner.fields]))
    return out


def figures(original: Split, output: Split) -> dict[str, tuple[int, int]]:
    keys_in, keys_out = Counter(k for k, _ in original), Counter(k for k, _ in output)
    triples_in = Counter((k, n, v) for k, fields in original for n, v in fields)
    triples_out = Counter((k, n, v) for k, fields in output for n, v in fields)
    titles_in = Counter((k, v) for k, fields in original for n, v in fields
                        if n == "title" and v.count("{") > 1)
    titles_out = Counter((k, v) for k, fields in output for n, v in fields if n == "title")
    return {
        "entries": (len(output), len(original)),
        "keys": (sum((keys_in & keys_out).values()), sum(keys_in.values())),
        "fields": (sum((triples_in & triples_out).values()), sum(triples_in.values())),
        "braced titles": (sum((titles_in & titles_out).values()), sum(titles_in.values())),
    }


def run(path: Path) -> tuple[str, str, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        sessions = session_factory(open_store(f"sqlite:///{folder}/store.db"))
        started = time.perf_counter()
        import_files(read_files([path]), sessions=sessions)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        with sessions() as session:
            as_written = export_store(session).text
        exported = time.perf_counter() - started
        with sessions() as session:
            from_works = write_bibtex([(key, work) if key else work
                                       for key, work in queries.iter_works(session)])
        sessions.kw["bind"].dispose()
    return as_written, from_works, imported, exported


def main() -> int:
    print(describe(["bibtexparser", "sqlalchemy"]))
    print()
    print("| file | exporter | entries | keys | fields as written | braced titles |"
          " import s | export s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in FILES:
        original = split(path.read_text(encoding="utf-8"))
        results = [run(path) for _ in range(RUNS)]
        as_written, from_works = results[0][0], results[0][1]
        imported = statistics.median(r[2] for r in results)
        exported = statistics.median(r[3] for r in results)
        name = path.name.split("__")[0]
        for label, text, times in (("as written (blocks)", as_written,
                                    f"{imported:.2f} | {exported:.3f}"),
                                   ("from works (before)", from_works, "- | -")):
            counts = figures(original, split(text))
            cells = " | ".join(f"{got}/{total}" for got, total in counts.values())
            print(f"| {name} | {label} | {cells} | {times} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
