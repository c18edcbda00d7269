"""Field accuracy of ``refs.match.parse_reference`` on references whose fields a publisher tagged.

A book's tagged source (JATS ``<source>`` with no article title) is judged as ``book_title``
against the parsed ``title``: a book's own title is its title, for the parser as for Crossref.

Data: the reference lists of 117 open-access PLOS articles (``../shared/data/linking/
plos-links.jsonl``; CC BY / CC0 per article, attribution in ``../shared/data/claims/
jats-articles.jsonl``; built from ``PLOS/allofplos`` at 07fdeed8). Each reference has its
string (Vancouver order, rebuilt from the XML fields) and the fields the publisher tagged:
authors' surnames, title, source (journal or book), year, DOI. Volume and first page are not
tagged fields of that file; they are read from the string's fixed tail ``Source. Year;V:P-L.``
only where that tail follows the tagged source and year exactly.

Split: by article (never by reference), a quarter of the articles held out
(``sha256(source) % 4 == 0``). Rules were tuned on the other three quarters only; held-out
figures are printed apart. ``--split dev`` prints only the tuning part.

Two forms of each string:
* ``clean``: the string as it is;
* ``pdf``: what text extraction from a typeset PDF gives (made here, deterministically): the
  DOI written at the end (``doi:10...``), lines wrapped at a width between 40 and 90, a word at a
  line end hyphenated at a syllable boundary (``throm-`` / ``bosis``), a DOI broken at a ``/``
  or ``.`` when it reaches the line end, ``fi``/``fl`` as ligatures, lines joined by ``\\n``.

Also held out (never looked at while tuning): Crossref's 2,500 generated APA strings (MIT,
``../shared/data/refstrings``), gold read from each string by a strict template
(``Authors (Year). Title. Journal, V(I), P.``; strings it cannot read are not judged).

Also measured: split DOIs recovered and DOIs invented (a DOI that is not the gold one), fields
invented (a field whose letters and digits do not occur in the string, in order), speed, and
on Crossref's 2,000 real strings (MIT, ``../shared/data/refstrings``) the written DOIs found
and invented fields.

``--baseline REV`` runs the same measurement on ``refs/`` as it was at git revision REV (default:
the parser before issue 11), in a subprocess, so both are measured in the same run.

Run: ``.venv/bin/python benchmarks/parsing.py [--split dev|held-out|both] [--baseline REV]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from _machine import describe

import refs
from refs.match import ParsedReference, parse_reference
from refs.match.normalize import first_last_page, fold, title_similarity

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
PLOS = SHARED / "linking" / "plos-links.jsonl"
REAL = SHARED / "refstrings" / "crossref-rme__unstructured_orig.json"
APA = SHARED / "refstrings" / "crossref-rme__artificial_dataset-apa.json"
_APA = re.compile(
    r"^(?P<authors>.+?) \((?P<year>\d{4})[a-z]?\)\. (?P<title>.+?)[.?!]? "
    r"(?P<container>[^.?!]+?), (?P<volume>\d+)(?:\((?P<issue>[^)]+)\))?, (?P<pages>[\w\u2013-]+)\.$"
)
"""The strict template of Crossref's generated APA strings; what it cannot read is not judged."""
_APA_FIRST = re.compile(r"^(?P<family>[^,&]+), (?:[^\W\d_]\.|[^\W\d_]{2,}\.)")
BEFORE = "17683ae"
"""The last commit before issue 11's parser: the baseline."""
FIELDS = ("first_author", "title", "title~0.9", "container", "book_title", "year", "volume",
          "first_page")


@dataclass(frozen=True, slots=True)
class Gold:
    text: str
    article: str
    first_author: str | None
    title: str | None
    container: str | None
    year: str | None
    volume: str | None
    first_page: str | None
    doi: str | None


def held_out(article: str) -> bool:
    return int(hashlib.sha256(article.encode()).hexdigest(), 16) % 4 == 0


def load_plos(path: Path = PLOS) -> list[Gold]:
    golds: list[Gold] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        for ref in article["references"]:
            golds.append(_gold(article["source"], ref))
    return golds


def _gold(article: str, ref: dict[str, Any]) -> Gold:
    text: str = ref["text"]
    source, year = ref.get("source"), ref.get("year")
    volume = first_page = None
    if source and year:
        # The string's tail is written from the tagged fields: "Source. Year;V:P-L."
        tail = re.search(
            re.escape(source) + r"\. " + re.escape(year) + r";([^:;\s(]+)(?:\([^)]*\))?:"
            r"([^\s.;,\u2013-]+)",
            text,
        )
        if tail:
            volume, first_page = tail.group(1), tail.group(2)
    authors = ref.get("authors") or []
    return Gold(
        text=text,
        article=article,
        first_author=authors[0] if authors else None,
        title=ref.get("title"),
        container=source,
        year=year if year and re.fullmatch(r"\d{4}", year) else None,
        volume=volume,
        first_page=first_page,
        doi=unquote(ref["doi"]).lower() if ref.get("doi") else None,  # %3c as written in XML
    )


def load_apa() -> list[Gold]:
    """Crossref's generated APA strings, with the gold the template reads from each."""
    golds: list[Gold] = []
    for row in json.loads(APA.read_text(encoding="utf-8"))["dataset"]:
        text, doi = row.get("ref_string"), row["target_gt"]["DOI"]
        match = _APA.match(text) if isinstance(text, str) else None
        first = _APA_FIRST.match(match.group("authors")) if match else None
        if match is None or first is None or not isinstance(doi, str):
            continue
        golds.append(Gold(text=match.string, article=doi, first_author=first.group("family"),
                          title=match.group("title"), container=match.group("container"),
                          year=match.group("year"), volume=match.group("volume"),
                          first_page=first_last_page(match.group("pages"))[0], doi=None))
    return golds


# --- what a PDF does to a reference --------------------------------------------------------

_VOWELS = set("aeiouyAEIOUY")


def _digest(text: str) -> int:
    return int(hashlib.md5(text.encode()).hexdigest(), 16)


def _hyphen_point(word: str) -> int | None:
    """A syllable-like place to break a long word: after a vowel, before a consonant."""
    letters = re.match(r"[A-Za-z]+", word)
    if not letters or len(letters.group()) < 7:
        return None
    run = letters.group()
    for i in range(len(run) - 3, 2, -1):
        if run[i - 1] in _VOWELS and run[i] not in _VOWELS and run[i + 1] in _VOWELS:
            return i
    return None


def pdfify(gold: Gold) -> str:
    """The string as text extraction from a two-column PDF would give it (deterministic)."""
    text = gold.text
    if gold.doi and gold.doi not in text.lower():
        text = f"{text} doi:{gold.doi}"
    seed = _digest(text)
    if seed % 3 == 0:
        text = text.replace("fi", "\ufb01").replace("fl", "\ufb02")
    width = 40 + seed % 51
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = word
            continue
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
            continue
        room = width - len(line) - 1
        if word.lower().startswith("doi:10.") and room > 10:
            # A DOI reaching the line end is broken after a "/" or "." that fits.
            cut = max(word.rfind("/", 0, room), word.rfind(".", 0, room))
            if cut > 7:
                lines.append(f"{line} {word[: cut + 1]}")
                line = word[cut + 1:]
                continue
        if "-" in word[1:room] and not word.lower().startswith("doi:"):
            # An author's hyphen at the line end stays: "Texture-" / "surround".
            cut = word.rfind("-", 1, room)
            lines.append(f"{line} {word[: cut + 1]}")
            line = word[cut + 1:]
            continue
        point = _hyphen_point(word)
        if point is not None and point + 1 <= room:
            lines.append(f"{line} {word[:point]}-")
            line = word[point:]
            continue
        lines.append(line)
        line = word
    lines.append(line)
    return "\n".join(lines)


# --- scoring -------------------------------------------------------------------------------


def _squash(text: str | None) -> str:
    return fold(text).replace(" ", "")


def _page(pages: str | None) -> str | None:
    return first_last_page(pages)[0]


def judge(gold: Gold, parsed: ParsedReference) -> dict[str, bool]:
    """Right or wrong per field the gold has (fields it lacks are not judged).

    Words must match after folding: ``throm bosis`` (a line-break hyphen kept) is wrong.
    """
    out: dict[str, bool] = {}
    if gold.first_author:
        out["first_author"] = fold(parsed.first_author) == fold(gold.first_author)
    if gold.title:
        out["title"] = fold(parsed.title) == fold(gold.title)
        out["title~0.9"] = title_similarity(parsed.title, gold.title) >= 0.9
    if gold.container and gold.title:
        out["container"] = fold(parsed.container) == fold(gold.container)
    elif gold.container:
        # A book: JATS tags its title as the source; parse_reference, like the registry,
        # calls a book's own title its title.
        out["book_title"] = fold(parsed.title) == fold(gold.container)
    if gold.year:
        out["year"] = str(parsed.year) == gold.year
    if gold.volume:
        out["volume"] = _squash(parsed.volume) == _squash(gold.volume)
    if gold.first_page:
        out["first_page"] = _squash(_page(parsed.pages)) == _squash(_page(gold.first_page))
    return out


def invented(text: str, parsed: ParsedReference) -> list[str]:
    """Fields whose letters and digits do not stand in ``text`` (line-break hyphens ignored)."""
    haystack = _squash(text)
    out = []
    for name in ("first_author", "title", "container", "volume", "issue", "pages"):
        value = getattr(parsed, name)
        if value and _squash(value) not in haystack:
            out.append(name)
    for author in parsed.authors:
        if _squash(author) not in haystack:
            out.append("authors")
            break
    if parsed.year is not None and str(parsed.year) not in text:
        out.append("year")
    if parsed.doi and parsed.doi not in unicodedata.normalize(
        "NFKC", re.sub(r"\s+", "", text)
    ).lower():  # NFKC: a ligature inside a DOI stands for its letters
        out.append("doi")
    return out


def measure(golds: Sequence[Gold], form: Callable[[Gold], str]) -> dict[str, Any]:
    right: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    wrong_examples: dict[str, list[str]] = {}
    invented_count: Counter[str] = Counter()
    dois = recovered = wrong_doi = 0
    started = time.perf_counter()
    texts = [form(g) for g in golds]
    parsed = [parse_reference(t) for t in texts]
    elapsed = time.perf_counter() - started
    for gold, text, p in zip(golds, texts, parsed, strict=True):
        for field, ok in judge(gold, p).items():
            judged[field] += 1
            right[field] += ok
            if not ok:
                wrong_examples.setdefault(field, []).append(text)
        invented_count.update(invented(text, p))
        if gold.doi and gold.doi in re.sub(r"\s+", "", text).lower():
            dois += 1
            recovered += p.doi == gold.doi
        if p.doi and p.doi != gold.doi:
            wrong_doi += 1
    return {
        "n": len(golds),
        "right": dict(right),
        "judged": dict(judged),
        "invented": dict(invented_count),
        "dois": dois,
        "recovered": recovered,
        "wrong_doi": wrong_doi,
        "ms": 1000 * elapsed / max(1, len(golds)),
        "wrong_examples": {k: v[:40] for k, v in wrong_examples.items()},
    }


def measure_real(path: Path = REAL) -> dict[str, Any]:
    """Crossref's real strings: written DOIs found, DOIs and fields invented."""
    rows = json.loads(path.read_text(encoding="utf-8"))["dataset"]
    written = found = wrong = 0
    invented_count: Counter[str] = Counter()
    for row in rows:
        text, gold = row["ref_string"], row["target_gt"]["DOI"]
        p = parse_reference(text)
        invented_count.update(invented(text, p))
        if gold and gold.lower() in re.sub(r"\s+", "", text).lower():
            written += 1
            found += p.doi == gold.lower()
        if p.doi and p.doi != (gold or "").lower():
            wrong += 1
    return {"n": len(rows), "written": written, "found": found, "wrong": wrong,
            "invented": dict(invented_count)}


def run(split: str) -> dict[str, Any]:
    golds = load_plos()
    parts = {"dev": [g for g in golds if not held_out(g.article)],
             "held-out": [g for g in golds if held_out(g.article)]}
    out: dict[str, Any] = {"refs": str(Path(refs.__file__).parent)}
    for name, part in parts.items():
        if split not in (name, "both"):
            continue
        out[name] = {"clean": measure(part, lambda g: g.text), "pdf": measure(part, pdfify)}
    if split in ("held-out", "both"):
        apa = load_apa()
        out["apa"] = {"clean": measure(apa, lambda g: g.text), "pdf": measure(apa, pdfify)}
    out["real"] = measure_real()
    return out


def baseline(revision: str, split: str) -> dict[str, Any]:
    """The same run on ``refs/`` at ``revision``, in a subprocess that imports that copy."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "refs"],
                             check=True, capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "PYTHONPATH": folder}
        result = subprocess.run(
            [sys.executable, __file__, "--split", split, "--json", "--baseline", ""],
            check=True, capture_output=True, text=True, env=env,
        )
    data: dict[str, Any] = json.loads(result.stdout)
    if not data["refs"].startswith(folder):
        raise RuntimeError(f"the baseline imported {data['refs']}, not the old copy")
    return data


def _pct(right: int, judged: int) -> str:
    return f"{100 * right / judged:.1f}%" if judged else "-"


def table(results: dict[str, dict[str, Any]], part: str) -> Iterable[str]:
    yield f"\n### {part}"
    for form in results["now"][part]:
        now = results["now"][part][form]
        before = results.get("before", {}).get(part, {}).get(form)
        yield f"\n{form} strings ({now['n']} references)\n"
        yield "| field | judged | before | now |"
        yield "|---|---|---|---|"
        for field in FIELDS:
            judged = now["judged"].get(field, 0)
            old = _pct(before["right"].get(field, 0), judged) if before else "-"
            yield f"| {field} | {judged} | {old} | {_pct(now['right'].get(field, 0), judged)} |"
        for label, key in (("split/written DOIs recovered", "recovered"),):
            old_doi = f"{before[key]}/{before['dois']}" if before else "-"
            yield f"| {label} | {now['dois']} | {old_doi} | {now[key]}/{now['dois']} |"
        yield f"| DOIs not the gold one | | {before['wrong_doi'] if before else '-'} " \
              f"| {now['wrong_doi']} |"
        yield f"| fields invented | | {sum(before['invented'].values()) if before else '-'} " \
              f"| {sum(now['invented'].values())} {now['invented'] or ''} |"
        yield f"| ms per reference | | {before['ms']:.3f} | {now['ms']:.3f} |" if before else \
            f"| ms per reference | | - | {now['ms']:.3f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=["dev", "held-out", "both"], default="both")
    parser.add_argument("--baseline", default=BEFORE, help="git revision ('' for none)")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--errors", metavar="FIELD", help="print dev strings wrong on FIELD")
    args = parser.parse_args(argv)
    if args.errors:
        dev = [g for g in load_plos() if not held_out(g.article)]
        for form in (lambda g: g.text, pdfify):
            for text in measure(dev, form)["wrong_examples"].get(args.errors, []):
                p = parse_reference(text)
                print(repr(text), "\n   ->", getattr(p, args.errors.split("~")[0], p.pages))
        return 0
    results = {"now": run(args.split)}
    if args.json:
        print(json.dumps(results["now"]))
        return 0
    if args.baseline:
        results["before"] = baseline(args.baseline, args.split)
    print(describe(["rapidfuzz"]))
    print(f"data: {PLOS.resolve()} (PLOS, CC BY / CC0); baseline: {args.baseline or 'none'}")
    for part in ("dev", "held-out", "apa"):
        if part in results["now"]:
            print("\n".join(table(results, part)))
    for label, key in (("before", "before"), ("now", "now")):
        real = results.get(key, {}).get("real")
        if real:
            print(f"\nCrossref real strings, {label}: {real['n']} strings, "
                  f"{real['found']}/{real['written']} written gold DOIs found, "
                  f"{real['wrong']} DOIs not the gold one, fields invented: {real['invented']}")
    print(textwrap.dedent("""
        Fields are right when equal after folding (case, accents, punctuation, spaces); titles
        also within 0.9 similarity. Volume and first page are judged only where the string's
        tail is the publisher's "Source. Year;V:P"."""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
