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

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from evidence.linking.features import Passage
from evidence.linking.references import ReferenceText

__all__ = ["DATA", "PlosArticle", "load_articles", "split_of"]

DATA = Path("/work/shared/data/linking/plos-links.jsonl")
SPLITS = ("heldout", "tune", "train", "train", "train")


@dataclass(frozen=True, slots=True)
class PlosArticle:
    source: str
    references: tuple[ReferenceText, ...]  # the written text only: offline
    texts: tuple[str, ...]
    paragraphs: tuple[int, ...]
    sections: tuple[str, ...]
    cites: tuple[frozenset[int], ...]  # reference indexes each sentence cited

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
            )
