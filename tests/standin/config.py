"""How the stand-in Crossref behaves: its limits, its latency, the faults it injects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Faults", "StandinConfig"]


@dataclass(frozen=True, slots=True)
class Faults:
    """Fractions (0..1) of requests that fail on purpose, drawn from a seeded random source.

    ``first`` scripts the faults of the first requests, in arrival order (``"500"``,
    ``"429"``, ``"garbage"``, ``"drop"``, ``"stall"``, or ``"ok"``), before the fractions apply.
    ``status`` answers every request with that status (503 = the registry is down).
    """

    error_500: float = 0.0
    html_429: float = 0.0
    garbage: float = 0.0
    drop: float = 0.0
    stall: float = 0.0
    stall_seconds: float = 5.0
    status: int | None = None
    seed: int = 1
    first: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StandinConfig:
    """Limits like Crossref's polite pool as of 2025-12, no latency, no faults.

    ``generated`` adds that many generated Crossref works (10.5555/standin.000001...);
    ``foreign`` maps generated DOIs to another agency (``datacite``...): ``/works/{doi}``
    says 404, ``/works/{doi}/agency`` names the agency, and ``/doi/{doi}`` (the stand-in's
    DOI resolver) answers CSL-JSON for them.
    """

    single_rate: int = 10
    list_rate: int = 3
    interval: float = 1.0
    concurrency: int = 3
    latency: float = 0.0
    faults: Faults = field(default_factory=Faults)
    generated: int = 0
    foreign: Mapping[str, str] = field(default_factory=dict)
    enforce_limits: bool = True
    prefix: str = ""
    """A path before ``/works`` (``/api``), to check a base URL with a path of its own."""
