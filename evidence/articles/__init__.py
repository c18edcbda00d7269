"""Reading articles (plain text, Markdown, HTML) into sentences, citation markers and references.

>>> article = parse_article("Exercise reduces pain [1].\\n\\n[1] Hayden JA et al. 2021.")
>>> [s.text for s in article.sentences], article.references[0].label
(['Exercise reduces pain [1].'], '1')
"""

from __future__ import annotations

from evidence.articles.build import FORMATS, parse_article, read_article
from evidence.articles.decode import decode_bytes
from evidence.articles.markers import strip_markers
from evidence.articles.model import (
    Article,
    ArticleFormat,
    Marker,
    MarkerKind,
    ReferenceEntry,
    Sentence,
    SentenceKind,
)

__all__ = [
    "FORMATS",
    "Article",
    "ArticleFormat",
    "Marker",
    "MarkerKind",
    "ReferenceEntry",
    "Sentence",
    "SentenceKind",
    "decode_bytes",
    "parse_article",
    "read_article",
    "strip_markers",
]
