"""evidence.loading: a command's modules load with no collection and are frozen after, once.

Each case runs in a fresh process: freezing is for the whole process, and the test runner's
own objects are not this test's to freeze.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "spine-pain.txt"


def _run(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_collects_nothing_inside_and_freezes_once() -> None:
    result = _run("""
import gc, json
from evidence.loading import importing
collections = gc.get_stats()[0]["collections"]
with importing():
    inside = gc.isenabled()
    made = [[i] for i in range(50_000)]  # would set off young collections, were it enabled
    quiet = gc.get_stats()[0]["collections"] == collections
first = gc.get_freeze_count()
kept = [[i] for i in range(1_000)]
with importing():
    pass
print(json.dumps({"inside": inside, "quiet": quiet, "after": gc.isenabled(), "first": first,
                  "made": len(made), "second": gc.get_freeze_count()}))
""")
    assert result["inside"] is False and result["quiet"] is True
    assert result["after"] is True  # the collector runs again once the modules are loaded
    first = result["first"]
    assert isinstance(first, int) and first >= 50_000
    assert result["second"] == first  # the second command of a process froze nothing more


def test_a_disabled_collector_stays_disabled() -> None:
    result = _run("""
import gc, json
from evidence.loading import importing
gc.disable()
with importing():
    pass
print(json.dumps({"after": gc.isenabled()}))
""")
    assert result["after"] is False


def test_a_check_loads_its_modules_frozen_and_runs_with_the_collector(tmp_path: Path) -> None:
    result = _run("""
import gc, json, sys
from evidence.cli import main
code = main(["--database", sys.argv[1], "check", "--offline", sys.argv[2]])
print(json.dumps({"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count(),
                  "checked": "evidence.check" in sys.modules}))
""", f"sqlite:///{tmp_path / 'store.db'}", str(EXAMPLE))
    assert result["code"] == 0 and result["checked"] is True
    assert result["enabled"] is True
    frozen = result["frozen"]
    assert isinstance(frozen, int) and frozen > 10_000  # the check's modules, SQLAlchemy's...


def test_freezing_after_work_collects_its_garbage_first() -> None:
    code = """
import gc, json, sys, weakref
from evidence.loading import freeze_loaded
gc.disable()
class Node:
    pass
node = Node()
node.itself = node  # a cycle: only the collector frees it
gone = weakref.ref(node)
del node
freeze_loaded(collect=sys.argv[1] == "collect")
gc.enable()
gc.collect()
print(json.dumps({"freed": gone() is None}))
"""
    assert _run(code, "collect")["freed"] is True
    assert _run(code, "no")["freed"] is False  # frozen garbage is kept: why collect exists
