"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

One run; the driver lists every rule; one result per finding, located by a relative,
forward-slash URI and a start line (for a Word or PDF file, which has no lines, by its place
in words instead: "page 2, line 14", on the location and at the head of the message);
``partialFingerprints`` carries the baseline fingerprint so that viewers, like baselines,
follow a finding across line shifts.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from evidence import __version__
from evidence.audit.baseline import fingerprint
from evidence.audit.findings import DEFAULT_SEVERITY, RULE_HELP, Finding
from evidence.results import CheckResult

__all__ = ["FINGERPRINT_KEY", "INFORMATION_URI", "SARIF_SCHEMA", "render", "to_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/evidence-tools/evidence"
FINGERPRINT_KEY = "evidence/v1"


def render(result: CheckResult, *, color: bool = False) -> str:
    """The result as a SARIF log (``color`` is ignored)."""
    return json.dumps(to_sarif(result), indent=2, ensure_ascii=False) + "\n"


def to_sarif(result: CheckResult, *, root: Path | None = None) -> dict[str, Any]:
    """The SARIF log as plain JSON values; paths are made relative to ``root`` (default cwd)."""
    rule_ids = list(DEFAULT_SEVERITY)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(rule_ids)},
                "results": [_result(f, rule_ids, root) for f in result.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def _driver(rule_ids: list[str]) -> dict[str, Any]:
    return {
        "name": "evidence",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [
            {
                "id": rule,
                "name": _camel(rule),
                "shortDescription": {"text": RULE_HELP[rule]},
                "defaultConfiguration": {"level": DEFAULT_SEVERITY[rule].value},
                "helpUri": f"{INFORMATION_URI}#{rule}",
            }
            for rule in rule_ids
        ],
    }


def _result(finding: Finding, rule_ids: list[str], root: Path | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.path, root)}}
    location: dict[str, Any] = {"physicalLocation": physical}
    message = finding.message
    if finding.place:
        # A Word or PDF file has no lines of its own: a region would point at a line the
        # viewer cannot show. The place goes in words, on the location and in the message.
        location["message"] = {"text": finding.place}
        message = f"{finding.place}: {message}"
    else:
        region: dict[str, int] = {"startLine": max(finding.line, 1)}
        if finding.column is not None:
            region["startColumn"] = max(finding.column, 1)
        physical["region"] = region
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": finding.severity.value,
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.rule in rule_ids:
        out["ruleIndex"] = rule_ids.index(finding.rule)
    return out


def artifact_uri(path: str, root: Path | None = None) -> str:
    """A relative URI with forward slashes: what code scanning matches against the repo."""
    posix = PureWindowsPath(path).as_posix() if "\\" in path else path
    candidate = Path(posix)
    if candidate.is_absolute():
        base = (root or Path.cwd()).resolve()
        try:
            posix = candidate.resolve().relative_to(base).as_posix()
        except ValueError:
            return candidate.as_uri()
    parts = [p for p in PurePosixPath(posix).parts if p != "."]
    return "/".join(_uri_part(p) for p in parts)


def _uri_part(part: str) -> str:
    # Percent-encode what a URI reference cannot hold; keep the path readable otherwise.
    return quote(part, safe="!$&'()*+,;=:@-._~")


def _camel(rule: str) -> str:
    return "".join(word.capitalize() for word in rule.split("-"))
