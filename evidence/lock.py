"""``evidence.lock``: what a check relied on, so that later checks can rely on it alone.

The lock holds, for every DOI the checked articles cite, the registry's answer (the record's
fields that the audit and the linker read, its retraction and correction notices, a digest of
the whole record and when it was fetched), and for every reference written without a DOI the
DOI it was matched to. ``evidence check --locked`` answers from it with no network and no
store; ``evidence lock --verify`` asks the registry whether it still holds.

TOML, not JSON: one key per line with no trailing commas to churn, native datetimes, a comment
header, and the same format as pyproject.toml. Keys and entries are sorted, and nothing in it
changes between two runs on the same answers (no "written at"), so a diff shows only what the
registry changed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import tomli_w

from evidence.errors import InputError
from evidence.results import CheckResult
from refs import PartialDate, Person, Update, Work

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DEFAULT_LOCKFILE",
    "LOCK_VERSION",
    "Lock",
    "LockedMatch",
    "LockedWork",
    "dumps_lock",
    "fetched_times",
    "lock_from_check",
    "loads_lock",
    "read_lock",
    "record_digest",
    "work_from_table",
    "work_to_table",
]

DEFAULT_LOCKFILE = Path("evidence.lock")
LOCK_VERSION = 1
HEADER = (
    "# evidence.lock: the registry's answers a check relied on, written by `evidence lock`.\n"
    "# Commit it. `evidence check --locked` answers from it alone (no network, no store);\n"
    "# `evidence lock --verify` asks the registry whether it still holds.\n"
)
NOT_FOUND = "the registry had no such DOI when the lock was written"
VOLATILE = frozenset({"indexed", "score", "is-referenced-by-count"})
"""Record fields the registry changes without the work changing (re-indexing, citation
counts, search scores): left out of the digest, or every verify would report a change."""
DATE_KEYS = ("issued", "published", "published-print", "published-online")
"""The record's dates the audit reads (every year the registry gives, refs.match.score)."""


@dataclass(frozen=True, slots=True)
class LockedWork:
    """The registry's answer about one DOI, as locked."""

    doi: str
    status: Literal["resolved", "not-found"]
    work: Work | None = None
    reason: str | None = None  # for not-found
    fetched: datetime | None = None
    digest: str | None = None
    cited_in: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LockedMatch:
    """What a reference written without a DOI was matched to (``doi`` None: no match)."""

    text: str
    status: Literal["matched", "no-doi"]
    doi: str | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Lock:
    works: Mapping[str, LockedWork]
    matches: Mapping[str, LockedMatch]


# --- from a check ------------------------------------------------------------------------


def lock_from_check(result: CheckResult, fetched: Mapping[str, datetime], *,
                    offline: bool = False) -> Lock:
    """The lock of a check's answers; ``fetched`` gives when each DOI was asked (the store's).

    :param offline: the check asked no registry (``--offline``), which the refusal says.
    :raises InputError: a reference is unverified: a lock must not make "could not ask" the
        answer every later check gets. Nothing is locked then.
    """
    unverified = [f"{r.path or a.path}:{r.line}: {r.doi or _short(r.text)}"
                  for a in result.articles for r in a.references if r.status == "unverified"]
    if unverified:
        shown = unverified[:5]
        more = [f"and {len(unverified) - len(shown)} more"] if len(unverified) > len(shown) else []
        what = "reference" if len(unverified) == 1 else "references"
        # Offline, "run again when it answers" would be waited for in vain: the registry
        # was never asked, and the store had no answer of its own.
        why, then = ((f"with --offline, the store holds no answer of the registry for "
                      f"{len(unverified)} {what}", "run `evidence lock` without --offline")
                     if offline else
                     (f"the registry could not be asked about {len(unverified)} {what}",
                      "run again when it answers"))
        raise InputError(f"could not lock: {why}, so nothing was written: "
                         + "; ".join([*shown, *more]) + f"; {then}")
    works: dict[str, LockedWork] = {}
    cited: dict[str, set[str]] = {}
    matches: dict[str, LockedMatch] = {}
    for article in result.articles:
        for ref in article.references:
            if ref.status in ("resolved", "matched") and ref.work is not None and ref.doi:
                works[ref.doi] = LockedWork(ref.doi, "resolved", work=ref.work,
                                            fetched=fetched.get(ref.doi),
                                            digest=record_digest(ref.work.raw))
            elif ref.status == "not-found" and ref.doi:
                # The registry's reason is left out: it differs between a fresh answer and a
                # stored one, and the lock must not change when the answer did not.
                works[ref.doi] = LockedWork(ref.doi, "not-found", reason=NOT_FOUND,
                                            fetched=fetched.get(ref.doi))
            if ref.doi and ref.status != "invalid":
                cited.setdefault(ref.doi, set()).add(ref.path or article.path)
            if ref.status == "matched":
                matches[ref.text] = LockedMatch(ref.text, "matched", ref.doi, ref.confidence)
            elif ref.status == "no-doi":
                matches[ref.text] = LockedMatch(ref.text, "no-doi", confidence=ref.confidence)
    works = {doi: _with_cited(entry, cited.get(doi, ())) for doi, entry in works.items()}
    return Lock(works=works, matches=matches)


def _with_cited(entry: LockedWork, paths: Iterable[str]) -> LockedWork:
    return replace(entry, cited_in=tuple(sorted({_relative(p) for p in paths})))


def _relative(path: str) -> str:
    """A path under the working folder relative to it: the lock is committed and read on
    other machines, where an absolute path means nothing."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def record_digest(raw: Mapping[str, Any] | None) -> str | None:
    """SHA-256 of the registry record (canonical JSON, volatile fields left out)."""
    if raw is None:
        return None
    kept = {k: v for k, v in raw.items() if k not in VOLATILE}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- writing -----------------------------------------------------------------------------


def dumps_lock(lock: Lock) -> str:
    """The lock file's text: sorted, so that the same answers give the same bytes."""
    works = {doi: _entry_table(lock.works[doi]) for doi in sorted(lock.works)}
    matches = [_drop_none({"text": m.text, "status": m.status, "doi": m.doi,
                           "confidence": m.confidence})
               for _, m in sorted(lock.matches.items())]
    document: dict[str, Any] = {"version": LOCK_VERSION}
    if matches:
        document["match"] = matches
    document["works"] = works
    return HEADER + "\n" + tomli_w.dumps(document)


def _entry_table(entry: LockedWork) -> dict[str, Any]:
    head: dict[str, Any] = {"status": entry.status}
    if entry.work is not None:
        head |= {"retracted": entry.work.retracted, "corrected": entry.work.corrected}
    head |= _drop_none({"fetched": _seconds(entry.fetched), "digest": entry.digest})
    if entry.cited_in:
        head["cited-in"] = list(entry.cited_in)
    if entry.work is not None:
        head |= work_to_table(entry.work)
    return head


def _seconds(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)  # the store's UTC
    return aware.astimezone(UTC).replace(microsecond=0)


def work_to_table(work: Work) -> dict[str, Any]:
    """The fields of ``work`` that the audit and the linker read, as TOML values."""
    raw = work.raw or {}
    dates = {key: _date_text(raw.get(key)) for key in DATE_KEYS}
    table = {
        "title": work.title,
        "title-raw": work.title_raw if work.title_raw != work.title else None,
        "issued": work.issued.isoformat() if work.issued else None,
        "type": work.type,
        "authors": [_drop_none({"family": p.family, "given": p.given, "literal": p.literal,
                                "orcid": p.orcid}) for p in work.authors],
        "container": work.container_title,
        "short-container": work.short_container_title,
        "volume": work.volume,
        "issue": work.issue,
        "pages": work.pages,
        "publisher": work.publisher,
        "issn": list(work.issn),
        "url": work.url,
        "updates": [_update_table(u) for u in work.updates],
        "notice-of": [_update_table(u) for u in work.notice_of],
        "dates": _drop_none(dates),
        "abstract": work.abstract,
    }
    return {k: v for k, v in table.items() if v not in (None, [], {})}


def _update_table(update: Update) -> dict[str, Any]:
    return _drop_none({"kind": update.kind, "doi": update.doi, "source": update.source,
                       "date": update.date.isoformat() if update.date else None,
                       "label": update.label})


def _date_text(value: Any) -> str | None:
    parts = value.get("date-parts") if isinstance(value, Mapping) else None
    date = PartialDate.from_parts(parts[0]) if parts and parts[0] else None
    return date.isoformat() if date else None


def _drop_none(table: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None}


# --- reading -----------------------------------------------------------------------------


def read_lock(path: Path) -> Lock:
    """The lock at ``path``; a missing or unreadable one is an InputError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"no lock file {path}: run `evidence lock` first (and commit it)") \
            from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read lock file {path}: {exc}") from exc
    return loads_lock(text, path=str(path))


def loads_lock(text: str, *, path: str = "evidence.lock") -> Lock:
    """Parse a lock file's text; anything not shaped like one is refused, naming where."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not a valid lock file: {exc}") from exc
    if document.get("version") != LOCK_VERSION:
        raise InputError(f"{path}: lock file version {document.get('version')!r} is not "
                         f"{LOCK_VERSION}; write it again with `evidence lock`")
    try:
        works = {doi: _entry_from_table(doi, table)
                 for doi, table in document.get("works", {}).items()}
        matches = {m["text"]: LockedMatch(m["text"], m["status"], m.get("doi"),
                                          m.get("confidence"))
                   for m in document.get("match", [])}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path} is not a valid lock file: bad or missing {exc}") from exc
    return Lock(works=works, matches=matches)


def _entry_from_table(doi: str, table: Mapping[str, Any]) -> LockedWork:
    status = table["status"]
    if status not in ("resolved", "not-found"):
        raise ValueError(f"status {status!r} of {doi}")
    work = work_from_table(doi, table) if status == "resolved" else None
    fetched = table.get("fetched")
    return LockedWork(doi, status, work=work, reason=NOT_FOUND if work is None else None,
                      fetched=fetched if isinstance(fetched, datetime) else None,
                      digest=table.get("digest"), cited_in=tuple(table.get("cited-in", ())))


def work_from_table(doi: str, table: Mapping[str, Any]) -> Work:
    """The Work a lock entry holds: equal to the one locked (its ``raw`` keeps the dates)."""
    raw: dict[str, Any] = {"DOI": doi}
    for key, value in table.get("dates", {}).items():
        if (date := PartialDate.parse(value)) is not None:
            raw[key] = {"date-parts": [date.parts()]}
    title = table.get("title", "")
    return Work(
        doi=doi,
        title=title,
        title_raw=table.get("title-raw", title or None),
        authors=tuple(Person(family=a.get("family"), given=a.get("given"),
                             literal=a.get("literal"), orcid=a.get("orcid"))
                      for a in table.get("authors", ())),
        issued=PartialDate.parse(table.get("issued")),
        type=table.get("type"),
        container_title=table.get("container"),
        short_container_title=table.get("short-container"),
        volume=table.get("volume"),
        issue=table.get("issue"),
        pages=table.get("pages"),
        publisher=table.get("publisher"),
        issn=tuple(table.get("issn", ())),
        abstract=table.get("abstract"),
        url=table.get("url"),
        updates=tuple(_update_from_table(u) for u in table.get("updates", ())),
        notice_of=tuple(_update_from_table(u) for u in table.get("notice-of", ())),
        raw=raw,
    )


def _update_from_table(table: Mapping[str, Any]) -> Update:
    return Update(kind=table["kind"], doi=table.get("doi"), source=table.get("source"),
                  date=PartialDate.parse(table.get("date")), label=table.get("label"))


# --- when each answer was fetched (from the store) ---------------------------------------


def fetched_times(sessions: sessionmaker[Session], dois: Iterable[str]) -> dict[str, datetime]:
    """When the store fetched each of ``dois`` (a work), or was told it does not exist."""
    from sqlalchemy import select

    from evidence.store.models import Lookup, WorkRecord

    wanted = sorted(set(dois))
    found: dict[str, datetime] = {}
    with sessions() as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for doi, when in session.execute(select(WorkRecord.doi, WorkRecord.fetched_at)
                                             .where(WorkRecord.doi.in_(chunk))):
                if doi and when:
                    found[doi] = when
            for doi, when in session.execute(select(Lookup.doi, Lookup.asked_at)
                                             .where(Lookup.doi.in_(chunk))):
                found.setdefault(doi, when)
    return found
