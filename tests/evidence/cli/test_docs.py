"""Every command has help and is in the README (sqlite-utils keeps its docs honest so)."""

from __future__ import annotations

import re
from pathlib import Path

import click
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


def _options(command: click.Command, name: str) -> list[tuple[str, str]]:
    if isinstance(command, click.Group):
        return [pair for sub, child in command.commands.items()
                for pair in _options(child, f"{name} {sub}")]
    return [(name, opt) for param in command.params if isinstance(param, click.Option)
            for opt in param.opts if opt.startswith("--")]


@pytest.mark.parametrize(("command", "option"), _options(cli, "evidence"))
def test_every_option_is_in_the_readme(command: str, option: str) -> None:
    assert option in README, f"`{command} {option}` is not in the README"


def test_every_setting_is_in_the_readme() -> None:
    """Each EVIDENCE_* variable the code reads has a row (or a word) in the README; the one
    `evidence serve` sets for its own server processes is not a user's setting."""
    from evidence.config import SERVE_MODE_ENV

    source = "\n".join(path.read_text(encoding="utf-8")
                       for path in (Path(__file__).parents[3] / "evidence").rglob("*.py"))
    read = set(re.findall(r"EVIDENCE_[A-Z_]*[A-Z]", source)) - {SERVE_MODE_ENV}
    assert read, "no setting found: the pattern is wrong"
    assert sorted(v for v in read if v not in README) == []
