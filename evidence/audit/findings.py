"""The findings the audit makes, named where the audit's rules are (defined in
``evidence.findings``, below both the audit and the check results that carry them)."""

from __future__ import annotations

from evidence.findings import DEFAULT_SEVERITY, RULE_HELP, Finding, Severity

__all__ = ["DEFAULT_SEVERITY", "RULE_HELP", "Finding", "Severity"]
