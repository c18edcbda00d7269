from __future__ import annotations

from pathlib import Path

import pytest

from evidence.audit.findings import Finding, Severity
from evidence.checkconfig import CheckConfig, apply_config, load_config, read_config_file
from evidence.errors import InputError

PYPROJECT = """\
[project]
name = "docs"

[tool.evidence]
paths = ["docs/**/*.md", "README.md"]
fail-on = "warning"
baseline = "evidence-baseline.json"
disable = ["uncited-reference"]

[tool.evidence.severity]
unsupported-claim = "error"
weak-support = "off"
"""


def finding(rule: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(rule=rule, severity=severity, path="a.md", line=1, message="m")


def test_pyproject_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    config = load_config(tmp_path / "docs" / "guide")
    assert config.source == tmp_path / "pyproject.toml"
    assert config.severity == {"unsupported-claim": Severity.ERROR}
    assert config.disabled == {"uncited-reference", "weak-support"}
    assert config.paths == ("docs/**/*.md", "README.md")
    assert config.fail_on == "warning"
    assert config.baseline == tmp_path / "evidence-baseline.json"


def test_evidence_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "evidence.toml").write_text('fail_on = "never"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.source == tmp_path / "evidence.toml" and config.fail_on == "never"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text('fail-on = "note"\n', encoding="utf-8")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(inner).fail_on == "note"


def test_the_search_stops_at_a_git_folder(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text('fail-on = "note"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert load_config(repo) == CheckConfig()


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('[severity]\nno-such-rule = "error"\n', "severity.no-such-rule"),
        ('[severity]\nunsupported-claim = "fatal"\n', "severity.unsupported-claim"),
        ('disable = ["unsupported-claims"]\n', "disable"),
        ('fail-on = "sometimes"\n', "fail-on"),
        ('paths = "docs"\n', "paths"),
        ('colour = true\n', "colour"),
        ("fail-on = \n", "not valid TOML"),
        ("registry-wait = 0\n", "registry-wait"),
        ("registry-wait = -5\n", "registry-wait"),
        ('registry-wait = "60"\n', "registry-wait"),
        ("registry-wait = true\n", "registry-wait"),
        ("registry-wait = inf\n", "registry-wait"),
        ("registry-wait = nan\n", "registry-wait"),
    ],
    ids=["unknown-rule", "bad-severity", "unknown-disabled-rule", "bad-fail-on",
         "paths-not-a-list", "unknown-key", "not-toml", "wait-zero", "wait-negative",
         "wait-string", "wait-bool", "wait-inf", "wait-nan"],
)
def test_bad_configuration_names_the_file_and_the_key(tmp_path: Path, content: str,
                                                      key: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(tmp_path)
    assert str(path) in str(caught.value) and key in str(caught.value)


def test_registry_wait_is_read_in_seconds(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text("registry-wait = 12.5\n", encoding="utf-8")
    assert load_config(tmp_path).registry_wait == 12.5
    (tmp_path / "evidence.toml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.evidence]\nregistry-wait = 3\n",
                                             encoding="utf-8")
    assert load_config(tmp_path).registry_wait == 3.0
    assert CheckConfig().registry_wait is None  # unset: the environment's, or the default


def test_errors_in_pyproject_name_the_tool_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.evidence.severity]\nunsupported-claim = "loud"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"tool\.evidence\.severity\.unsupported-claim"):
        read_config_file(path)


def test_apply_config_drops_disabled_rules_and_overrides_severity() -> None:
    config = CheckConfig(severity={"unsupported-claim": Severity.ERROR},
                         disabled=frozenset({"uncited-reference"}))
    findings = [finding("unsupported-claim"), finding("uncited-reference", Severity.NOTE),
                finding("weak-support")]
    out = apply_config(findings, config)
    assert [(f.rule, f.severity) for f in out] == [("unsupported-claim", Severity.ERROR),
                                                  ("weak-support", Severity.WARNING)]


def test_the_empty_config_changes_nothing() -> None:
    findings = [finding("unsupported-claim"), finding("weak-support", Severity.NOTE)]
    assert apply_config(findings, CheckConfig()) == findings


def test_expand_paths_reads_globs_against_the_config_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "docs" / "a").mkdir(parents=True)
    for name in ("docs/a/two.md", "docs/one.md", "README.md", "docs/skip.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    config = load_config(tmp_path / "docs")
    assert config.expand_paths() == [tmp_path / "docs/a/two.md", tmp_path / "docs/one.md",
                                     tmp_path / "README.md"]


def test_expand_paths_refuses_a_pattern_that_matches_nothing(tmp_path: Path) -> None:
    (tmp_path / "evidence.toml").write_text('paths = ["chapters/*.md"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="chapters/\\*.md"):
        load_config(tmp_path).expand_paths()
