"""Small generated articles citing generated works, for the job and scale tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.standin.records import generated_doi

__all__ = ["article_text", "write_corpus"]

_CLAIMS = (
    "Supervised exercise reduces chronic low back pain in adults",
    "Spinal manipulation improves function over six weeks",
    "Most patients recover within three months without surgery",
    "Insurance plans cover about twelve sessions each year",
)


def article_text(number: int, dois: Sequence[str]) -> str:
    """Article ``number``: one cited claim per DOI, one claim citing nothing, a reference list."""
    sentences = [f"{_CLAIMS[i % len(_CLAIMS)]} (study {number}.{i}) [{i + 1}]."
                 for i in range(len(dois))]
    sentences.append(f"{_CLAIMS[number % len(_CLAIMS)]} in group {number}.")
    references = [f"{i + 1}. Generated Author. Generated work {doi}. Generated Journal. 2020. "
                  f"doi:{doi}" for i, doi in enumerate(dois)]
    return "\n\n".join([f"Generated article {number}", " ".join(sentences), "References",
                        "\n".join(references)]) + "\n"


def write_corpus(folder: Path, articles: int, works: int, *, per_article: int = 3) -> list[Path]:
    """``articles`` files citing ``per_article`` of ``works`` generated DOIs each (overlapping,
    so that workers meet the same DOIs at once)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(articles):
        dois = [generated_doi(1 + (n * per_article + k) % works) for k in range(per_article)]
        path = folder / f"article-{n:05d}.txt"
        path.write_text(article_text(n, dois), encoding="utf-8")
        paths.append(path)
    return paths
