"""Progress on a terminal (stderr a real pty), and none when stderr is a pipe or a file."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from evidence.progress import TerminalProgress

EXAMPLES = Path(__file__).parents[3] / "examples"
RUN = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"


def _check(tmp_path: Path, stderr: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN, "--database", f"sqlite:///{tmp_path / 'store.db'}",
         "check", "--offline", "--fail-on", "never", str(EXAMPLES)],
        stdout=subprocess.PIPE, stderr=stderr)


def _read_all(fd: int) -> str:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_check_shows_its_stages_on_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    process = _check(tmp_path, follower)
    os.close(follower)
    shown = _read_all(leader)
    os.close(leader)
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    # examples/ holds three articles and a .bib that spine-pain.md names (README not read)
    assert "reading 4 files [" in shown
    assert "resolving 2 DOIs [" in shown
    assert "finding claims in 3 articles [" in shown
    assert "] 3/3" in shown and "\r" in shown
    assert b"finding claims" not in out  # the report on stdout carries no progress


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    process = _check(tmp_path, subprocess.PIPE)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0
    assert b"finding claims" not in err and b"\r" not in err


def test_retries_are_said_with_what_is_retried() -> None:
    stream = io.StringIO()  # not a terminal: no bars, but the retry is still said
    with TerminalProgress(stream) as progress:
        advance = progress.stage("resolving 2 DOIs", 2)
        advance(1)
        progress.on_retry("https://api.crossref.org/works/10.5555/x", 4.0,
                          "no answer within 20s")
    assert stream.getvalue() == ("retrying https://api.crossref.org/works/10.5555/x in 4.0 s: "
                                 "no answer within 20s\n")
