"""Checking articles: read them, find claims, resolve references, link, audit.

Every input is read before anything is asked or stored, so a bad file stops the run whole
(exit 2) with nothing half-written. References are resolved together for all articles, so
one batch of list requests serves the whole run, and the store answers first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from evidence.articles import Article, ArticleFormat, decode_bytes, read_article
from evidence.audit.rules import audit
from evidence.checkconfig import (
    DEFAULT_MAX_ARTICLE_MB,
    CheckConfig,
    apply_config,
    apply_suppressions,
    find_suppressions,
    suppression_problems,
)
from evidence.claims import Thresholds, find_claims
from evidence.config import Settings
from evidence.errors import InputError
from evidence.linking import ReferenceText, link_claims
from evidence.matching import MatchOutcome, match_references
from evidence.resolver import OFFLINE_HINT, Resolution, crossref_settings, resolve_dois
from evidence.results import (
    ArticleResult,
    CheckResult,
    ClaimResult,
    ReferenceResult,
    UnknownCitation,
)
from evidence.store.articles import store_check
from refs import RefsError, Work, doi_problem
from refs.match import ParsedReference, compare, parse_reference

if TYPE_CHECKING:
    from refs.crossref.client import CrossrefClient

__all__ = [
    "BIBLIOGRAPHY_SUFFIXES",
    "Bibliography",
    "CheckOptions",
    "WrittenReference",
    "check_articles",
    "check_parsed",
    "parse_bibliography",
    "read_bibliography_file",
    "written_references",
]

WARM_HINT = (
    "some references could not be verified; run `evidence check` once with network access "
    "(or `evidence resolve`) to warm the store, after which checks need no network"
)


BIBLIOGRAPHY_SUFFIXES: dict[str, ArticleFormat] = {".bib": "bibtex", ".json": "csl-json"}
"""A path with one of these is a bibliography checked on its own: a reviewer's reference audit."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    bib: tuple[Path, ...] = ()
    refresh: bool = False
    config: CheckConfig | None = None
    max_article_mb: float = DEFAULT_MAX_ARTICLE_MB  # 0: no limit
    record: bool = True  # keep the articles, claims and links in the store (check_articles)


@dataclass(frozen=True, slots=True)
class WrittenReference:
    """A reference as written, in the article or in a bibliography file."""

    text: str
    line: int
    path: str
    written: Work | ParsedReference
    key: str | None = None
    label: str | None = None
    doi: str | None = None  # normalised, when the written DOI is valid
    doi_text: str | None = None  # as written, when there is one


@dataclass(frozen=True, slots=True)
class Bibliography:
    """The entries of a bibliography file (BibTeX or CSL-JSON) given with an article."""

    path: str
    entries: tuple[WrittenReference, ...]


async def check_articles(
    paths: Sequence[Path],
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions | None = None,
    client: CrossrefClient | None = None,
) -> CheckResult:
    """Check article files; the result carries the findings after config and suppressions."""
    options = options or CheckOptions()
    extra = [read_bibliography_file(path) for path in options.bib]
    inputs = []
    for path in paths:
        if path.suffix.lower() in BIBLIOGRAPHY_SUFFIXES:
            inputs.append(_bibliography_alone(path, extra))
            continue
        article = read_article(path, max_bytes=_limit(options.max_article_mb),
                               raise_limit=RAISE_LIMIT)
        folder = Path(article.path).parent
        named = [read_bibliography_file(folder / name) for name in article.bibliography]
        inputs.append((article, [*named, *extra]))
    result = await check_parsed(inputs, settings=settings, sessions=sessions, options=options,
                                client=client)
    if options.record:
        for (article, _), checked in zip(inputs, result.articles, strict=True):
            store_check(sessions, article, checked, name=article.path)
    return result


async def check_parsed(
    inputs: Sequence[tuple[Article, Sequence[Bibliography]]],
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions | None = None,
    client: CrossrefClient | None = None,
) -> CheckResult:
    """Check articles already read, each with its bibliographies."""
    options = options or CheckOptions()
    articles = [article for article, _ in inputs]
    written = [written_references(a, bibs) for a, bibs in inputs]
    if client is None and not settings.offline:
        from refs.crossref.client import CrossrefClient

        async with CrossrefClient(crossref_settings(settings)) as own:
            return await _check(articles, written, settings, sessions, options, own)
    return await _check(articles, written, settings, sessions, options, client)


async def _check(
    articles: list[Article],
    written: list[list[WrittenReference]],
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions,
    client: CrossrefClient | None,
) -> CheckResult:
    dois = list(dict.fromkeys(r.doi for refs in written for r in refs if r.doi))
    resolutions = {
        r.doi: r
        for r in await resolve_dois(dois, sessions=sessions, settings=settings,
                                    refresh=options.refresh, client=client)
    }
    undoi = [(r.text, r.written if isinstance(r.written, ParsedReference) else None)
             for refs in written for r in refs if not r.doi and not r.doi_text]
    matches = await match_references(undoi, sessions=sessions, refresh=options.refresh,
                                     client=None if settings.offline else client,
                                     offline_reason=OFFLINE_HINT)
    results: list[ArticleResult] = []
    findings = []
    problems: list[str] = []
    for article, refs in zip(articles, written, strict=True):
        references = [_reference(r, resolutions, matches) for r in refs]
        thresholds = options.config.claim_thresholds() if options.config else None
        result = _article_result(article, refs, references, thresholds)
        suppressions = find_suppressions(article.text)
        kept, _ = apply_suppressions(audit(result), suppressions, path=article.path)
        findings.extend(kept)
        problems.extend(suppression_problems(suppressions, article.path))
        results.append(result)
    if options.config is not None:
        findings = apply_config(findings, options.config)
    unverified = any(r.status == "unverified" for a in results for r in a.references)
    notes = (*problems, *((WARM_HINT,) if unverified else ()))
    return CheckResult(articles=tuple(results), findings=tuple(findings), notes=notes)


RAISE_LIMIT = "use --max-article-size MB (or max-article-size in [tool.evidence]; 0: no limit)"


def _limit(megabytes: float) -> int | None:
    return int(megabytes * 1_000_000) if megabytes > 0 else None


def written_references(
    article: Article, bibliographies: Sequence[Bibliography] = ()
) -> list[WrittenReference]:
    """The article's reference list, then the entries of its bibliographies."""
    out = [
        WrittenReference(
            text=entry.text, line=entry.line, path=article.path,
            written=parse_reference(entry.text), key=entry.key, label=entry.label,
            doi=entry.doi, doi_text=entry.doi_text,
        )
        for entry in article.references
    ]
    for bibliography in bibliographies:
        out.extend(bibliography.entries)
    return out


def read_bibliography_file(path: Path) -> Bibliography:
    """A .bib or CSL-JSON file named with ``--bib`` or in front matter."""
    return parse_bibliography(_bibliography_text(path), path=str(path), format=_bib_format(path))


def _bibliography_alone(
    path: Path, extra: Sequence[Bibliography]
) -> tuple[Article, list[Bibliography]]:
    """A bibliography checked as an article with no sentences, its entries the references.

    The article's text is the file's, so inline suppressions in its comments apply.
    """
    text = _bibliography_text(path)
    fmt = _bib_format(path)
    bibliography = parse_bibliography(text, path=str(path), format=fmt)
    article = Article(path=str(path), format=fmt, title=None, text=text, sentences=(),
                      references=(), bibliography=(), problems=())
    return article, [bibliography, *extra]


def _bibliography_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"bibliography {path} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read bibliography {path}: {exc}") from exc
    return decode_bytes(data, path=str(path))[0]


def _bib_format(path: Path) -> ArticleFormat:
    return "csl-json" if path.suffix.lower() == ".json" else "bibtex"


def parse_bibliography(text: str, *, path: str, format: str = "bibtex") -> Bibliography:
    """Bibliography text as references; a text that is not BibTeX/CSL-JSON at all is refused."""
    # Imported here: most checks have no bibliography file, and these readers cost ~0.04 s.
    from refs.bibtex import read_bibtex
    from refs.csl import read_csl_json

    items: list[tuple[str, Work, int | None, str | None]]
    try:
        if format == "csl-json":
            items = [(key, work, None, _csl_doi(work))
                     for key, work in read_csl_json(text, path=path).items]
        else:
            result = read_bibtex(text, path=path)
            items = [(e.key, e.work, e.line, e.fields.get("doi") or e.work.doi)
                     for e in result.entries]
    except RefsError as exc:
        raise InputError(str(exc)) from exc
    entries = tuple(
        WrittenReference(text=_bib_text(work) or key, line=line or 1, path=path, written=work,
                         key=key or None, doi=work.doi, doi_text=doi_text)
        for key, work, line, doi_text in items
    )
    return Bibliography(path=path, entries=entries)


def _csl_doi(work: Work) -> str | None:
    value = (work.raw or {}).get("DOI")
    return str(value) if value else work.doi


def _bib_text(work: Work) -> str:
    author = work.first_author.sort_name if work.first_author else ""
    parts = [author + (" et al." if len(work.authors) > 1 else ""), f"({work.year})"
             if work.year else "", work.title, work.container_title or ""]
    return " ".join(p for p in parts if p).strip()


def _reference(
    ref: WrittenReference,
    resolutions: dict[str, Resolution],
    matches: dict[str, MatchOutcome],
) -> ReferenceResult:
    base = ReferenceResult(text=ref.text, line=ref.line, doi=ref.doi, status="no-doi",
                           written_doi=ref.doi_text, key=ref.key or ref.label, path=ref.path)
    if ref.doi_text and not ref.doi:
        return replace(base, doi=ref.doi_text, status="invalid",
                       reason=doi_problem(ref.doi_text) or "not a DOI")
    if ref.doi:
        resolution = resolutions[ref.doi]
        if resolution.status == "resolved" and resolution.work is not None:
            mismatches = tuple(compare(ref.written, resolution.work))
            return replace(base, status="resolved", work=resolution.work, mismatches=mismatches)
        return replace(base, status=resolution.status, reason=resolution.reason)
    found = matches[ref.text]
    return replace(base, status=found.status, doi=found.doi, work=found.work,
                   confidence=found.confidence, reason=found.reason)


def _article_result(
    article: Article, written: list[WrittenReference], references: list[ReferenceResult],
    thresholds: Thresholds | None = None,
) -> ArticleResult:
    verdicts = find_claims(article, thresholds=thresholds)
    texts = [_reference_text(w, r) for w, r in zip(written, references, strict=True)]
    linked = link_claims(article, texts, claims=[v.needs_support for _, v in verdicts])
    claims = tuple(
        ClaimResult(text=sentence.text, line=sentence.line, needs_support=verdict.needs_support,
                    reasons=verdict.reasons, sources=linked.links.get(index, ()),
                    score=verdict.score)
        for index, (sentence, verdict) in enumerate(verdicts)
        if sentence.kind != "heading"
    )
    unknown = tuple(
        UnknownCitation(marker=m.text, target=t, line=m.line) for m, t in linked.unknown
    )
    return ArticleResult(path=article.path, title=article.title, claims=claims,
                         references=tuple(references), format=article.format,
                         unknown_citations=unknown)


def _reference_text(written: WrittenReference, result: ReferenceResult) -> ReferenceText:
    """What the linker knows of a reference. Without a registry record, the written text only:
    a title read from it would make marker scores (and `weak-support`) rest on the writer's
    own words."""
    work = result.work
    first = work.first_author.sort_name if work and work.first_author else None
    return ReferenceText(
        text=written.text,
        title=work.title if work else None,
        container=work.container_title if work else None,
        abstract=work.abstract if work else None,
        label=written.label,
        key=written.key,
        doi=result.doi,
        first_author=first,
        year=work.year if work else None,
    )
