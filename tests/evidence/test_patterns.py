"""LazyPattern: the answers of ``re.compile``, compiled at the first search, not at import."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from evidence.patterns import LazyPattern

TEXT = "Smith et al. (2020) and Jones (2019); see [1-3], [^note] and 10.1000/xyz."
PATTERNS = [(r"\b([A-Z]\w+)\s+(?:et al\.\s+)?\((\d{4})\)", 0), (r"\[(\d)-(\d)\]", 0),
            (r"(?P<cue>JONES)", re.IGNORECASE), (r"\s*[;,]\s*", 0)]


def _shown(match: re.Match[str] | None) -> object:
    return None if match is None else (match.span(), match.groups())


def test_answers_as_the_compiled_pattern() -> None:
    for source, flags in PATTERNS:
        lazy, compiled = LazyPattern(source, flags), re.compile(source, flags)

        def same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
            return _shown(a) == _shown(b)

        assert same(lazy.search(TEXT), compiled.search(TEXT))
        assert same(lazy.search(TEXT, 10, 40), compiled.search(TEXT, 10, 40))
        assert same(lazy.match(TEXT), compiled.match(TEXT))
        assert same(lazy.fullmatch(TEXT), compiled.fullmatch(TEXT))
        assert [_shown(m) for m in lazy.finditer(TEXT)] == [
            _shown(m) for m in compiled.finditer(TEXT)]
        assert lazy.sub("#", TEXT) == compiled.sub("#", TEXT)
        assert lazy.sub(lambda m: m.group().upper(), TEXT, 1) == compiled.sub(
            lambda m: m.group().upper(), TEXT, 1)
        assert lazy.split(TEXT, 2) == compiled.split(TEXT, 2)
        assert dict(lazy.groupindex) == dict(compiled.groupindex)
        assert (lazy.pattern, lazy.flags) == (compiled.pattern, flags)  # flags as given
        assert lazy.compiled.flags == compiled.flags


def test_compiles_once_on_first_use() -> None:
    lazy = LazyPattern(r"\d+")
    assert lazy._compiled is None
    assert lazy.search("a 12")
    first = lazy.compiled
    assert lazy.search("b 3") and lazy.compiled is first


def test_a_bad_pattern_fails_when_used() -> None:
    lazy = LazyPattern("(unclosed")  # made without error: nothing is compiled yet
    with pytest.raises(re.error, match="missing \\)"):
        lazy.search("text")


def test_the_claim_rules_and_marker_finders_compile_nothing_at_import() -> None:
    probe = """
import json, gc
import evidence.articles.markers as markers, evidence.claims.rules as rules
from evidence.patterns import LazyPattern
held = [o for o in gc.get_objects() if isinstance(o, LazyPattern)]
print(json.dumps({"held": len(held), "compiled": sum(o._compiled is not None for o in held),
                  "markers": sum(isinstance(v, LazyPattern) for v in vars(markers).values()),
                  "rules": len(rules.PREFILTERED)}))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    found = json.loads(done.stdout)
    assert found["markers"] >= 10 and found["rules"] >= 50
    assert found["held"] >= found["rules"]
    assert found["compiled"] == 0
