"""write_whole: atomic, the umask's mode, and errors that name the file asked for."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from evidence.errors import InputError
from evidence.files import write_whole


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    saved = os.umask(0o022)
    os.umask(saved)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umasks_mode(tmp_path: Path, umask: Callable[[int], None], mask: int,
                                         expected: int) -> None:
    umask(mask)
    target = tmp_path / "report.html"
    write_whole(target, "<p>hello</p>\n")
    assert target.read_text(encoding="utf-8") == "<p>hello</p>\n"
    assert _mode(target) == expected


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_whole(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert _mode(target) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_a_missing_folder_names_the_file_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    with pytest.raises(InputError) as caught:
        write_whole(target, "text")
    message = str(caught.value)
    assert str(target) in message and "does not exist" in message
    assert ".tmp" not in message


def test_make_folder_creates_it(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "baseline.json"
    write_whole(target, "{}\n", what="baseline", make_folder=True)
    assert target.read_text(encoding="utf-8") == "{}\n"


def test_an_unwritable_folder_names_the_file_not_the_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    target = folder / "export.bib"
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: a file as folder fails for all
            target = tmp_path / "plain-file" / "export.bib"
            (tmp_path / "plain-file").write_text("", encoding="utf-8")
        with pytest.raises(InputError) as caught:
            write_whole(target, "text", what="export")
    finally:
        folder.chmod(0o700)
    assert f"export {target}" in str(caught.value)
    assert ".tmp" not in str(caught.value)
