"""Load on one URL for ``benchmarks/scale.py``'s reads: two load generators, and the CPU
seconds the server, its PostgreSQL backends and the generator spent on it.

* ``python``: ``clients`` httpx clients in this process (asyncio), as the benchmark always had:
  on two cores, this process's own CPU competes with the server's.
* ``wrk``: the compiled generator (Debian: ``apt-get install wrk``), one thread, ``clients``
  connections: a fraction of the CPU per request. Where it is missing, its rows say how to
  install it and the Python clients stand alone.

CPU is read from ``/proc`` (Linux): user+system seconds of the server's process tree and of
the PostgreSQL backends connected to its database, before and after the load.
"""

from __future__ import annotations

import asyncio
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

__all__ = ["WRK_MISSING", "Load", "python_load", "wrk_load"]

WRK_MISSING = "wrk not found: `apt-get install wrk` (Debian) to measure with it"
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Load:
    generator: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float | None  # per request
    postgres_cpu_ms: float | None
    generator_cpu_ms: float | None
    load_before: float
    load_after: float
    statuses: str  # "200" or what else came back
    split: str = ""  # each busy server process's share of the server's CPU, "52/48"

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


class _Meter:
    """CPU seconds of a server's process tree and of its database's backends."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        self.database_url = database_url

    def __enter__(self) -> _Meter:
        self.load_before = os.getloadavg()[0]
        self.each_before = {p: _cpu(p) for p in _tree(self.server_pid)}
        self.backends = self._backends()
        self.postgres_before = {p: _cpu(p) for p in self.backends}
        return self

    def __exit__(self, *_: object) -> None:
        self.load_after = os.getloadavg()[0]
        each = {p: _cpu(p) - self.each_before.get(p, 0.0) for p in _tree(self.server_pid)}
        self.server = sum(each.values())
        busy = sorted((s for s in each.values() if s > 0.05 * max(self.server, 1e-9)),
                      reverse=True)
        self.split = "/".join(f"{100 * s / sum(busy):.0f}" for s in busy) if busy else ""
        # Backends opened meanwhile count from zero; those closed meanwhile are lost: a
        # server that opens and closes a connection per request is undercounted.
        self.postgres = sum(max(0.0, _cpu(p) - self.postgres_before.get(p, 0.0))
                            for p in self.backends | self._backends())

    def _backends(self) -> set[int]:
        libpq = self.database_url.replace("postgresql+psycopg://", "postgresql://")
        name = libpq.rsplit("/", 1)[1]
        with psycopg.connect(libpq.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
            rows = db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
            return {int(pid) for pid, in rows}

    def per_request(self, seconds: float, requests: int) -> float | None:
        return seconds * 1000 / requests if requests and Path("/proc").is_dir() else None


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _tree(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(entry.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.parent.name))
    found, todo = {pid}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def python_load(url: str, headers: dict[str, str], clients: int, seconds: float,
                server_pid: int, database_url: str) -> Load:
    """``clients`` httpx clients in this process, each asking again as soon as answered."""
    own = time.process_time()
    with _Meter(server_pid, database_url) as meter:
        latencies, statuses = asyncio.run(_clients(url, headers, clients, seconds))
    own = time.process_time() - own
    latencies.sort()
    n = len(latencies)
    return Load("python", n, seconds, _pct(latencies, 50), _pct(latencies, 99),
                meter.per_request(meter.server, n), meter.per_request(meter.postgres, n),
                meter.per_request(own, n), meter.load_before, meter.load_after,
                ",".join(sorted(statuses)), meter.split)


async def _clients(url: str, headers: dict[str, str], clients: int,
                   seconds: float) -> tuple[list[float], set[str]]:
    latencies: list[float] = []
    statuses: set[str] = set()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(headers=headers, timeout=30, limits=limits) as http:
        async def client() -> None:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                answer = await http.get(url)
                latencies.append(time.perf_counter() - began)
                statuses.add(str(answer.status_code))

        await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, statuses


def wrk_load(url: str, headers: dict[str, str], clients: int, seconds: float,
             server_pid: int, database_url: str) -> Load | None:
    """The same load from ``wrk`` (None when it is not installed)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    command = [wrk, "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with _Meter(server_pid, database_url) as meter:
        out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    n = int(_found(r"(\d+) requests in", out))
    odd = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load("wrk", n, float(_found(r"requests in ([\d.]+)s", out)),
                _ms(_found(r"^\s+50%\s+(\S+)", out)), _ms(_found(r"^\s+99%\s+(\S+)", out)),
                meter.per_request(meter.server, n), meter.per_request(meter.postgres, n),
                meter.per_request(own, n), meter.load_before, meter.load_after,
                f"{odd.group(1)} not 2xx/3xx" if odd else "2xx/3xx", meter.split)


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk said something unexpected:\n{text}")
    return match.group(1)


def _ms(value: str) -> float:
    """wrk's "812.00us", "1.23ms" or "2.01s" in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        raise RuntimeError(f"wrk gave a time as {value!r}")
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]
    return float(match.group(1)) * unit


def _pct(values: list[float], q: int) -> float:
    return values[min(len(values) - 1, int(len(values) * q / 100))] * 1000 if values else 0.0
