"""The PLOS linking data (``/work/shared/data/linking/plos-links.jsonl``) as the ranker sees it.

117 open-access PLOS articles (from ``PLOS/allofplos``, MIT code; each article CC BY or CC0,
per-article licence and attribution in ``/work/shared/data/claims/jats-articles.jsonl``):
every body sentence with the references its authors cited there, and each reference list.

The articles are split by their ``source`` key (CRC-32 modulo 5, so the split never depends
on file order): 0 is **held out** (looked at once, for the final figures), 1 is for
**tuning** (the threshold), the rest for **training** (the weights).

Two ways to hide the markers, both reading the same sentences:

* ``unmarked``: every marker of the article is removed, as in a page that has none;
* ``one-out``: each sentence's own markers are removed while the other sentences keep theirs,
  as in a manuscript where some markers were lost. Because the features of a sentence never
  read its own markers (``features``), one pass with all markers kept gives this for every
  sentence at once.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.linking.features import Passage
from evidence.linking.references import ReferenceText, reference_text
from refs import Work, normalize_doi
from refs.work import work_from_crossref

__all__ = ["DATA", "PlosArticle", "load_articles", "registry_records", "split_of",
           "with_records"]

DATA = Path("/work/shared/data/linking/plos-links.jsonl")
FIXTURES = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "crossref",
            Path("/work/shared/fixtures/crossref"))
"""The recorded registry responses: the only registry records a benchmark may read."""
SPLITS = ("heldout", "tune", "train", "train", "train")


@dataclass(frozen=True, slots=True)
class PlosArticle:
    source: str
    references: tuple[ReferenceText, ...]  # the written text only: offline
    texts: tuple[str, ...]
    paragraphs: tuple[int, ...]
    sections: tuple[str, ...]
    cites: tuple[frozenset[int], ...]  # reference indexes each sentence cited
    dois: tuple[str | None, ...] = ()  # each reference's DOI as written, normalised

    def passages(self, *, keep_markers: bool) -> list[Passage]:
        return [
            Passage(text, paragraph, section, cited if keep_markers else frozenset())
            for text, paragraph, section, cited in zip(
                self.texts, self.paragraphs, self.sections, self.cites, strict=True)
        ]


def split_of(source: str) -> str:
    """``heldout``, ``tune`` or ``train``: fixed by the article's key alone."""
    return SPLITS[zlib.crc32(source.encode()) % len(SPLITS)]


def load_articles(split: str, data: Path = DATA) -> Iterator[PlosArticle]:
    """The articles of one split that have a reference list, in file order."""
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if split_of(row["source"]) != split or not row["references"]:
                continue
            index = {ref["id"]: n for n, ref in enumerate(row["references"])}
            texts, paragraphs, sections, cites = [], [], [], []
            for p, paragraph in enumerate(row["paragraphs"]):
                for sentence in paragraph["sentences"]:
                    texts.append(sentence["text"])
                    paragraphs.append(p)
                    sections.append(paragraph["section"])
                    cites.append(frozenset(index[c] for c in sentence["cites"]))
            yield PlosArticle(
                source=row["source"],
                references=tuple(ReferenceText(ref["text"]) for ref in row["references"]),
                texts=tuple(texts),
                paragraphs=tuple(paragraphs),
                sections=tuple(sections),
                cites=tuple(cites),
                dois=tuple(_doi(ref["doi"]) for ref in row["references"]),
            )


def _doi(written: str | None) -> str | None:
    try:
        return normalize_doi(written) if written else None
    except ValueError:
        return None


def registry_records(folders: tuple[Path, ...] = FIXTURES) -> dict[str, Work]:
    """Every work record (a Crossref ``message`` or an item of a list or search) in the
    recorded responses, by normalised DOI."""
    found: dict[str, Work] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.json")):
            if path.name.endswith((".meta.json", "headers.json")):
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            for record in _records(data):
                doi = _doi(record["DOI"])
                if doi and doi not in found:
                    found[doi] = work_from_crossref(record)
    return found


def _records(data: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(data, dict):
        if isinstance(data.get("DOI"), str) and "title" in data:
            yield data
        for value in data.values():
            yield from _records(value)
    elif isinstance(data, list):
        for value in data:
            yield from _records(value)


def with_records(article: PlosArticle, records: Mapping[str, Work]) -> tuple[PlosArticle, int]:
    """The article with the registry's record joined to each reference whose written DOI has
    one (title, journal, abstract, first author, year), and how many did."""
    references, joined = [], 0
    for ref, doi in zip(article.references, article.dois, strict=True):
        work = records.get(doi) if doi else None
        if work is not None:
            entry = _Entry(ref.text, None, None, doi)
            ref, joined = reference_text(entry, work), joined + 1
        references.append(ref)
    return dataclasses.replace(article, references=tuple(references)), joined


@dataclass(frozen=True, slots=True)
class _Entry:
    """A reference as written, in the shape ``reference_text`` reads."""

    text: str
    label: str | None
    key: str | None
    doi: str | None
