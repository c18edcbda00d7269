"""Batch upsert of works against a plain executemany INSERT, on SQLite and PostgreSQL.

Generated works only (Crossref's test prefix 10.5555), shaped like a journal article: two
authors, one update, a small raw record. Run by hand:

    .venv/bin/python benchmarks/store_upsert.py 10000
    .venv/bin/python benchmarks/store_upsert.py 100000 --postgresql postgresql://postgres@127.0.0.1/x

"plain" inserts the same work, author and update rows with executemany and no conflict
handling, into an empty database: the floor. "upsert" is evidence.store.queries.upsert_works
into an empty database, then again over the same rows (every row an update).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from evidence.store.convert import author_rows, update_rows, work_values
from evidence.store.engine import open_store, session_factory
from evidence.store.models import Base, utcnow
from evidence.store.queries import upsert_works
from refs.work import PartialDate, Person, Update, Work


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


def plain(session: Session, works: list[Work]) -> None:
    now = utcnow()
    rows = [
        {**work_values(w), "origin": "crossref", "created_at": now, "updated_at": now}
        for w in works
    ]
    ids = session.execute(
        insert(Base.metadata.tables["work"]).returning(
            Base.metadata.tables["work"].c.id, sort_by_parameter_order=True
        ),
        rows,
    ).scalars()
    pairs = list(zip(ids, works, strict=True))
    authors = [row for work_id, w in pairs for row in author_rows(w, work_id)]
    updates = [row for work_id, w in pairs for row in update_rows(w, work_id)]
    session.execute(insert(Base.metadata.tables["work_author"]), authors)
    session.execute(insert(Base.metadata.tables["work_update"]), updates)


def timed(engine: Engine, label: str, job: Callable[[Session], object]) -> None:
    start = time.perf_counter()
    with session_factory(engine)() as session, session.begin():
        job(session)
    seconds = time.perf_counter() - start
    print(f"  {label:<24} {seconds:7.2f} s")


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("work_update", "work_author", "work", "lookup"):
            connection.execute(text(f"DELETE FROM {table}"))


def run(url: str, works: list[Work]) -> None:
    engine = open_store(url)
    print(f"{engine.dialect.name}, {len(works)} works")
    try:
        empty(engine)
        timed(engine, "plain executemany", lambda s: plain(s, works))
        empty(engine)
        timed(engine, "upsert_works (insert)", lambda s: upsert_works(s, works, origin="crossref"))
        timed(engine, "upsert_works (update)", lambda s: upsert_works(s, works, origin="crossref"))
        empty(engine)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--postgresql", help="URL of a scratch PostgreSQL database")
    args = parser.parse_args()
    works = [generated(n) for n in range(args.count)]
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.db'}", works)
    if args.postgresql:
        run(args.postgresql, works)


if __name__ == "__main__":
    main()
