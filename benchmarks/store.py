"""Batch upsert of works against a plain executemany of the same rows, on SQLite and PostgreSQL.

Generated works only (Crossref's test prefix 10.5555), shaped like a journal article: two
authors, one update, a small raw record. Each run writes into an emptied, vacuumed store
migrated to head, inside one transaction, and builds its rows from the ``Work`` records
inside the timed region (both sides convert with ``evidence.store.convert``):

* ``executemany``: the floor. The DB-API's ``executemany`` of plain ``INSERT`` statements
  (work, work_author, work_update) with ids given, positional placeholders in the driver's
  style, no conflict handling, no RETURNING.
* ``Core insert``: SQLAlchemy Core ``insert().returning(id)`` with the rows as a list: the
  same statements SQLAlchemy sends, without conflict handling.
* ``upsert_works (insert)``: ``evidence.store.queries.upsert_works`` into the empty store.
* ``upsert_works (update)``: the same again over the stored rows: every row an update.

PostgreSQL: a scratch database is created on ``--pg-server`` (default the local server,
user postgres) and dropped at the end; ``--postgresql URL`` uses an existing database instead
(its work tables are emptied!), ``--no-postgresql`` skips it.

Run from the repository root: ``.venv/bin/python benchmarks/store.py [COUNT]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _machine import describe
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.orm import Session

from evidence.store.convert import author_rows, update_rows, work_values
from evidence.store.engine import open_store, session_factory
from evidence.store.models import Base, utcnow
from evidence.store.queries import upsert_works
from refs.work import PartialDate, Person, Update, Work

TARGET = 3.0
"""upsert_works may take at most this many times as long as executemany."""
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES = ("work_update", "work_author", "work", "lookup")


def generated(n: int) -> Work:
    return Work(
        doi=f"10.5555/bench.{n}",
        title=f"Generated benchmark work {n}",
        authors=(Person(family=f"Family{n}", given="G."), Person(family="Second", given="S.")),
        issued=PartialDate(2000 + n % 25, 1 + n % 12, 1 + n % 28),
        type="journal-article",
        container_title="Journal of Generated Data",
        volume=str(n % 60),
        issue=str(n % 4),
        pages=f"{n % 900}-{n % 900 + 12}",
        publisher="Generated",
        issn=("5555-5555",),
        updates=(Update("correction", f"10.5555/notice.{n}", "publisher", PartialDate(2024)),),
        raw={"DOI": f"10.5555/bench.{n}", "generated": True, "title": [f"Generated {n}"]},
    )


# --- the contenders ------------------------------------------------------------------------


def executemany(connection: Connection, works: Sequence[Work]) -> None:
    """Plain DB-API executemany of the same rows: ids given, values serialised by hand."""
    sqlite = connection.dialect.name == "sqlite"
    now = utcnow()
    stamp: Any = now.replace(tzinfo=None).isoformat(" ") if sqlite else now
    common = {"origin": "crossref", "source_url": None, "citation_key": None,
              "fetched_at": stamp, "created_at": stamp, "updated_at": stamp}
    works_rows: list[dict[str, Any]] = []
    authors: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for work_id, work in enumerate(works, start=1):
        values = work_values(work)
        values.update(common, id=work_id, issn=json.dumps(values["issn"]),
                      raw=None if values["raw"] is None else json.dumps(values["raw"]))
        works_rows.append(values)
        authors.extend(author_rows(work, work_id))
        updates.extend(_plain(row) for row in update_rows(work, work_id))
    style = connection.dialect.paramstyle
    for table, rows in (("work", works_rows), ("work_author", authors), ("work_update", updates)):
        columns = list(rows[0])
        values = [tuple(row[c] for c in columns) for row in rows]
        connection.exec_driver_sql(_insert_sql(table, columns, style), values)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    # Enum members go to the driver as their values, as the ORM's type would send them.
    return {k: getattr(v, "value", v) for k, v in row.items()}


def _insert_sql(table: str, columns: list[str], paramstyle: str) -> str:
    """Positional placeholders in the driver's own style (the engine's paramstyle)."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = {"qmark": "?", "format": "%s", "pyformat": "%s"}
    if paramstyle == "numeric_dollar":
        placeholders = [f"${n}" for n in range(1, len(columns) + 1)]
    else:
        placeholders = [marks[paramstyle]] * len(columns)
    marks_sql = ", ".join(placeholders)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks_sql})'


def core_insert(session: Session, works: Sequence[Work]) -> None:
    """SQLAlchemy Core INSERT ... RETURNING id, no conflict handling."""
    now = utcnow()
    table = Base.metadata.tables["work"]
    rows = [{**work_values(w), "origin": "crossref", "created_at": now, "updated_at": now}
            for w in works]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = session.execute(statement, rows).scalars()
    pairs = list(zip(ids, works, strict=True))
    authors = [row for work_id, w in pairs for row in author_rows(w, work_id)]
    updates = [row for work_id, w in pairs for row in update_rows(w, work_id)]
    session.execute(insert(Base.metadata.tables["work_author"]), authors)
    session.execute(insert(Base.metadata.tables["work_update"]), updates)


# --- running -------------------------------------------------------------------------------


def empty(engine: Engine) -> None:
    """Delete every work row and vacuum, so each run meets the same empty store."""
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"))


def count_rows(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("work", "work_author", "work_update")
        )


def timed_session(engine: Engine, job: Callable[[Session], object]) -> float:
    start = time.perf_counter()
    with session_factory(engine)() as session, session.begin():
        job(session)
    return time.perf_counter() - start


def timed_connection(engine: Engine, job: Callable[[Connection], object]) -> float:
    start = time.perf_counter()
    with engine.begin() as connection:
        job(connection)
    return time.perf_counter() - start


def measure(engine: Engine, works: list[Work], repeat: int) -> dict[str, float]:
    """Median seconds of each contender over ``repeat`` runs; checks every run wrote it all."""
    expected = (len(works), 2 * len(works), len(works))
    runs: dict[str, list[float]] = {}

    def record(label: str, seconds: float) -> None:
        rows = count_rows(engine)
        if rows != expected:
            raise SystemExit(f"{label} wrote {rows} rows, expected {expected}")
        runs.setdefault(label, []).append(seconds)

    for _ in range(repeat):
        empty(engine)
        record("executemany", timed_connection(engine, lambda c: executemany(c, works)))
        empty(engine)
        record("Core insert", timed_session(engine, lambda s: core_insert(s, works)))
        empty(engine)
        upsert = lambda s: upsert_works(s, works, origin="crossref")  # noqa: E731
        record("upsert_works (insert)", timed_session(engine, upsert))
        record("upsert_works (update)", timed_session(engine, upsert))
    empty(engine)
    return {label: statistics.median(seconds) for label, seconds in runs.items()}


def report(name: str, count: int, results: dict[str, float]) -> list[str]:
    floor = results["executemany"]
    lines = [
        "",
        f"{name}, {count} works (2 authors + 1 update each), median of the runs",
        "",
        "| contender | seconds | works/s | x executemany | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, seconds in results.items():
        ratio = seconds / floor
        verdict = "-"
        if label.startswith("upsert_works"):
            verdict = f"<= {TARGET:g}x: {'met' if ratio <= TARGET else 'missed'}"
        lines.append(f"| {label} | {seconds:.2f} | {count / seconds:,.0f} | {ratio:.2f} | "
                     f"{verdict} |")
    return lines


@contextmanager
def scratch_postgresql(server: str) -> Iterator[str]:
    """A database created for this run on ``server`` and dropped afterwards; yields its URL."""
    import psycopg

    name = f"evidence_bench_{os.getpid()}"
    admin = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    try:
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_version(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return "SQLite " + str(connection.exec_driver_sql("select sqlite_version()").scalar())
        return str(connection.exec_driver_sql("select version()").scalar()).split(" on ")[0]


def run_on(url: str, works: list[Work], repeat: int) -> list[str]:
    engine = open_store(url)
    try:
        version = server_version(engine)
        print(f"running on {version} ...", flush=True)
        return report(version, len(works), measure(engine, works, repeat))
    finally:
        engine.dispose()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (median)")
    parser.add_argument("--pg-server", default=PG_SERVER,
                        help="server (and admin database) on which to make a scratch database")
    parser.add_argument("--postgresql", help="URL of an existing scratch PostgreSQL database")
    parser.add_argument("--no-postgresql", action="store_true")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(describe(["SQLAlchemy", "psycopg", "psycopg-binary"]))
    works = [generated(n) for n in range(args.count)]
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        lines += run_on(f"sqlite:///{Path(folder) / 'bench.db'}", works, args.repeat)
    if args.postgresql:
        lines += run_on(args.postgresql, works, args.repeat)
    elif not args.no_postgresql:
        with scratch_postgresql(args.pg_server) as url:
            lines += run_on(url, works, args.repeat)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
