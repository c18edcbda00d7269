"""What machine a benchmark ran on: printed with every result so figures can be compared.

>>> print(describe(["httpx"]))  # doctest: +SKIP
machine: Linux-6.1-x86_64 ...
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

__all__ = ["cpu_model", "describe", "memory_gib", "package_versions", "repo_root_on_path"]

ROOT = Path(__file__).resolve().parents[1]


def repo_root_on_path() -> Path:
    """Put the repository root first on ``sys.path`` (for ``tests.standin``) and return it."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return ROOT


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gib() -> float | None:
    """Total memory in GiB from /proc/meminfo, or ``None`` where there is none."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except (OSError, ValueError, IndexError):
        pass
    return None


def package_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution, ``not installed`` when absent."""
    versions: dict[str, str] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def describe(packages: Iterable[str] = ()) -> str:
    """Lines naming platform, CPU, cores, memory, Python and the given packages' versions."""
    memory = memory_gib()
    lines = [
        f"machine:  {platform.platform()}",
        f"cpu:      {cpu_model()}, {os.cpu_count()} cores",
        f"memory:   {f'{memory:.1f} GiB' if memory is not None else 'unknown'}",
        f"python:   {platform.python_implementation()} {platform.python_version()}",
    ]
    versions = package_versions(["evidence", *packages])
    lines.append("packages: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return "\n".join(lines)
