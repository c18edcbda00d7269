"""``evidence serve`` against PostgreSQL's max_connections: the pool is a setting, and more
server processes than the server has connections for are refused before anything starts."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest
from sqlalchemy.engine import make_url

from evidence.config import Settings
from evidence.errors import InputError
from evidence.store.engine import open_store
from evidence.web import create_app
from evidence.web.connections import ServerLimit, check_room, fit_pool, per_process, server_limit
from tests.standin import free_port_url

SERVE = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"
URL = "postgresql://postgres@127.0.0.1/evidence"
IDLE = ServerLimit(max_connections=100, reserved=3, in_use=0)


def test_the_pool_is_a_setting() -> None:
    assert Settings.from_env({}).db_pool is None  # not given: serve may fit it
    assert Settings.from_env({}).pool == 20
    assert Settings.from_env({"EVIDENCE_DB_POOL": "8"}).pool == 8
    assert Settings.from_env({"EVIDENCE_DB_POOL": "8"}).server_environment()[
        "EVIDENCE_DB_POOL"] == "8"
    with pytest.raises(InputError, match="EVIDENCE_DB_POOL must be a whole number above 0"):
        Settings.from_env({"EVIDENCE_DB_POOL": "0"})


def test_what_one_process_holds() -> None:
    # pool 20, 10 more at a peak; with jobs, the job engine's 4 and the budget's 1
    assert per_process(Settings(URL, db_pool=20)) == 30
    assert per_process(Settings(URL, db_pool=7, jobs=True)) == 7 + 3 + 5


def test_processes_that_fit_start_quietly() -> None:
    assert check_room(Settings(URL, db_pool=20), 3, IDLE) is None  # 90 of 97


def test_processes_that_cannot_fit_are_refused_with_a_pool_that_would() -> None:
    # 4 x 30 = 120 > 97; a pool of 16 holds 4 x (16 + 8) = 96, one of 17 would hold 100
    with pytest.raises(InputError) as refused:
        check_room(Settings(URL, db_pool=20), 4, IDLE)
    message = str(refused.value)
    assert "4 server processes hold up to 120 PostgreSQL connections" in message
    assert "the server allows 97 (max_connections 100, 3 reserved)" in message
    assert "EVIDENCE_DB_POOL=16 or fewer" in message


def test_a_pool_not_given_is_made_to_fit() -> None:
    # 4 x (20 + 10) = 120 > 97: each process keeps 16 (4 x (16 + 8) = 96), and says so
    fitted, note = fit_pool(Settings(URL), 4, IDLE)
    assert fitted.db_pool == 16
    assert check_room(fitted, 4, IDLE) is None
    assert note is not None and "keep 16 PostgreSQL connections each (not 20)" in note
    # the processes serve with it: serve passes it on in their environment
    assert fitted.server_environment()["EVIDENCE_DB_POOL"] == "16"


def test_a_pool_given_or_that_fits_is_left_as_it_is() -> None:
    given = Settings(URL, db_pool=20)
    assert fit_pool(given, 4, IDLE) == (given, None)  # check_room refuses it, naming 16
    fits = Settings(URL)
    assert fit_pool(fits, 3, IDLE) == (fits, None)  # 90 of 97
    assert "EVIDENCE_DB_POOL" not in fits.server_environment()


def test_no_pool_fits_then_fewer_workers() -> None:
    # 64 processes of the smallest pool (1 + 0) still hold 64 x 6 with jobs > 97
    with pytest.raises(InputError, match="set fewer --workers"):
        check_room(Settings(URL, db_pool=20, jobs=True), 64, IDLE)


def test_one_process_is_said_as_one() -> None:
    # 1 x 30 > 7 (max_connections 10, 3 reserved); a pool of 4 holds 4 + 2 = 6, of 5: 7
    small = ServerLimit(max_connections=10, reserved=3, in_use=0)
    with pytest.raises(InputError) as refused:
        check_room(Settings(URL, db_pool=20), 1, small)
    message = str(refused.value)
    assert message.startswith("1 server process holds up to 30 PostgreSQL connections (")
    assert "30 each" not in message
    assert "EVIDENCE_DB_POOL=5 or fewer" in message


def test_one_process_that_cannot_fit_is_not_told_fewer_workers() -> None:
    # with jobs, the smallest pool still holds 1 + 0 + 5 = 6 > 5 (max_connections 8)
    tiny = ServerLimit(max_connections=8, reserved=3, in_use=0)
    with pytest.raises(InputError) as refused:
        check_room(Settings(URL, db_pool=20, jobs=True), 1, tiny)
    message = str(refused.value)
    assert "--workers" not in message
    assert message.endswith("raise max_connections")


def test_connections_open_now_give_a_warning() -> None:
    busy = ServerLimit(max_connections=100, reserved=3, in_use=10)
    warning = check_room(Settings(URL, db_pool=20), 3, busy)  # 90 + 10 > 97
    assert warning is not None and "10 are open now" in warning


@pytest.mark.postgresql
def test_the_server_is_asked(pg_url: str) -> None:
    libpq = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as held:  # open while the server is asked: counted
        shown = held.execute("SHOW max_connections").fetchone()
        reserved = held.execute("SHOW superuser_reserved_connections").fetchone()
        engine = open_store(pg_url)
        try:
            limit = server_limit(engine)
        finally:
            engine.dispose()
    assert shown is not None and reserved is not None
    assert limit.max_connections == int(shown[0])
    assert limit.reserved >= int(reserved[0])
    assert limit.in_use >= 1


@pytest.mark.postgresql
def test_the_apps_pool_is_the_setting(pg_url: str) -> None:
    app = create_app(Settings(database_url=pg_url, offline=True, db_pool=3))
    engine = app.state.service.engine
    try:
        assert engine.pool.size() == 3
        assert engine.pool._max_overflow == 1
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_serve_refuses_more_processes_than_the_server_has_connections_for(pg_url: str) -> None:
    engine = open_store(pg_url)
    try:
        room = server_limit(engine).room
    finally:
        engine.dispose()
    port = free_port_url().rsplit(":", 1)[1]
    env = {**os.environ, "EVIDENCE_DB_POOL": str(room)}  # 2 x 1.5 x room > room
    done = subprocess.run(
        [sys.executable, "-c", SERVE, "--database", pg_url, "serve", "--offline", "--port",
         port, "--workers", "2"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "more at a peak" in done.stderr and "raise max_connections" in done.stderr
    assert "serving on" not in done.stderr


@pytest.mark.postgresql
def test_a_server_that_will_not_say_its_limit_is_served_with_a_warning(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A hardened server may refuse pg_settings or pg_stat_activity to the service's role:
    not knowing the limit is no reason to refuse to serve, nor to end in a traceback."""
    from sqlalchemy.exc import ProgrammingError

    from evidence.cli.serve import _check_connections
    from evidence.web import connections

    def refused(engine: object) -> connections.ServerLimit:
        raise ProgrammingError("SELECT name, setting FROM pg_settings", {},
                               Exception("permission denied for view pg_settings"))

    monkeypatch.setattr(connections, "server_limit", refused)
    _check_connections(Settings(database_url=pg_url, offline=True), 2)
    said = capsys.readouterr().err
    assert "could not ask the server for max_connections" in said
    assert "permission denied for view pg_settings" in said


@pytest.mark.postgresql
def test_serve_fits_a_pool_not_given_and_says_so(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from evidence.cli.serve import _check_connections
    from evidence.web import connections

    monkeypatch.setattr(connections, "server_limit", lambda engine: IDLE)
    served = _check_connections(Settings(database_url=pg_url, offline=True), 4)
    assert served.pool == 16
    said = capsys.readouterr().err
    assert "4 server processes keep 16 PostgreSQL connections each (not 20)" in said
    assert "warning" not in said
