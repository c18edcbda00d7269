"""A long article is read whole: every sentence of every paragraph, each on its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.articles import read_article
from evidence.errors import InputError

REFERENCES = (
    "References\n\n"
    "1. Hayden JA, et al. Exercise therapy for chronic low back pain. Cochrane Database Syst "
    "Rev. 2021;9:CD009790.\n"
    "2. Kreiner DS, et al. Guideline summary review. Spine J. 2020;20(7):998-1024.\n"
)


def paragraph(i: int) -> list[str]:
    """The sentences of paragraph ``i``, as they should be read; half of them plain."""
    if i % 2:
        return [
            f"Patients in group {i} attended {i % 9 + 3} sessions over {i % 5 + 2} weeks.",
            "Most of them kept doing their home exercises on most days.",
            f"Did group {i} return to work?",
            "Nearly all of them did, and they said the advice helped.",
        ]
    return [
        f"Dr. Lee saw group {i} again after {i % 6 + 1} months, e.g. to test how far they walked.",
        f"Pain scores fell by {i % 7}.{i % 10} points on a 10-point scale (Hayden et al., 2021).",
        "The guideline recommends exercise as part of care [2].",
    ]


def test_a_two_megabyte_article_loses_no_sentence(tmp_path: Path) -> None:
    paragraphs = [paragraph(i) for i in range(10_000)]
    body = "\n\n".join(" ".join(sentences) for sentences in paragraphs)
    path = tmp_path / "long.txt"
    path.write_text(f"A long article\n\n{body}\n\n{REFERENCES}", encoding="utf-8")
    assert path.stat().st_size > 2_000_000

    article = read_article(path)

    read = [s for s in article.sentences if s.kind == "sentence"]
    expected = [(3 + 2 * k, text) for k, sentences in enumerate(paragraphs) for text in sentences]
    assert [(s.line, s.text) for s in read] == expected
    assert [s.paragraph for s in read[-3:]] == [read[-1].paragraph] * 3
    assert [r.text[:9] for r in article.references] == ["Hayden JA", "Kreiner D"]
    cited = [m.targets for s in read for m in s.markers]
    assert cited.count(("2",)) == cited.count(("hayden 2021",)) == 5_000


def test_an_article_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Exercise helps " * 160_000, encoding="utf-8")  # 2,400,000 bytes
    with pytest.raises(InputError) as refused:
        read_article(path, max_bytes=2_000_000, raise_limit="use --max-article-size 3")
    said = str(refused.value)
    assert said.startswith(f"{path}: the article is 2.4 MB (2,400,000 bytes)")
    assert "over the limit of 2.0 MB (2,000,000 bytes)" in said
    assert "use --max-article-size 3 to check it whole" in said
    (whole,) = read_article(path, max_bytes=2_400_000).sentences  # at the limit: read
    assert len(whole.text) == 2_400_000 - 1
