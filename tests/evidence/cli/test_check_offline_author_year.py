"""Author-year markers link offline: with no registry record, a reference's first author and
year are read from the reference as written (the reference parser for a reference list, the
fields of a bibliography file's entry), so ``(Hayden et al., 2021)`` finds its reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ARTICLE = "\n".join([
    "# Back pain",
    "",
    "Exercise therapy reduces pain in chronic low back pain compared with usual care "
    "(Hayden et al., 2021).",
    "",
    "Spinal manipulation gives a benefit similar to that of other recommended therapies "
    "(Rubinstein and de Zoete 2019).",
    "",
    "Heat wraps relieve acute low back pain within five days (French et al., 2006).",
    "",
    "Bed rest does not help acute low back pain (van Tulder et al., 1997).",
    "",
    "## References",
    "",
    "Hayden, J. A., Ellis, J., Ogilvie, R., Malmivaara, A., & van Tulder, M. W. (2021). "
    "Exercise therapy for chronic low back pain. Cochrane Database of Systematic Reviews, 9, "
    "CD009790.",
    "",
    "Rubinstein SM, de Zoete A, van Middelkoop M, Assendelft WJJ, de Boer MR, van Tulder MW. "
    "Benefits and harms of spinal manipulative therapy for the treatment of chronic low back "
    "pain. BMJ. 2019;364:l689.",
    "",
    "van Tulder MW, Koes BW, Bouter LM. Conservative treatment of acute and chronic "
    "nonspecific low back pain. Spine. 1997;22(18):2128-56.",
    "",
])
"""Three references in two styles (APA, Vancouver); names with a particle cited as a second
author (``de Zoete``) and as the first (``van Tulder``); French 2006 is in none."""

BIB_ARTICLE = ("Exercise therapy reduces pain in chronic low back pain compared with usual "
               "care (Hayden et al., 2021).\n")

BIB = """\
@article{hayden2021,
  author = {Hayden, Jill A. and Ellis, Jenny},
  title = {Exercise therapy for chronic low back pain},
  journal = {Cochrane Database of Systematic Reviews},
  year = {2021},
}
"""


def check(evidence: Any, *args: str) -> dict[str, Any]:
    run = evidence("check", *args, "--format", "json", "--offline")
    assert run.code in (0, 1), run.err
    (article,) = json.loads(run.out)["articles"]
    return dict(article)


def test_a_reference_lists_markers_link_offline(evidence: Any, tmp_path: Path) -> None:
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")
    article = check(evidence, "article.md")
    # Offline, nothing is resolved: the links rest on the written references alone.
    assert {r["status"] for r in article["references"]} == {"unverified"}
    sources = {c["line"]: [(s["reference"], s["how"], s["marker"]) for s in c["sources"]]
               for c in article["claims"]}
    assert sources[3] == [(0, "marker", "(Hayden et al., 2021)")]
    assert sources[5] == [(1, "marker", "(Rubinstein and de Zoete 2019)")]
    # A marker that names no reference of the list is still unknown, never guessed.
    assert sources[7] == []
    assert sources[9] == [(2, "marker", "(van Tulder et al., 1997)")]
    assert [u["marker"] for u in article["unknown_citations"]] == ["(French et al., 2006)"]


def test_a_bibliography_files_entries_link_offline(evidence: Any, tmp_path: Path) -> None:
    (tmp_path / "article.md").write_text(BIB_ARTICLE, encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    article = check(evidence, "article.md", "--bib", "refs.bib")
    (claim,) = article["claims"]
    assert [(s["reference"], s["how"]) for s in claim["sources"]] == [(0, "marker")]
    assert article["unknown_citations"] == []
