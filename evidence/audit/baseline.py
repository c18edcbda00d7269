"""Baselines: the findings a project has accepted for now, so that CI fails only on new ones.

A finding is recognised by its fingerprint: rule, path and the normalised subject (the claim
or reference text), never the line, so that editing above a finding does not make it new.
Findings with no subject fall back to the message.

An ``unverified-reference`` finding is never baselined, nor hidden by a baseline: it says the
registry was not asked, so it stands for findings nobody has seen yet (the DOI may not exist,
the work may be retracted). Accepting it would let every later run whose registry is out pass
quietly; a baseline is written from the registry's answers, online.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import Any

from evidence.audit.findings import Finding
from evidence.errors import InputError
from evidence.files import write_whole

__all__ = ["BASELINE_VERSION", "NOT_BASELINED", "fingerprint", "load_baseline", "new_findings",
           "write_baseline"]

BASELINE_VERSION = 1
NOT_BASELINED = frozenset({"unverified-reference"})
"""Rules whose findings a baseline neither keeps nor hides (see the module's docstring)."""


def fingerprint(finding: Finding) -> str:
    """A stable identity for ``finding`` that survives line shifts (hex, 32 characters)."""
    what = " ".join((finding.subject or finding.message).split()).casefold()
    path = PurePath(finding.path.replace("\\", "/")).as_posix()
    digest = hashlib.sha256("\0".join((finding.rule, path, what)).encode("utf-8"))
    return digest.hexdigest()[:32]


def load_baseline(path: Path) -> set[str]:
    """The fingerprints in a baseline file written by ``write_baseline``."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            f"baseline {path} does not exist; write it with --update-baseline"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise InputError(f"{path} is not an evidence baseline (version {BASELINE_VERSION})")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError(f"{path} is not an evidence baseline (version {BASELINE_VERSION})")
    try:
        return {str(entry["fingerprint"]) for entry in entries}
    except (TypeError, KeyError) as exc:
        raise InputError(f"{path}: a baseline entry has no fingerprint") from exc


def write_baseline(path: Path, findings: Iterable[Finding]) -> tuple[int, int]:
    """Write the findings' fingerprints, sorted and stable, replacing ``path`` whole.

    :returns: how many findings were written, and how many were left out (``NOT_BASELINED``).
    """
    every = list(findings)
    kept = [f for f in every if f.rule not in NOT_BASELINED]
    entries = {
        fingerprint(f): {"fingerprint": fingerprint(f), "rule": f.rule, "path": f.path,
                         "subject": " ".join((f.subject or f.message).split())}
        for f in kept
    }
    body = {"version": BASELINE_VERSION, "findings": [entries[k] for k in sorted(entries)]}
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_whole(path, text, what="baseline", make_folder=True)
    return len(kept), len(every) - len(kept)


def new_findings(findings: Iterable[Finding], baseline: set[str]) -> list[Finding]:
    """The findings not in ``baseline``, and every ``NOT_BASELINED`` one (an older baseline
    may hold them)."""
    return [f for f in findings if f.rule in NOT_BASELINED or fingerprint(f) not in baseline]
