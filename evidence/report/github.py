"""``--format github``: GitHub Actions workflow commands, which become annotations on the
lines at fault in a pull request.

``::error file=PATH,line=N,title=RULE::MESSAGE``; severities map to ``error``, ``warning``
and ``notice``. Escaping follows the runner's own (actions/toolkit, ``command.ts``): in
data ``%``, ``\\r`` and ``\\n``; in properties also ``:`` and ``,``.
"""

from __future__ import annotations

from evidence.audit.findings import Finding, Severity
from evidence.report.describe import summary_line
from evidence.results import CheckResult

__all__ = ["command", "escape_data", "escape_property", "render"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(result: CheckResult, *, color: bool = False) -> str:
    """One workflow command per finding, then the run's notes and a summary line."""
    lines = [command(f) for f in result.findings]
    lines.extend(f"::notice title=evidence::{escape_data(note)}" for note in result.notes)
    lines.append(escape_data(summary_line(result)))
    return "\n".join(lines) + "\n"


def command(finding: Finding) -> str:
    """The workflow command that annotates ``finding``."""
    properties = {"file": finding.path.replace("\\", "/")}
    message = finding.message
    if finding.place:  # a Word or PDF file has no line to annotate: the place in words
        message = f"{finding.place}: {message}"
    else:
        properties["line"] = str(finding.line)
        if finding.column is not None:
            properties["col"] = str(finding.column)
    properties["title"] = finding.rule
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMAND[finding.severity]} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
