"""Reading articles (text, Markdown, HTML, LaTeX, JATS XML, Word, PDF) into sentences,
citation markers and references.

>>> article = parse_article("Exercise reduces pain [1].\\n\\n[1] Hayden JA et al. 2021.")
>>> [s.text for s in article.sentences], article.references[0].label
(['Exercise reduces pain [1].'], '1')
"""

from __future__ import annotations

from evidence.articles.build import (
    ARTICLE_SUFFIXES,
    FORMATS,
    parse_article,
    parse_bytes,
    read_article,
)
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
    "ARTICLE_SUFFIXES",
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
    "parse_bytes",
    "read_article",
    "strip_markers",
]
