"""Find, validate and normalise DOIs in any text.

A DOI is ``10.`` + a registrant code of digits (``10.1000``, ``10.1000.10``), a ``/`` and a
suffix of any printable characters. The suffix may hold ``<>;()[]`` (SICI DOIs such as
``10.1002/(SICI)1097-4636(199706)35:4<480::AID-JBM8>3.0.CO;2-E``), so finding one in prose
means trimming what prose puts around it: trailing punctuation and unbalanced closers.
See https://www.crossref.org/blog/dois-and-matching-regular-expressions/.
DOIs are case-insensitive (ANSI/NISO Z39.84); the normal form here is lower case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from refs.errors import InvalidDOI

__all__ = ["DOIMatch", "doi_problem", "find_dois", "is_doi", "normalize_doi"]

_PREFIXES = re.compile(
    r"^(?:https?://)?(?:(?:dx\.|www\.)?doi\.org/|doi\.org/)"
    r"|^(?:doi|urn:doi|info:doi)\s*[:/]\s*"
    r"|^doi\s+",
    re.IGNORECASE,
)
_SHAPE = re.compile(r"^10\.(\d+(?:\.\d+)*)/(.+)$", re.DOTALL)
# In running text the suffix stops at whitespace or a quote; an encoded slash (%2F) counts.
_IN_TEXT = re.compile(r"10\.\d{4,9}(?:\.\d+)*(?:/|%2[Ff])[^\s\"'\u201c\u201d\u2018\u2019]+")
_STUB = re.compile(r"10\.\d{4,9}(?:\.\d+)*/(?=\s+\S)")
"""A DOI cut right after its slash by a line break: ``10.1093/`` + ``nar/gkq1167``."""
_NEXT_TOKEN = re.compile(r"\s+([^\s\"'\u201c\u201d\u2018\u2019]+)")
_BREAK_AFTER = "./-_:;("
"""Characters a typesetter breaks a DOI after (a line may also start with ``.``)."""
_LABEL = re.compile(
    r"^(?:https?:|www\.|doi\b|10\.\d{4,}/|pmid|pmcid|pubmed|epub|available|accessed|retrieved)",
    re.IGNORECASE,
)
"""Tokens that start the next part of a reference: another identifier, a note."""
_YEAR = re.compile(r"\(?(?:1[5-9]|20)\d\d[a-z]?\)?")
_VOLUME_PAGES = re.compile(r"^\d+(?:\(\w+\))?[:;,]")
"""``12:34``, ``5(2);``: a volume and pages, not a DOI's rest."""
_TRAILING = ".,;:!?*"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


@dataclass(frozen=True, slots=True)
class DOIMatch:
    """A DOI found in text: its normal form and where it stood (``text[start:end]``)."""

    doi: str
    start: int
    end: int


def doi_problem(text: str) -> str | None:
    """Why ``text`` (after prefixes are stripped) is not a DOI, or ``None`` when it is one."""
    candidate = _strip_prefix(text.strip())
    if not candidate:
        return "it is empty"
    if not candidate.startswith("10."):
        return "a DOI starts with '10.'"
    match = _SHAPE.match(candidate)
    if match is None:
        if "/" not in candidate:
            return "a DOI has a '/' between prefix and suffix"
        return "the prefix after '10.' must be digits, e.g. 10.1000"
    registrant, suffix = match.groups()
    if len(registrant.split(".")[0]) < 4:
        return "the registrant code after '10.' has at least four digits"
    if any(ch.isspace() for ch in suffix):
        return "a DOI holds no whitespace"
    if any(unicodedata.category(ch).startswith("C") for ch in suffix):
        return "a DOI holds no control or invisible characters"
    if not suffix.strip("/"):
        return "the suffix after '/' is empty"
    return None


def is_doi(text: str) -> bool:
    """Whether ``text`` is a DOI, with or without a ``doi:`` or doi.org prefix."""
    return doi_problem(text) is None


def normalize_doi(text: str) -> str:
    """The normal form of a DOI: no prefix, URL-decoded, lower case.

    >>> normalize_doi("https://doi.org/10.1002/14651858.CD009790.pub2")
    '10.1002/14651858.cd009790.pub2'

    :raises InvalidDOI: with the reason, when the text is not a DOI.
    """
    raw = text
    candidate = _strip_prefix(unicodedata.normalize("NFC", text.strip()))
    if "%" in candidate:
        candidate = unquote(candidate)
    problem = doi_problem(candidate)
    if problem is not None:
        raise InvalidDOI(raw, problem)
    return candidate.lower()


def find_dois(text: str, *, across_breaks: bool = False) -> list[DOIMatch]:
    """Every DOI in ``text``, in order, each once per occurrence.

    ``across_breaks``: text out of a PDF, where a line break may have cut a DOI
    (``10.1016/j.`` / ``gaitpost.2004.05.005``); a piece after whitespace is joined when the
    break came after a character DOIs are broken at, or the piece holds a ``.`` or ``/``
    between word characters, when it cannot start the next part of the reference (a year, a
    number, a capitalised word, another identifier), and when the whole is a DOI.
    """
    if across_breaks:
        return _find_across_breaks(text)
    found: list[DOIMatch] = []
    for match in _IN_TEXT.finditer(text):
        candidate = _trim(match.group(0))
        if "%" in candidate:
            decoded = unquote(candidate)
            candidate_doi = _trim(decoded)
        else:
            candidate_doi = candidate
        if doi_problem(candidate_doi) is None:
            end = match.start() + len(candidate)
            found.append(DOIMatch(candidate_doi.lower(), match.start(), end))
    return found


def _find_across_breaks(text: str) -> list[DOIMatch]:
    found: list[DOIMatch] = []
    position = 0
    while True:
        match = _IN_TEXT.search(text, position)
        stub = _STUB.search(text, position)
        if stub and (match is None or stub.start() < match.start()):
            match = stub
        if match is None:
            return found
        raw, end = match.group(0), match.end()
        while (piece := _continuation(text, raw, end)) is not None:
            raw, end = raw + piece.group(1), piece.end()
        candidate = _trim(raw)
        decoded = _trim(unquote(candidate)) if "%" in candidate else candidate
        if doi_problem(decoded) is None:
            # The span runs over the break's whitespace, up to what _trim left.
            found.append(DOIMatch(decoded.lower(), match.start(), end - len(raw) + len(candidate)))
        position = max(end, match.start() + 1)


def _continuation(text: str, raw: str, end: int) -> re.Match[str] | None:
    """The next token when it continues the DOI ``raw`` across a line break, else ``None``."""
    piece = _NEXT_TOKEN.match(text, end)
    if piece is None:
        return None
    token = piece.group(1)
    core = token.lstrip("./").rstrip(".,;")
    if not core or _LABEL.match(core) or _VOLUME_PAGES.match(core):
        return None
    if re.match(r"[A-Z][a-z]", core):
        return None  # a capitalised word: "Nature", "Epub"
    broken_after = raw[-1] in _BREAK_AFTER or token[0] in "./"
    if core.isdigit():
        # "10.1371/journal.pbio." + "1001195"; but a year after a DOI that ends a sentence
        # starts the next part, unless nothing follows it ("jneurosci.1775-07." + "2007").
        at_end = not text[piece.end():].strip(" .,;)]")
        if not broken_after or (_YEAR.fullmatch(core) and not at_end):
            return None
    else:
        digits = re.search(r"\d", core) is not None
        inner = re.search(r"\w[./]\w", core) is not None
        if not ((broken_after and (digits or inner)) or (inner and digits)):
            return None  # "10.1000/xyz. in press": a word of the reference, not a DOI's piece
    if doi_problem(_trim(raw + token)) is not None:
        return None
    return piece


def _strip_prefix(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _PREFIXES.sub("", text, count=1).strip()
    return text


def _trim(candidate: str) -> str:
    """Drop what prose puts after a DOI: final punctuation and closers it never opened."""
    while candidate:
        last = candidate[-1]
        if last in _TRAILING:
            candidate = candidate[:-1]
        elif last in _PAIRS and candidate.count(last) > candidate.count(_PAIRS[last]):
            candidate = candidate[:-1]
        elif candidate.endswith(("&gt", "&lt")):
            candidate = candidate[:-3]
        else:
            break
    return candidate
