"""How many PostgreSQL connections ``evidence serve`` holds, against what the server allows.

Each server process keeps ``EVIDENCE_DB_POOL`` connections open (20 by default: about as
many as the requests it serves at once, so that twenty clients do not make it open and close
a connection per read) and opens up to half as many again at a peak. With workers configured
(``EVIDENCE_JOBS``) it also holds the job engine's and the shared budget's. ``serve --workers
N`` multiplies all that by N; PostgreSQL refuses connections past ``max_connections`` (100 by
default, some kept for superusers), and a refused connection is a 503 in the middle of a
busy moment. So ``serve`` asks the server first: with ``EVIDENCE_DB_POOL`` not given it
makes each process's pool smaller until they fit (``serve --workers 4`` on a stock server);
it refuses to start what cannot fit with a pool the user chose, or with none, and warns when
what fits now would not with the connections others already hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine, text

from evidence.config import Settings
from evidence.errors import InputError

__all__ = ["JOB_CONNECTIONS", "ServerLimit", "check_room", "fit_pool", "overflow",
           "per_process", "server_limit"]

JOB_CONNECTIONS = 5
"""With ``EVIDENCE_JOBS``: the job engine's pool (at most 4) and the shared budget's one."""


def overflow(pool: int) -> int:
    """Connections a process opens past its pool at a peak (closed when given back)."""
    return pool // 2


def per_process(settings: Settings) -> int:
    """Most PostgreSQL connections one server process holds."""
    pool = settings.pool
    return pool + overflow(pool) + (JOB_CONNECTIONS if settings.jobs else 0)


@dataclass(frozen=True, slots=True)
class ServerLimit:
    """What the PostgreSQL server allows, and what others hold now."""

    max_connections: int
    reserved: int
    """``superuser_reserved_connections`` (and ``reserved_connections``): not for us."""
    in_use: int
    """Client connections open now, all databases, this check's own left out."""

    @property
    def room(self) -> int:
        return self.max_connections - self.reserved


def server_limit(engine: Engine) -> ServerLimit:
    """Ask the server (``SHOW max_connections`` and the reserved ones; pg_stat_activity)."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', "
            "'superuser_reserved_connections', 'reserved_connections')"))
        settings = {str(name): str(value) for name, value in rows}
        in_use = connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()")).scalar_one()
    reserved = sum(int(settings.get(name, "0")) for name in (
        "superuser_reserved_connections", "reserved_connections"))
    return ServerLimit(max_connections=int(settings["max_connections"]), reserved=reserved,
                       in_use=int(in_use))


def fit_pool(settings: Settings, processes: int, limit: ServerLimit
             ) -> tuple[Settings, str | None]:
    """``settings`` with the default pool made smaller where ``processes`` server processes
    would not fit in the server's room with it (``EVIDENCE_DB_POOL`` not given), and a note
    saying so; unchanged, and no note, otherwise."""
    if settings.db_pool is not None or processes * per_process(settings) <= limit.room:
        return settings, None
    fits = _largest_pool(settings, processes, limit.room)
    if not fits:
        return settings, None  # check_room says why nothing fits
    note = (f"note: {processes} server processes keep {fits} PostgreSQL connections each "
            f"(not {settings.pool}) to fit the server's {limit.room} (max_connections "
            f"{limit.max_connections}, {limit.reserved} reserved); EVIDENCE_DB_POOL sets it")
    return replace(settings, db_pool=fits), note


def check_room(settings: Settings, processes: int, limit: ServerLimit) -> str | None:
    """A warning when ``processes`` server processes could run out of connections because
    of those open now; None when they fit.

    :raises InputError: they could not fit even on an idle server.
    """
    each = per_process(settings)
    needed = processes * each
    who = (f"{processes} server processes hold" if processes > 1
           else "1 server process holds")
    how = (f"{who} up to {needed} PostgreSQL connections "
           f"({f'{each} each: ' if processes > 1 else ''}EVIDENCE_DB_POOL={settings.pool}, "
           f"{overflow(settings.pool)} more at a peak"
           f"{f', {JOB_CONNECTIONS} for jobs' if settings.jobs else ''})")
    allowed = (f"the server allows {limit.room} (max_connections {limit.max_connections}, "
               f"{limit.reserved} reserved)")
    if needed > limit.room:
        fits = _largest_pool(settings, processes, limit.room)
        if fits:
            remedy = f"set EVIDENCE_DB_POOL={fits} or fewer, or raise max_connections"
        elif processes > 1:
            remedy = "set fewer --workers, or raise max_connections"
        else:  # not even the smallest pool: one process has nothing fewer to run
            remedy = "raise max_connections"
        raise InputError(f"{how}, but {allowed}: {remedy}")
    if needed + limit.in_use > limit.room:
        return (f"warning: {how}; {allowed}, and {limit.in_use} are open now: at a peak "
                "some requests may be refused (503)")
    return None


def _largest_pool(settings: Settings, processes: int, room: int) -> int:
    """The largest EVIDENCE_DB_POOL with which ``processes`` fit in ``room`` (0: none)."""
    jobs = JOB_CONNECTIONS if settings.jobs else 0
    pool = settings.pool
    while pool > 0 and processes * (pool + overflow(pool) + jobs) > room:
        pool -= 1
    return pool
