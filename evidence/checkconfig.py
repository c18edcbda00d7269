"""Configuration of ``evidence check``: severities, rules off, paths, fail level, baseline.

Read from ``[tool.evidence]`` in ``pyproject.toml`` or from the top level of ``evidence.toml``
(which wins when both are in one folder), found by walking up from the working folder to the
filesystem root or the first folder holding ``.git``::

    [tool.evidence]
    paths = ["docs/**/*.md"]          # what to check when no PATH is given (globs)
    fail-on = "warning"               # error | warning | note | never
    baseline = "evidence-baseline.json"
    disable = ["uncited-reference"]
    max-article-size = 10             # MB; a larger article is refused (0: no limit)
    inferred-threshold = 0.8          # lowest probability for a ranked inferred link (0..1),
                                      # in every article (default: one per kind of article)
    claim-threshold = 0.8             # claim model score from which a sentence with no cue
                                      # needs a source (0-1; default: the shipped model's)
    claim-cue-threshold = 0.05        # the same for a sentence in which a rule found a cue
    registry-wait = 30                # seconds the registry is waited for in all, per check
                                      # (above 0; EVIDENCE_REGISTRY_WAIT wins; default 60)

    [tool.evidence.severity]
    unsupported-claim = "error"       # error | warning | note | off

Inline suppressions and baselines live in ``evidence.audit.suppressions`` and
``evidence.audit.baseline``; they are re-exported here, beside the rest of the configuration.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evidence.audit.baseline import fingerprint, load_baseline, new_findings, write_baseline
from evidence.audit.findings import DEFAULT_SEVERITY, Finding, Severity
from evidence.audit.suppressions import (
    Suppression,
    apply_suppressions,
    find_suppressions,
    suppression_problems,
)
from evidence.claims.model import Thresholds, default_model
from evidence.errors import InputError

__all__ = [
    "DEFAULT_MAX_ARTICLE_MB",
    "FAIL_ON",
    "CheckConfig",
    "Suppression",
    "apply_config",
    "apply_suppressions",
    "find_suppressions",
    "fingerprint",
    "load_baseline",
    "load_config",
    "new_findings",
    "read_config_file",
    "suppression_problems",
    "write_baseline",
]

FAIL_ON = ("error", "warning", "note", "never")
_KEYS = ("paths", "fail-on", "baseline", "disable", "severity", "max-article-size",
         "inferred-threshold", "claim-threshold", "claim-cue-threshold", "registry-wait")
DEFAULT_MAX_ARTICLE_MB = 10.0
"""Largest article checked unless configured: a check takes seconds per megabyte (about 110 s
for 20 MB, benchmarks/RESULTS.md), and a book-length article is about 2 MB, so anything far
larger is more likely a wrong file than an article; refused at once with how to go on."""
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class CheckConfig:
    """What the configuration file says; the empty config changes nothing.

    Example::

        config = load_config(Path.cwd())
        findings = apply_config(audit(article), config)
    """

    severity: Mapping[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    fail_on: str | None = None
    baseline: Path | None = None  # resolved against the folder of the configuration file
    source: Path | None = None  # the file this was read from, if any
    max_article_mb: float | None = None  # None: the default; 0: no limit
    inferred_threshold: float | None = None  # None: the ranker's default per kind of article
    claim_threshold: float | None = None  # None: the claim model's default
    claim_cue_threshold: float | None = None
    registry_wait: float | None = None  # seconds; None: EVIDENCE_REGISTRY_WAIT's or default

    def claim_thresholds(self) -> Thresholds | None:
        """The claim model's thresholds with this configuration's in place, or ``None``."""
        if self.claim_threshold is None and self.claim_cue_threshold is None:
            return None
        shipped = default_model().thresholds
        return Thresholds(
            cue=shipped.cue if self.claim_cue_threshold is None else self.claim_cue_threshold,
            model=shipped.model if self.claim_threshold is None else self.claim_threshold)

    @property
    def root(self) -> Path:
        """The folder that relative ``paths`` are read against."""
        return self.source.parent if self.source else Path.cwd()

    def expand_paths(self) -> list[Path]:
        """The files and folders ``paths`` names, globs expanded, in a stable order."""
        found: list[Path] = []
        for pattern in self.paths:
            matches = _expand(self.root, pattern)
            if not matches:
                raise InputError(f"{self.source}: paths entry {pattern!r} matches nothing")
            found.extend(matches)
        return list(dict.fromkeys(found))


def load_config(start: Path) -> CheckConfig:
    """The configuration that applies in ``start``, or the empty one when there is none."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / "evidence.toml"
        if own.is_file():
            return read_config_file(own)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return read_config_file(pyproject)
        if (candidate / ".git").exists():
            break
    return CheckConfig()


def read_config_file(path: Path) -> CheckConfig:
    """One configuration file: ``evidence.toml``, or ``pyproject.toml``'s ``[tool.evidence]``."""
    data = _read_toml(path)
    tool = data.get("tool")
    table = data if path.name != "pyproject.toml" else (
        tool.get("evidence", {}) if isinstance(tool, dict) else {})
    prefix = "" if path.name != "pyproject.toml" else "tool.evidence."
    if not isinstance(table, dict):
        raise InputError(f"{path}: {prefix or 'the file'} must be a table")
    table = {key.replace("_", "-"): value for key, value in table.items()}
    for key in table:
        if key not in _KEYS:
            raise InputError(f"{path}: unknown key {prefix}{key} (known: {', '.join(_KEYS)})")
    severity, off = _severities(path, prefix, table.get("severity", {}))
    return CheckConfig(
        severity=severity,
        disabled=frozenset(_rules(path, f"{prefix}disable", table.get("disable", []))) | off,
        paths=tuple(_strings(path, f"{prefix}paths", table.get("paths", []))),
        fail_on=_fail_on(path, f"{prefix}fail-on", table.get("fail-on")),
        baseline=_baseline(path, f"{prefix}baseline", table.get("baseline")),
        source=path,
        max_article_mb=_megabytes(path, f"{prefix}max-article-size",
                                  table.get("max-article-size")),
        inferred_threshold=_between_0_and_1(path, f"{prefix}inferred-threshold",
                                            table.get("inferred-threshold"), "a probability"),
        claim_threshold=_between_0_and_1(path, f"{prefix}claim-threshold",
                                         table.get("claim-threshold"), "a score"),
        claim_cue_threshold=_between_0_and_1(path, f"{prefix}claim-cue-threshold",
                                             table.get("claim-cue-threshold"), "a score"),
        registry_wait=_seconds(path, f"{prefix}registry-wait", table.get("registry-wait")),
    )


def apply_config(findings: Iterable[Finding], config: CheckConfig) -> list[Finding]:
    """Findings of rules that are on, at the configured severities."""
    return [
        replace(f, severity=config.severity[f.rule]) if f.rule in config.severity else f
        for f in findings
        if f.rule not in config.disabled
    ]


# --- reading and checking the values -----------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def _has_tool_table(path: Path) -> bool:
    tool = _read_toml(path).get("tool")
    return isinstance(tool, dict) and "evidence" in tool


def _severities(path: Path, prefix: str, table: Any) -> tuple[dict[str, Severity], frozenset[str]]:
    if not isinstance(table, dict):
        raise InputError(f"{path}: {prefix}severity must be a table of rule = severity")
    levels = [s.value for s in Severity]
    severity: dict[str, Severity] = {}
    off: set[str] = set()
    for rule, level in table.items():
        key = f"{prefix}severity.{rule}"
        _check_rule(path, key, rule)
        if level == "off":
            off.add(rule)
        elif isinstance(level, str) and level in levels:
            severity[rule] = Severity(level)
        else:
            raise InputError(f"{path}: {key} = {level!r} is not one of {', '.join(levels)}, off")
    return severity, frozenset(off)


def _rules(path: Path, key: str, value: Any) -> list[str]:
    rules = _strings(path, key, value)
    for rule in rules:
        _check_rule(path, key, rule)
    return rules


def _check_rule(path: Path, key: str, rule: str) -> None:
    if rule not in DEFAULT_SEVERITY:
        raise InputError(f"{path}: {key}: unknown rule {rule!r} "
                         f"(rules: {', '.join(DEFAULT_SEVERITY)})")


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path}: {key} must be a list of strings")
    return list(value)


def _fail_on(path: Path, key: str, value: Any) -> str | None:
    if value is not None and value not in FAIL_ON:
        raise InputError(f"{path}: {key} = {value!r} is not one of {', '.join(FAIL_ON)}")
    return None if value is None else str(value)


def _megabytes(path: Path, key: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(f"{path}: {key} must be a number of megabytes (0: no limit)")
    return float(value)


def _seconds(path: Path, key: str, value: Any) -> float | None:
    """A number of seconds above 0 (TOML's ``inf`` and ``nan`` are refused too)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise InputError(f"{path}: {key} must be a number of seconds above 0, not {value!r}")
    return float(value)


def _between_0_and_1(path: Path, key: str, value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(f"{path}: {key} must be {what} between 0 and 1, not {value!r}")
    return float(value)


def _baseline(path: Path, key: str, value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InputError(f"{path}: {key} must be a file name")
    return path.parent / value


def _expand(root: Path, pattern: str) -> list[Path]:
    if not _GLOB_CHARS & set(pattern):
        target = root / pattern
        return [target] if target.exists() else []
    if Path(pattern).is_absolute():
        anchor = Path(Path(pattern).anchor)
        return sorted(anchor.glob(str(Path(pattern).relative_to(anchor))))
    return sorted(root.glob(pattern))
