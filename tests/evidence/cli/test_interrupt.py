"""Ctrl-C and SIGTERM stop a long check at once and store nothing of it (a real signal to a
real process: the handlers only matter where the operating system delivers them)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence.cli import main

SENTENCES = 90_000
"""About 8 MB of claims: some 25 s of analysis on an idle machine, more when loaded."""


RUN = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"


def _article(path: Path) -> Path:
    # Made up here: every sentence states a figure and cites nothing, so each one is a claim.
    lines = [f"Group {n} improved by {n % 90 + 1} percent after {n % 17 + 2} sessions of therapy."
             for n in range(SENTENCES)]
    path.write_text("\n\n".join(" ".join(lines[i:i + 5]) for i in range(0, SENTENCES, 5)),
                    encoding="utf-8")
    return path


def _stored_articles(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM article").fetchone()
    return int(count)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_check_promptly_and_stores_nothing(
    tmp_path: Path, signum: int, code: int
) -> None:
    database = tmp_path / "store.db"
    url = f"sqlite:///{database}"
    assert main(["--database", url, "db", "upgrade"]) == 0  # the schema, before the run
    article = _article(tmp_path / "long.txt")
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, "--database", url, "check", "--offline",
         "--max-article-size", "0", str(article)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # started, and well into reading the article
    assert process.poll() is None, process.communicate()
    sent = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    waited = time.monotonic() - sent
    assert process.returncode == code
    assert waited < 10, f"took {waited:.1f} s to stop"  # the whole run takes ~25 s or more
    assert f"stopped by {signal.Signals(signum).name}" in err
    assert _stored_articles(database) == 0
