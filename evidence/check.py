"""Checking articles: read them, find claims, resolve references, link, audit.

Every input is read before anything is asked or stored, so a bad file stops the run whole
(exit 2) with nothing half-written. References are resolved together for all articles, so
one batch of list requests serves the whole run, and the store answers first.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles import (
    Article,
    ArticleFormat,
    Marker,
    decode_bytes,
    parse_bytes,
    read_article,
)
from evidence.articles.places import Places
from evidence.audit.findings import Finding
from evidence.audit.shown import audit_article
from evidence.checkconfig import DEFAULT_MAX_ARTICLE_MB, CheckConfig, find_suppressions
from evidence.claims import Thresholds, find_claims
from evidence.config import Settings
from evidence.errors import InputError, StoreError
from evidence.linking import ReferenceText, link_claims
from evidence.linking.references import written_first_author, written_year
from evidence.matching import MatchOutcome, match_references
from evidence.progress import Stages
from evidence.registry import registry_client
from evidence.resolver import OFFLINE_REASON, Claims, Resolution, SharedResolver, resolve_dois
from evidence.results import (
    ArticleResult,
    CheckResult,
    ClaimResult,
    ReferenceResult,
    UnknownCitation,
)
from evidence.store.newest import find_version
from evidence.store.saving import SAVE_ATTEMPTS, save_check
from evidence.vocabulary import ReferenceStatus
from evidence.wording import counted
from refs import RefsError, Work, doi_problem, normalize_doi
from refs.crossref.deadline import registry_deadline
from refs.match import ParsedReference, compare, parse_reference

if TYPE_CHECKING:  # the lock's reader and writer (tomli_w) load with `evidence lock` alone
    from evidence.lock import Lock, LockedWork
    from refs.crossref.client import CrossrefClient

__all__ = [
    "BIBLIOGRAPHY_SUFFIXES",
    "Bibliography",
    "CheckOptions",
    "Inputs",
    "RegistryAnswers",
    "WrittenReference",
    "ask_registry",
    "named_bibliography_paths",
    "audit_articles",
    "check_articles",
    "check_inputs",
    "check_locked",
    "check_parsed",
    "parse_bibliography",
    "parse_submitted",
    "read_bibliography_file",
    "read_inputs",
    "store_checks",
    "written_dois",
    "written_references",
]

UNVERIFIED_NOTE = ("some references could not be verified: the registry was not asked or did "
                   "not answer")
"""The run's note when a reference is unverified. Like every message of the core, it says what
happened and names no flag or command; the shell adds its own hint (``CheckOptions``)."""


BIBLIOGRAPHY_SUFFIXES: dict[str, ArticleFormat] = {
    ".bib": ArticleFormat.BIBTEX, ".json": ArticleFormat.CSL_JSON,
}
"""A path with one of these is a bibliography checked on its own: a reviewer's reference audit."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    bib: tuple[Path, ...] = ()
    refresh: bool = False
    config: CheckConfig | None = None
    max_article_mb: float = DEFAULT_MAX_ARTICLE_MB  # 0: no limit
    record: bool = True  # keep the articles, claims and links in the store (check_articles)
    progress: Stages | None = None  # told each stage of the run (a terminal's progress bars)
    # What the shell's user can do, in the shell's words (the CLI names its flags): added to
    # the refusal of an article over the size limit, and to the note on unverified references.
    raise_limit: str = "raise the limit"
    verify_hint: str | None = None


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
    problems: tuple[str, ...] = ()
    """What could not be read as written ("FILE:LINE: ... left out"), to be said once."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a check reads before it asks or stores anything: each article with its
    bibliographies, and notes on the files left out and why."""

    items: tuple[tuple[Article, tuple[Bibliography, ...]], ...]
    notes: tuple[str, ...] = ()


def read_inputs(
    paths: Sequence[Path], options: CheckOptions | None = None, *,
    optional: Collection[Path] = (),
) -> Inputs:
    """Read every input; a file that cannot be read stops the check (exit 2) unless it is
    in ``optional`` (found in a folder, not named): that one is reported and left out.

    An empty article gets a note saying so (and :func:`check_inputs` does not store it: an
    empty version of a document is no version). A bibliography found in a folder that an article
    of the run names in its front matter is audited with that article, not twice.
    """
    options = options or CheckOptions()
    extra = tuple(read_bibliography_file(path) for path in options.bib)
    items: list[tuple[Article, tuple[Bibliography, ...]]] = []
    notes: list[str] = []
    alone: list[Path] = []
    advance = _stage(options, f"reading {counted(len(paths), 'file')}", len(paths))
    for path in paths:
        advance(1)
        try:
            if path.suffix.lower() in BIBLIOGRAPHY_SUFFIXES:
                alone.append(path)
                continue
            article = read_article(path, max_bytes=_limit(options.max_article_mb),
                                   raise_limit=options.raise_limit)
            named = _named_bibliographies(article, extra)
        except InputError as exc:
            if path not in optional:
                raise
            notes.append(_skipped(path, exc))
            continue
        if not article.text.strip():
            notes.append(f"{path}: the article is empty; nothing to check, nothing stored")
        items.append((article, (*named, *extra)))
    named_paths = {(Path(a.path).parent / name).resolve()
                   for a, _ in items for name in a.bibliography}
    for path in alone:
        if path in optional and path.resolve() in named_paths:
            continue  # audited with the article that names it
        try:
            article, bibliographies = _bibliography_alone(path, extra)
        except InputError as exc:
            if path not in optional:
                raise
            notes.append(_skipped(path, exc))
            continue
        items.append((article, tuple(bibliographies)))
    said = {b.path: b.problems for _, bibs in items for b in bibs}  # a --bib is everyone's
    notes.extend(problem for problems in said.values() for problem in problems)
    return Inputs(items=tuple(items), notes=tuple(notes))


def _skipped(path: Path, exc: InputError) -> str:
    """Why a file found in a folder is left out, naming it once (most errors begin with it)."""
    return f"skipped {path}: {str(exc).removeprefix(f'{path}: ')}"


def _named_bibliographies(
    article: Article, extra: Sequence[Bibliography]
) -> list[Bibliography]:
    """The bibliographies an article's front matter names; ``--bib`` stands in for one that
    is missing, and when there is no ``--bib`` the error names the article and where it looked.
    """
    return [read_bibliography_file(target)
            for target in named_bibliography_paths(article, given=bool(extra))]


def named_bibliography_paths(article: Article, *, given: bool) -> list[Path]:
    """The files next to the article that its front matter (or ``\\bibliography``) names.

    :param given: bibliographies were given with ``--bib``: they stand in for a missing one.
    :raises InputError: a named file is missing and none was given.
    """
    folder = Path(article.path).parent
    found: list[Path] = []
    for name in article.bibliography:
        target = folder / name
        if target.is_file():
            found.append(target)
        elif not given:
            raise InputError(f"{article.path} names the bibliography {name!r} in its front "
                             f"matter, but {target} does not exist; give the file with --bib")
    return found


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
    return await check_inputs(read_inputs(paths, options), settings=settings,
                              sessions=sessions, options=options, client=client)


async def check_inputs(
    inputs: Inputs,
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions | None = None,
    client: CrossrefClient | None = None,
) -> CheckResult:
    """Check what :func:`read_inputs` read, then store it (``options.record``) in one go."""
    options = options or CheckOptions()
    result = await check_parsed(inputs.items, settings=settings, sessions=sessions,
                                options=options, client=client)
    if options.record:
        _stage(options, "storing", 1)
        store_checks(sessions, [(article, checked) for (article, _), checked
                                in zip(inputs.items, result.articles, strict=True)
                                if article.text.strip()])
    return replace(result, notes=(*inputs.notes, *result.notes))


def store_checks(
    sessions: sessionmaker[Session], checked: Sequence[tuple[Article, ArticleResult]]
) -> None:
    """Store every article of a run in one transaction, at the end of the run.

    An interrupted or failed run then leaves nothing of itself behind: a store holding half
    the articles of a check (or an article without its claims) would look like a finished one.
    """
    for _ in range(SAVE_ATTEMPTS):
        try:
            with sessions.begin() as session:
                for article, result in checked:
                    if find_version(session, name=article.path, text=article.text) is None:
                        save_check(session, article, result, name=article.path)
            return
        except IntegrityError:
            continue  # another writer stored a version of one of them first: again on top
    raise StoreError(f"could not store this check: other versions of its articles were stored "
                     f"at the same time {SAVE_ATTEMPTS} times; try again")


async def check_parsed(
    inputs: Sequence[tuple[Article, Sequence[Bibliography]]],
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions | None = None,
    client: CrossrefClient | None = None,
    claims: Claims | None = None,
) -> CheckResult:
    """Check articles already read, each with its bibliographies.

    ``claims``: DOIs other processes are asking for (check jobs on several workers).
    """
    options = options or CheckOptions()
    articles = [article for article, _ in inputs]
    written = [written_references(a, bibs) for a, bibs in inputs]
    answers = await ask_registry(written, settings=settings, sessions=sessions, options=options,
                                 client=client, claims=claims)
    return audit_articles(articles, written, answers, options)


@dataclass(frozen=True, slots=True)
class RegistryAnswers:
    """What the store or the registry said of each written reference: by normalised DOI, and
    by text for those written without one."""

    resolutions: dict[str, Resolution]
    matches: dict[str, MatchOutcome]


async def ask_registry(
    written: Sequence[Sequence[WrittenReference]],
    *,
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions | None = None,
    client: CrossrefClient | None = None,
    claims: Claims | None = None,
    shared: SharedResolver | None = None,
) -> RegistryAnswers:
    """Every reference's answer, from the store first, then the registry (``client``; one of
    the run's own when None and not offline), within one wait for the whole check.

    ``claims``: DOIs other processes are asking for (check jobs on several workers);
    ``shared``: a worker's resolver of the DOIs of all its jobs at once.
    """
    options = options or CheckOptions()
    # One wait for the whole check (DOIs, then searches): past it, what is left is unverified.
    with registry_deadline(settings.registry_wait):
        if client is None and not settings.offline:
            async with registry_client(settings) as own:
                return await _ask(written, settings, sessions, options, own, claims, shared)
        return await _ask(written, settings, sessions, options, client, claims, shared)



async def _ask(
    written: Sequence[Sequence[WrittenReference]],
    settings: Settings,
    sessions: sessionmaker[Session],
    options: CheckOptions,
    client: CrossrefClient | None,
    claims: Claims | None = None,
    shared: SharedResolver | None = None,
) -> RegistryAnswers:
    dois = list(dict.fromkeys(r.doi for refs in written for r in refs if r.doi))
    advance = _stage(options, f"resolving {counted(len(dois), 'DOI')}", len(dois))
    resolutions = {
        r.doi: r
        for r in await resolve_dois(dois, sessions=sessions, settings=settings,
                                    refresh=options.refresh, client=client, progress=advance,
                                    claims=claims, shared=shared)
    }
    undoi = [(r.text, r.written if isinstance(r.written, ParsedReference) else None)
             for refs in written for r in refs if not r.doi and not r.doi_text]
    advance = _stage(options, f"matching {counted(len(undoi), 'reference')} without a DOI",
                     len(undoi))
    matches = await match_references(undoi, sessions=sessions, refresh=options.refresh,
                                     client=None if settings.offline else client,
                                     offline_reason=OFFLINE_REASON)
    advance(len(undoi))
    return RegistryAnswers(resolutions=resolutions, matches=matches)


def audit_articles(
    articles: Sequence[Article],
    written: Sequence[Sequence[WrittenReference]],
    answers: RegistryAnswers,
    options: CheckOptions | None = None,
) -> CheckResult:
    """Claims, links and findings, once every reference has its answer (registry or lock).

    Pure CPU and no I/O: the service runs it in a worker process (``evidence.checksteps``).
    """
    options = options or CheckOptions()
    resolutions, matches = answers.resolutions, answers.matches
    results: list[ArticleResult] = []
    findings: list[Finding] = []
    problems: list[str] = []
    advance = _stage(options, f"finding claims in {counted(len(articles), 'article')}",
                     len(articles))
    for article, refs in zip(articles, written, strict=True):
        advance(1)
        # What the reader could not take as it was (an encoding guessed, notes left out).
        problems.extend(f"{article.path}: {problem}" for problem in article.problems)
        references = [_reference(r, resolutions, matches) for r in refs]
        thresholds = options.config.claim_thresholds() if options.config else None
        result = _article_result(article, refs, references, _inferred_threshold(options),
                                 thresholds)
        seen = audit_article(result, find_suppressions(
            article.text, latex=article.format is ArticleFormat.LATEX), config=options.config)
        findings.extend(seen.findings)
        problems.extend(seen.problems)
        results.append(seen.article)
    unverified = any(r.status == "unverified" for a in results for r in a.references)
    notes = (*problems, *((_unverified_note(options),) if unverified else ()))
    return CheckResult(articles=tuple(results), findings=tuple(findings), notes=notes)


def _unverified_note(options: CheckOptions) -> str:
    return f"{UNVERIFIED_NOTE}; {options.verify_hint}" if options.verify_hint else UNVERIFIED_NOTE


# --- answered from evidence.lock (`evidence check --locked`) ------------------------------


def check_locked(inputs: Inputs, lock: Lock, options: CheckOptions | None = None, *,
                 lockfile: str = "evidence.lock") -> CheckResult:
    """Check what :func:`read_inputs` read with every reference answered from ``lock``:
    no registry, no store. The audit is the same as a check's, so are the findings.

    :raises InputError: a reference the lock does not answer (named, with where it is
        written): the lock was made for other articles; write it again with `evidence lock`.
    """
    options = options or CheckOptions()
    articles = [article for article, _ in inputs.items]
    written = [written_references(a, bibs) for a, bibs in inputs.items]
    resolutions: dict[str, Resolution] = {}
    matches: dict[str, MatchOutcome] = {}
    missing: list[str] = []
    for ref in (r for refs in written for r in refs):
        if ref.doi:
            entry = lock.works.get(ref.doi)
            if entry is None:
                missing.append(f"{ref.path}:{ref.line}: doi:{ref.doi}")
            else:
                resolutions[ref.doi] = _locked_resolution(entry)
        elif not ref.doi_text:
            outcome = _locked_match(lock, ref.text)
            if outcome is None:
                missing.append(f"{ref.path}:{ref.line}: {ref.text[:60]!r} (no DOI written)")
            else:
                matches[ref.text] = outcome
    if missing:
        raise InputError(f"{counted(len(missing), 'reference')} not in {lockfile}: "
                         + "; ".join(missing[:10]) + "; run `evidence lock` again and commit it")
    result = audit_articles(articles, written, RegistryAnswers(resolutions, matches),
                            options)
    return replace(result, notes=(*inputs.notes, *result.notes))


def _locked_resolution(entry: LockedWork) -> Resolution:
    if entry.status == "resolved":
        return Resolution(entry.doi, ReferenceStatus.RESOLVED, work=entry.work, cached=True)
    return Resolution(entry.doi, ReferenceStatus.NOT_FOUND, reason=entry.reason, cached=True)


def _locked_match(lock: Lock, text: str) -> MatchOutcome | None:
    match = lock.matches.get(text)
    if match is None:
        return None
    if match.status == "no-doi" or match.doi is None:
        return MatchOutcome(ReferenceStatus.NO_DOI, confidence=match.confidence)
    entry = lock.works.get(match.doi)
    if entry is None or entry.work is None:
        return None
    return MatchOutcome(ReferenceStatus.MATCHED, match.doi, entry.work, match.confidence)


def _stage(options: CheckOptions, label: str, total: int) -> Callable[[int], None]:
    if options.progress is None:
        return _nothing
    return options.progress.stage(label, total)


def _nothing(count: int) -> None:
    return None


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


def written_dois(article: Article, bibliographies: Sequence[Bibliography] = ()) -> list[str]:
    """The valid DOIs the article's reference list and its bibliographies write, normalised,
    once each: what a check of it asks the registry for (no reference is parsed)."""
    written = [e.doi for e in article.references]
    written += [e.doi for b in bibliographies for e in b.entries]
    return list(dict.fromkeys(normalize_doi(d) for d in written if d and doi_problem(d) is None))


def parse_submitted(
    data: bytes, *, name: str, format: str | None = None,
    bibliographies: Sequence[tuple[str, str]] = (), named: bool = True,
) -> tuple[Article, list[Bibliography]]:
    """An article (or a bibliography checked alone) from the bytes a check job carries: its
    own file and the bibliography files that came with it (``(name, text)``; those it names
    and those given with ``--bib``, found by the submitter as :func:`read_inputs` finds them).
    No other file is read: an article naming a bibliography that did not come with it is
    refused.

    :param format: the article's format, when ``name``'s extension does not say it.
    :param named: the article must come with a bibliography when it names one (a job of
        ``evidence submit``, which finds them beside it). False for a job from the service,
        which takes a bibliography only as a field: one the article names is not asked for,
        as the service's check in the request does not ask for it.
    :raises InputError: the bytes are not a readable file of that format.
    """
    path = Path(name)
    carried = [parse_bibliography(text, path=file, format=_bib_format(Path(file)))
               for file, text in bibliographies]
    if path.suffix.lower() in BIBLIOGRAPHY_SUFFIXES:
        text = decode_bytes(data, path=name)[0]
        fmt = _bib_format(path)
        article = Article(path=name, format=fmt, title=None, text=text, sentences=(),
                          references=(), bibliography=(), problems=())
        return article, [parse_bibliography(text, path=name, format=fmt), *carried]
    article = parse_bytes(data, path=name, format=format)
    if named and article.bibliography and not carried:
        raise InputError(f"{name} names the bibliography {article.bibliography[0]!r} in its "
                         "front matter, but the job carries no bibliography file: submit it "
                         "from the article's folder, or give the file with --bib")
    return article, carried


def _bibliography_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"bibliography {path} does not exist")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read bibliography {path}: {exc}") from exc
    return decode_bytes(data, path=str(path))[0]


def _bib_format(path: Path) -> ArticleFormat:
    return ArticleFormat.CSL_JSON if path.suffix.lower() == ".json" else ArticleFormat.BIBTEX


def parse_bibliography(text: str, *, path: str, format: str = "bibtex") -> Bibliography:
    """Bibliography text as references; a text that is not BibTeX/CSL-JSON at all is refused."""
    # Imported here: most checks have no bibliography file, and these readers cost ~0.04 s.
    from refs.bibtex import read_bibtex
    from refs.csl import read_csl_json

    items: list[tuple[str, Work, int | None, str | None]]
    try:
        if format == "csl-json":
            csl = read_csl_json(text, path=path)
            items = [(key, work, None, _csl_doi(work)) for key, work in csl.items]
            problems = csl.problems
        else:
            result = read_bibtex(text, path=path)
            items = [(e.key, e.work, e.line, e.fields.get("doi") or e.work.doi)
                     for e in result.entries]
            problems = result.problems
    except RefsError as exc:
        raise InputError(str(exc)) from exc
    entries = tuple(
        WrittenReference(text=_bib_text(work) or key, line=line or 1, path=path, written=work,
                         key=key or None, doi=work.doi, doi_text=doi_text)
        for key, work, line, doi_text in items
    )
    said = tuple(f"{path}:{p.line}: {p.message}" if p.line else f"{path}: {p.message}"
                 for p in problems)
    return Bibliography(path=path, entries=entries, problems=said)


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
    base = ReferenceResult(text=ref.text, line=ref.line, doi=ref.doi, status=ReferenceStatus.NO_DOI,
                           written_doi=ref.doi_text, key=ref.key or ref.label, path=ref.path)
    if ref.doi_text and not ref.doi:
        return replace(base, doi=ref.doi_text, status=ReferenceStatus.INVALID,
                       reason=doi_problem(ref.doi_text) or "not a DOI")
    if ref.doi:
        resolution = resolutions[ref.doi]
        if resolution.status == "resolved" and resolution.work is not None:
            mismatches = tuple(compare(ref.written, resolution.work))
            return replace(base, status=ReferenceStatus.RESOLVED, work=resolution.work,
                           mismatches=mismatches)
        return replace(base, status=resolution.status, reason=resolution.reason)
    found = matches[ref.text]
    return replace(base, status=found.status, doi=found.doi, work=found.work,
                   confidence=found.confidence, reason=found.reason)


def _inferred_threshold(options: CheckOptions) -> float | None:
    """The ``inferred-threshold`` setting, else ``None``: the ranker's calibrated default for
    each kind of article."""
    config = options.config
    return None if config is None else config.inferred_threshold


def _article_result(
    article: Article, written: Sequence[WrittenReference], references: list[ReferenceResult],
    inferred_threshold: float | None = None,
    thresholds: Thresholds | None = None,
) -> ArticleResult:
    verdicts = find_claims(article, thresholds=thresholds)
    texts = [_reference_text(w, r) for w, r in zip(written, references, strict=True)]
    linked = link_claims(article, texts, claims=[v.needs_support for _, v in verdicts],
                         ranked_threshold=inferred_threshold)
    places = Places(article)
    claims = tuple(
        ClaimResult(text=sentence.text, line=sentence.line, needs_support=verdict.needs_support,
                    reasons=verdict.reasons, sources=linked.links.get(index, ()),
                    score=verdict.score, place=places.at(sentence.start))
        for index, (sentence, verdict) in enumerate(verdicts)
        if sentence.kind != "heading"
    )
    unknown = tuple(
        UnknownCitation(marker=m.text, target=t, line=m.line,
                        place=places.at(m.start) if isinstance(m, Marker) else
                        places.of_line(m.line))
        for m, t in linked.unknown
    )
    placed = tuple(
        replace(r, place=places.of_line(r.line)) if r.path in (None, article.path) else r
        for r in references
    )
    return ArticleResult(path=article.path, title=article.title, claims=claims,
                         references=placed, format=article.format,
                         unknown_citations=unknown)


def _reference_text(written: WrittenReference, result: ReferenceResult) -> ReferenceText:
    """What the linker knows of a reference. Without a registry record, the written text only:
    a title read from it would make marker scores (and `weak-support`) rest on the writer's
    own words. The first author and the year are another matter: an author-year marker names
    the reference by them, so with no record (offline, not found) they are read from the
    reference as written, and ``(Hayden et al., 2021)`` still finds its reference."""
    work = result.work
    own_first, own_year = _written_author_year(written.written)
    first = (work.first_author.sort_name or None) if work and work.first_author else None
    return ReferenceText(
        text=written.text,
        title=work.title if work else None,
        container=work.container_title if work else None,
        abstract=work.abstract if work else None,
        label=written.label,
        key=written.key,
        doi=result.doi,
        first_author=first or own_first,
        year=(work.year if work else None) or own_year,
    )


def _written_author_year(written: Work | ParsedReference) -> tuple[str | None, int | None]:
    """The first author's family name and the year as the reference writes them: a
    bibliography file's entry has them as fields, a reference list's text is parsed (and
    where the parser places neither, read as the linker reads a bare text: benchmarks/
    author_year_offline.py)."""
    if isinstance(written, Work):
        person = written.first_author
        return (person.sort_name or None) if person else None, written.year
    return (written.first_author or written_first_author(written.text),
            written.year or written_year(written.text))
