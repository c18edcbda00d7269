"""What a warm, offline check of a plain-text article imports (issue 5's start-up target).

Counted in a fresh process, not timed: the time belongs to benchmarks/check.py. Each module
named here costs tens of milliseconds and serves only another path (migrating, the network,
another input or report format), so one creeping back into start-up fails here first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[3] / "examples" / "spine-pain.txt"
NOT_NEEDED = ("alembic", "httpx", "jinja2", "markdown_it", "bs4", "bibtexparser", "mako")

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
