"""A plain-text suppression is not prose, and the claim it covers is not listed as unsupported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARTICLE = """Back pain

Most adults have back pain at some point.
# evidence: ignore unsupported-claim: common knowledge
About 80 percent of adults have back pain at some point in life.

Exercise helps many people. Half of patients improve within weeks. SUPPRESS
""".replace("SUPPRESS", "# evidence: ignore unsupported-claim: said in the next section")


def test_a_plain_text_suppression_is_not_read_into_the_claim(evidence: Any,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "pain.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    run = evidence("check", "--offline", "--format", "json", str(path))
    report = json.loads(run.out)
    listed = [c for c in report["articles"][0]["claims"] if c["needs_support"]]
    claims = {c["line"]: c for c in listed}
    assert claims[5]["text"] == ("About 80 percent of adults have back pain at some point "
                                 "in life.")
    assert claims[5]["suppressed"] == "common knowledge"
    assert claims[5]["status"] == "no-source-needed"
    # A suppression on a line covers the findings of that line: both sentences of line 7.
    on_seven = [(c["text"], c["suppressed"]) for c in listed if c["line"] == 7]
    assert on_seven == [("Exercise helps many people.", "said in the next section"),
                        ("Half of patients improve within weeks.", "said in the next section")]
    assert claims[3]["status"] == "unsupported" and claims[3]["suppressed"] is None
    assert [f["line"] for f in report["findings"] if f["rule"] == "unsupported-claim"] == [3]
    text = evidence("check", "--offline", str(path)).out
    assert "evidence: ignore" not in text.split("\n\n")[0]  # not in the claims listed
    assert "1 unsupported, 3 suppressed" in text


LATEX = r"""\documentclass{article}
\title{Back pain}
\begin{document}
\maketitle
About 80 percent of adults have ``back pain'' at some point. SUPPRESS

Half of patients improve within weeks. % evidence: ignore unsupported-claim: the textbook figure
\end{document}
""".replace("SUPPRESS", "% evidence: ignore unsupported-claim: the ``textbook'' figure")


def test_a_latex_suppression_quoting_with_backticks_still_suppresses(evidence: Any,
                                                                     tmp_path: Path) -> None:
    """In LaTeX, backticks open quotations (``so''): a line quoting before its suppression
    and in its reason holds no inline code, and the suppression is meant."""
    path = tmp_path / "pain.tex"
    path.write_text(LATEX, encoding="utf-8")
    report = json.loads(evidence("check", "--offline", "--format", "json", str(path)).out)
    claims = {c["line"]: c for c in report["articles"][0]["claims"] if c["needs_support"]}
    assert claims[5]["suppressed"] == "the ``textbook'' figure"
    assert claims[7]["suppressed"] == "the textbook figure"
    assert [f for f in report["findings"] if f["rule"] == "unsupported-claim"] == []
