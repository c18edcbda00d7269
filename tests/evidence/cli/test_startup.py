"""What a warm, offline check of a plain-text article imports (issue 5's start-up target),
and what ``--help`` imports (issue 14's: every command line call pays it).

Counted in a fresh process, not timed: the time belongs to benchmarks/check.py and
benchmarks/startup.py. Each module named here costs tens of milliseconds and serves only
another path (migrating, the network, the service, the job engine, another input or report
format), so one creeping back into start-up fails here first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[3] / "examples" / "spine-pain.txt"
NOT_NEEDED = ("alembic", "httpx", "jinja2", "markdown_it", "bs4", "bibtexparser", "mako",
              "fastapi", "starlette", "uvicorn", "procrastinate", "psycopg", "pdfminer", "docx",
              "lxml")
NOT_FOR_HELP = (*NOT_NEEDED, "sqlalchemy", "asyncio", "refs", "pysbd", "rapidfuzz")
"""``--help`` needs click and the command modules' shells, none of what a command runs."""

PROBE = """
import json, sys
from evidence.cli import main
code = main(["--database", sys.argv[1], "check", "--offline", "--format", "text", sys.argv[2]])
print(json.dumps({"code": code,
                  "loaded": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def _run(store: str, article: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, store, str(article)],
                          capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_warm_offline_check_imports_only_what_it_uses(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    first = _run(store, EXAMPLE)  # creates and migrates the store: Alembic may load here
    again = _run(store, EXAMPLE)
    assert first["code"] == again["code"] == 0  # warnings only: below the default --fail-on
    loaded = again["loaded"]
    assert isinstance(loaded, list)
    assert [name for name in NOT_NEEDED if name in loaded] == []
    assert "evidence" in loaded and "pysbd" in loaded  # the probe did run a check


def test_markdown_and_html_readers_load_when_their_format_comes(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    article = tmp_path / "a.md"
    article.write_text("# A\n\nExercise reduces pain by 30% [@x].\n", encoding="utf-8")
    loaded = _run(store, article)["loaded"]
    assert isinstance(loaded, list) and "markdown_it" in loaded


HELP_PROBE = """
import json, sys
from evidence.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}))
"""


def _help(*args: str) -> tuple[str, dict[str, object]]:
    done = subprocess.run([sys.executable, "-c", HELP_PROBE, *args],
                          capture_output=True, text=True, check=True)
    *shown, last = done.stdout.strip().splitlines()
    result: dict[str, object] = json.loads(last)
    return "\n".join(shown), result


def _packages(loaded: object) -> set[str]:
    assert isinstance(loaded, list)
    return {name.split(".")[0] for name in loaded}


def test_help_imports_no_command_s_machinery() -> None:
    shown, result = _help("--help")
    assert result["code"] == 0
    assert "worker" in shown and "check" in shown and "serve" in shown  # every command listed
    loaded = result["loaded"]
    assert sorted(_packages(loaded) & set(NOT_FOR_HELP)) == []
    assert isinstance(loaded, list)
    assert [name for name in loaded if name.startswith("evidence.")
            and not name.startswith(("evidence.cli", "evidence.config", "evidence.errors",
                                     "evidence.vocabulary", "evidence.wording"))] == []


def test_a_command_s_help_loads_no_more_than_the_command_line() -> None:
    for command in ("check", "worker", "serve", "resolve", "export"):
        shown, result = _help(command, "--help")
        assert result["code"] == 0 and f"evidence {command}" in shown
        assert sorted(_packages(result["loaded"]) & set(NOT_FOR_HELP)) == [], command
