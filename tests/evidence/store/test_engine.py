from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import evidence
from alembic import command
from evidence.errors import StoreError
from evidence.store.engine import (
    SCHEMA_HEAD,
    current_revision,
    head_revision,
    make_engine,
    migration_config,
    open_store,
    script_location,
    upgrade,
)


def test_sqlite_gets_its_folder_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'evidence.db'}")
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA busy_timeout")) == 30_000
    finally:
        engine.dispose()
    assert (tmp_path / "a" / "b" / "evidence.db").is_file()


def test_wal_mode_stays_on_after_migrating(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'evidence.db'}")
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert (tmp_path / "evidence.db-wal").exists()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url", ["postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"]
)
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    engine = make_engine(url)
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_unreachable_postgresql_is_a_store_error_with_the_reason() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://postgres@127.0.0.1:1/evidence")
    message = str(caught.value)
    assert message.startswith("cannot open database postgresql+psycopg://postgres@127.0.0.1:1/")
    assert "refused" in message.lower()
    assert "\n" not in message


def test_password_is_not_shown_in_errors() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://postgres:s3cret@127.0.0.1:1/evidence")
    assert "s3cret" not in str(caught.value)
    assert "***" in str(caught.value)


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://x/y"], ids=["malformed", "unknown"])
def test_bad_urls_are_store_errors(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        make_engine(url)


def test_sqlite_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open database"):
        make_engine(f"sqlite:///{tmp_path / 'file' / 'evidence.db'}")


def test_open_store_migrates_once(db_url: str) -> None:
    engine = open_store(db_url)
    try:
        assert current_revision(engine) == head_revision() is not None
    finally:
        engine.dispose()
    again = open_store(db_url)  # already at head: nothing to do, no error
    again.dispose()


def test_schema_head_names_the_newest_migration() -> None:
    assert head_revision() == SCHEMA_HEAD, (
        "a migration was added: set evidence.store.engine.SCHEMA_HEAD to its revision"
    )


def test_a_store_at_head_opens_without_importing_alembic(db_url: str) -> None:
    open_store(db_url).dispose()
    probe = (
        "import sys; from evidence.store.engine import open_store; "
        f"open_store({db_url!r}).dispose(); "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_store_behind_head_is_migrated(db_url: str) -> None:
    engine = open_store(db_url)
    try:
        with engine.begin() as connection:
            config = migration_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        assert current_revision(engine) == "0002"
    finally:
        engine.dispose()
    again = open_store(db_url)
    try:
        assert current_revision(again) == SCHEMA_HEAD
    finally:
        again.dispose()


def test_a_newer_schema_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="revision '9999'.*upgrade evidence"):
        open_store(engine.url.render_as_string(hide_password=False))


def test_a_failing_migration_is_a_store_error(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(StoreError, match="cannot migrate database"):
            upgrade(engine, "no-such-revision")
    finally:
        engine.dispose()


def test_scripts_found_in_the_source_tree() -> None:
    location = script_location()
    assert (location / "env.py").is_file()
    assert any((location / "versions").glob("0001_*.py"))


def test_scripts_found_inside_the_wheel_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "evidence" / "_alembic").mkdir(parents=True)
    monkeypatch.setattr(evidence, "__file__", str(tmp_path / "evidence" / "x.py"))
    assert script_location() == tmp_path / "evidence" / "_alembic"
