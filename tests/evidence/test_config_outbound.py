"""The settings of issue 16 read from the environment: the registry wait, the hosts a
redirect may lead to, and the service's check workers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import evidence
from evidence.config import DEFAULT_CHECK_WORKERS, DEFAULT_REGISTRY_WAIT, Settings
from evidence.errors import InputError
from evidence.registry import crossref_settings
from refs.crossref.settings import DEFAULT_REGISTRY_HOSTS


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_env({})
    assert settings.registry_wait == DEFAULT_REGISTRY_WAIT == 60.0
    assert settings.check_workers == DEFAULT_CHECK_WORKERS == 2
    client = crossref_settings(settings)
    assert client.wait == 60.0 and client.registry_hosts == DEFAULT_REGISTRY_HOSTS


def test_environment_sets_wait_hosts_and_workers() -> None:
    settings = Settings.from_env({
        "EVIDENCE_REGISTRY_WAIT": "12.5",
        "EVIDENCE_REGISTRY_HOSTS": "api.crossref.org, mirror.example  doi.org",
        "EVIDENCE_CHECK_WORKERS": "3",
    })
    assert settings.check_workers == 3
    client = crossref_settings(settings)
    assert client.wait == 12.5
    assert client.registry_hosts == ("api.crossref.org", "mirror.example", "doi.org")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EVIDENCE_REGISTRY_WAIT", "0"),
        ("EVIDENCE_REGISTRY_WAIT", "soon"),
        ("EVIDENCE_REGISTRY_WAIT", "nan"),
        ("EVIDENCE_CHECK_WORKERS", "-1"),
        ("EVIDENCE_CHECK_WORKERS", "1.5"),
    ],
)
def test_a_wrong_value_is_refused_with_its_name(name: str, value: str) -> None:
    with pytest.raises(InputError, match=f"{name} must be .* above 0, not '{value}'"):
        Settings.from_env({name: value})


def test_retries_are_settings_of_the_one_client() -> None:
    default = crossref_settings(Settings.from_env({}))
    assert (default.max_retries, default.retry_budget) == (6, 120.0)
    settings = Settings.from_env({"EVIDENCE_REGISTRY_RETRIES": "0",
                                  "EVIDENCE_REGISTRY_BACKOFF": "2.5"})
    client = crossref_settings(settings)
    assert (client.max_retries, client.retry_budget) == (0, 2.5)


@pytest.mark.parametrize("value", ["-1", "1.5", "many"])
def test_a_wrong_retry_count_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(InputError, match=f"EVIDENCE_REGISTRY_RETRIES must be a whole number, "
                                         f"0 or more, not '{value}'"):
        Settings.from_env({"EVIDENCE_REGISTRY_RETRIES": value})


def test_the_client_names_evidence_in_its_user_agent() -> None:
    from refs.crossref import user_agent

    ours = crossref_settings(Settings(database_url="sqlite://", mailto="tests@example.org"))
    assert user_agent(ours) == ("evidence/0.1.0 (https://github.com/evidence-tools/evidence; "
                                "mailto:tests@example.org)")


def test_the_configured_wait_stands_in_for_the_default() -> None:
    assert Settings.from_env({}, configured_wait=30.0).registry_wait == 30.0
    assert Settings.from_env({"EVIDENCE_REGISTRY_WAIT": " "}, configured_wait=30.0
                             ).registry_wait == 30.0


def test_the_environment_beats_the_configured_wait_and_a_flag_beats_both() -> None:
    env = {"EVIDENCE_REGISTRY_WAIT": "4"}
    assert Settings.from_env(env, configured_wait=30.0).registry_wait == 4.0
    assert Settings.from_env(env, configured_wait=30.0, registry_wait=2.0).registry_wait == 2.0


def test_only_settings_read_the_evidence_environment() -> None:
    """Settings are read in one place: a second reader would decide precedence on its own.

    A name kept in a constant is read all the same (``os.environ.get(NAME)``): so no module
    but config.py spells a whole ``EVIDENCE_*`` name (messages may mention one), and none
    reads the environment by a key that is not written where it is read.
    """
    package = Path(evidence.__file__).parent
    offenders = [f"{path.relative_to(package)}:{line}: {what}"
                 for path in sorted(package.rglob("*.py")) if path.name != "config.py"
                 for line, what in _environment_reads(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_reader_through_a_constant_is_found() -> None:
    """The finder above is not vacuous: each way the service once read a setting is found."""
    found = _environment_reads(
        'import os\nNAME = "EVIDENCE_SERVE_MODE"\nmode = os.environ.get(NAME)\n'
        'url = os.getenv(key)\nhost = os.environ[key]\ncolour = "NO_COLOR" in os.environ\n')
    assert [line for line, _ in found] == [2, 3, 4, 5]


_READS = {"get", "getenv", "pop"}
_EVIDENCE_NAME = re.compile(r"EVIDENCE_[A-Z_]*[A-Z]")


def _environment_reads(source: str) -> list[tuple[int, str]]:
    """The lines that spell an ``EVIDENCE_*`` name whole, or read the environment by a key
    that is not a string written there (``os.environ.get(NAME)``, ``os.environ[key]``)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and _EVIDENCE_NAME.fullmatch(node.value)):
            found.append((node.lineno, f"the name {node.value}"))
        key = _read_key(node)
        if key is not None and not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            found.append((node.lineno, f"the environment read by {ast.unparse(key)}"))
    return sorted(set(found))


def _read_key(node: ast.AST) -> ast.expr | None:
    """The key of ``environ.get(KEY)``, ``getenv(KEY)`` or ``environ[KEY]``, else None."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return node.slice
    if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
        func = node.func
        if func.attr == "getenv" or (func.attr in _READS and _is_environ(func.value)):
            return node.args[0]
    return None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ")


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_a_server_process_gets_the_serving_commands_flags(offline: bool) -> None:
    """`evidence serve --workers N` passes its flags through the environment of its processes;
    each process reads them back through the settings, as any other setting."""
    serving = Settings(database_url="sqlite:///x.db", mailto="a@example.org", offline=offline)
    environment = {"EVIDENCE_REGISTRY_WAIT": "7", **serving.server_environment()}
    process = Settings.for_server_process(environment)
    assert process.offline is offline
    assert (process.database_url, process.mailto) == ("sqlite:///x.db", "a@example.org")
    assert process.registry_wait == 7.0
    assert Settings.from_env(environment).offline is False  # only a server process reads it
