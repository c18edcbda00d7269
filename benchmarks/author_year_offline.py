"""How often an author-year marker finds its reference offline (no registry record).

With no record, the check reads a reference's first author and year from the reference as
written (``evidence.check._reference_text``: the reference parser, issue 11). This measures that
path end to end on real reference lists: for each reference, the marker an author-year style
would print for it is made from the publisher's tagged fields (``(Blackburn and Rowley, 2004)``,
``(Hayden et al., 2021)``; ``2004a``/``2004b`` where one first author has two works of a
year), read by the article's marker reader from a sentence, and resolved against the article's
whole reference list as the linker does (``MarkerResolver``).

Outcomes per marker: ``right`` (exactly its reference), ``wrong`` (another reference, or several),
``unknown`` (none: reported as an unknown citation), ``not read`` (the marker reader did not see
a marker: group authors such as "President's Council on Bioethics").

Compared in the same run, on the same markers:
* ``none`` - what the check did before: no record, no first author or year, so every marker
  that names a reference by author and year was unknown offline;
* ``regex`` - the linker's own fallback (``written_first_author`` / ``written_year`` in
  evidence/linking/references.py), a peer;
* ``parser`` - the reference parser alone (``parse_reference``'s first author and year);
* ``check`` - the check's path now: the parser, and the linker's fallback where the parser
  placed no name or year (chosen on the tuning articles: 4 unknown markers there against the
  parser's 8; the held-out figures were read after that choice).

Data: the reference lists of 117 open-access PLOS articles (``../shared/data/linking/
plos-links.jsonl``; CC BY / CC0 per article, attribution in ``../shared/data/claims/
jats-articles.jsonl``; built from ``PLOS/allofplos`` at 07fdeed8). Gold: the tagged surnames
and year. PLOS strings are Vancouver-like (numbered styles), the hard case: an author-year
article writes its list in APA or Harvard, where the name and year lead. Nothing here was tuned
on; the parser was tuned (issue 11) on the articles outside benchmarks/parsing.py's held-out
quarter (``sha256(source) % 4 == 0``), so that quarter is reported apart.

Also: Crossref's 2,500 generated APA strings (MIT, ``../shared/data/refstrings``; never used
for tuning), gold read by the strict template of benchmarks/parsing.py, grouped in the file's
order into lists of 40 as if each were an article's.

Run: ``.venv/bin/python benchmarks/author_year_offline.py``
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from _machine import describe, repo_root_on_path

repo_root_on_path()

from evidence.articles.markers import find_markers  # noqa: E402
from evidence.check import WrittenReference, _reference_text  # noqa: E402
from evidence.linking.markers import MarkerResolver  # noqa: E402
from evidence.linking.references import (  # noqa: E402
    ReferenceText,
    written_first_author,
    written_year,
)
from evidence.results import ReferenceResult  # noqa: E402
from evidence.vocabulary import ReferenceStatus  # noqa: E402
from refs.match import parse_reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
PLOS = SHARED / "linking" / "plos-links.jsonl"
APA = SHARED / "refstrings" / "crossref-rme__artificial_dataset-apa.json"
_APA = re.compile(r"^(?P<authors>.+?) \((?P<year>\d{4})[a-z]?\)\. ")
_APA_NAMES = re.compile(r"(?:^|, (?:& )?|& )(?P<family>[^,&]+?), (?:[^\W\d_]\.\s?)+")
OUTCOMES = ("right", "wrong", "unknown", "not read")

# One list of references: [(written text, gold surnames, gold year)].
Entry = tuple[str, list[str], int]


def held_out(article: str) -> bool:
    return int(hashlib.sha256(article.encode()).hexdigest(), 16) % 4 == 0


def load_plos() -> dict[str, list[Entry]]:
    lists: dict[str, list[Entry]] = {}
    for line in PLOS.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        entries = []
        for ref in article["references"]:
            year = re.match(r"(\d{4})", ref.get("year") or "")
            if ref.get("authors") and year:
                entries.append((ref["text"], list(ref["authors"]), int(year.group(1))))
        lists[article["source"]] = entries
    return lists


def load_apa(size: int = 40) -> dict[str, list[Entry]]:
    entries: list[Entry] = []
    for row in json.loads(APA.read_text(encoding="utf-8"))["dataset"]:
        text = row.get("ref_string")
        head = _APA.match(text) if isinstance(text, str) else None
        if head is None:
            continue
        names = [m.group("family").strip() for m in _APA_NAMES.finditer(head.group("authors"))]
        if names:
            entries.append((text, names, int(head.group("year"))))
    return {f"apa-{i // size}": entries[i:i + size] for i in range(0, len(entries), size)}


def markers_for(entries: Sequence[Entry]) -> list[str]:
    """The author-year marker a style prints for each entry, suffixed where keys repeat."""
    keys = [(names[0].casefold(), year) for _, names, year in entries]
    repeated = Counter(keys)
    seen: dict[tuple[str, int], int] = defaultdict(int)
    out = []
    for (_, names, year), key in zip(entries, keys, strict=True):
        suffix = ""
        if repeated[key] > 1:
            suffix = "abcdefghijklmnopqrstuvwxyz"[min(seen[key], 25)]
            seen[key] += 1
        who = (names[0] if len(names) == 1 else f"{names[0]} and {names[1]}"
               if len(names) == 2 else f"{names[0]} et al.")
        out.append(f"({who}, {year}{suffix})")
    return out


def none_way(text: str) -> ReferenceText:
    return ReferenceText(text=text)


def regex_way(text: str) -> ReferenceText:
    return ReferenceText(text=text, first_author=written_first_author(text),
                         year=written_year(text))


def parser_way(text: str) -> ReferenceText:
    parsed = parse_reference(text)
    return ReferenceText(text=text, first_author=parsed.first_author, year=parsed.year)


def check_way(text: str) -> ReferenceText:
    written = WrittenReference(text=text, line=1, path="article", written=parse_reference(text))
    result = ReferenceResult(text=text, line=1, doi=None, status=ReferenceStatus.UNVERIFIED,
                             path="article")
    return _reference_text(written, result)


WAYS: dict[str, Callable[[str], ReferenceText]] = {
    "none": none_way, "regex": regex_way, "parser": parser_way, "check": check_way}


def measure(lists: dict[str, list[Entry]], way: Callable[[str], ReferenceText]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for entries in lists.values():
        resolver = MarkerResolver([way(text) for text, _, _ in entries])
        for index, marker in enumerate(markers_for(entries)):
            found = find_markers(f"Exercise reduces pain {marker}.")
            targets = [t for kind, _, _, ts in found if kind == "author-year" for t in ts]
            if len(targets) != 1:
                counts["not read"] += 1
                continue
            hits = resolver.resolve("author-year", targets[0])
            counts["right" if hits == [index] else "unknown" if not hits else "wrong"] += 1
    return counts


def report(name: str, lists: dict[str, list[Entry]]) -> None:
    total = sum(len(e) for e in lists.values())
    print(f"\n{name}: {len(lists)} lists, {total} markers")
    print(f"  {'way':<7}" + "".join(f"{o:>16}" for o in OUTCOMES) + f"{'ms':>8}")
    for label, way in WAYS.items():
        start = time.perf_counter()
        counts = measure(lists, way)
        ms = (time.perf_counter() - start) * 1000
        cells = "".join(f"{counts[o]:>7} ({100 * counts[o] / total:5.1f}%)" for o in OUTCOMES)
        print(f"  {label:<7}{cells}{ms:>8.0f}")


def main(argv: Sequence[str] = ()) -> int:
    print(describe())
    plos = load_plos()
    report("PLOS, parser's tuning articles", {k: v for k, v in plos.items() if not held_out(k)})
    report("PLOS, held out (sha256 % 4 == 0)", {k: v for k, v in plos.items() if held_out(k)})
    report("Crossref generated APA (held out)", load_apa())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
