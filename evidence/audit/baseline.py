"""Baselines: the findings a project has accepted for now, so that CI fails only on new ones.

A finding is recognised by its fingerprint: rule, path and the normalised subject (the claim
or reference text), never the line, so that editing above a finding does not make it new.
Findings with no subject fall back to the message.
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

__all__ = ["BASELINE_VERSION", "fingerprint", "load_baseline", "new_findings", "write_baseline"]

BASELINE_VERSION = 1


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


def write_baseline(path: Path, findings: Iterable[Finding]) -> None:
    """Write the findings' fingerprints, sorted and stable, replacing ``path`` whole."""
    entries = {
        fingerprint(f): {"fingerprint": fingerprint(f), "rule": f.rule, "path": f.path,
                         "subject": " ".join((f.subject or f.message).split())}
        for f in findings
    }
    body = {"version": BASELINE_VERSION, "findings": [entries[k] for k in sorted(entries)]}
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_whole(path, text, what="baseline", make_folder=True)


def new_findings(findings: Iterable[Finding], baseline: set[str]) -> list[Finding]:
    """The findings not in ``baseline``."""
    return [f for f in findings if fingerprint(f) not in baseline]
