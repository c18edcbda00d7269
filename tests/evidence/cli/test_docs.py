"""Every command has help and is in the README (sqlite-utils keeps its docs honest so)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.cli import cli

README = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"`evidence {name}` has no help"
    assert f"evidence {name}" in README, f"`evidence {name}` is not in the README"


def test_recheck_exit_codes_are_documented() -> None:
    section = README.split("(`evidence recheck`)", 1)[1].split("\n## ", 1)[0]
    for code in ("`0`", "`1`", "`2`", "`3`"):
        assert code in section
    assert "SuccessExitStatus=1" in section and "OnCalendar=" in section  # the timer
    assert "evidence recheck" in section.split("```cron", 1)[1]  # the cron line
