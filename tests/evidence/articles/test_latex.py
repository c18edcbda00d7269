"""LaTeX manuscripts: prose, citation commands, footnotes, what is not prose, \\input."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.articles import parse_article, read_article
from evidence.errors import InputError
from tests.evidence.articles.manuscripts import MANUSCRIPTS


def _markers(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    article = parse_article(text, path="paper.tex", format="latex")
    return [(m.kind, m.text, m.targets) for s in article.sentences for m in s.markers]


def test_example_manuscript_reads_like_the_markdown_example() -> None:
    article = read_article(MANUSCRIPTS / "spine-pain.tex")
    assert article.format == "latex"
    assert article.title == "Physical Therapy for Back and Neck Pain"
    assert article.bibliography == ("spine-pain.bib",)
    headings = [s.text for s in article.sentences if s.kind == "heading"]
    assert headings == [
        "What happens at the first visit?",
        "Does it work?",
        "How long does treatment take?",
        "Will my insurance pay for it?",
    ]
    items = [s.text for s in article.sentences if s.kind == "list-item"]
    assert len(items) == 5 and items[0].startswith("Graded exercise: movements")
    markers = [(m.line, m.kind, m.text, m.targets) for s in article.sentences for m in s.markers]
    assert markers == [
        (30, "latex", "\\citep{hayden2021}", ("hayden2021",)),
        (32, "latex", "\\citep[p.~1004]{kreiner2020}", ("kreiner2020",)),
    ]
    text = " ".join(s.text for s in article.sentences)
    assert "99" not in text  # neither the comment nor the equation is prose
    assert "plainnat" not in text


def test_every_cite_command_with_several_keys_and_notes() -> None:
    found = _markers(
        "A \\cite{a}. B \\citep[see][p.~2]{b, c}. C \\citet{d}. D \\autocite{e}. "
        "E \\parencite[ch.~3]{f}. F \\textcite{g}."
    )
    assert [targets for _, _, targets in found] == [
        ("a",), ("b", "c"), ("d",), ("e",), ("f",), ("g",)
    ]
    assert all(kind == "latex" for kind, _, _ in found)
    assert found[1][1] == "\\citep[see][p.~2]{b, c}"


def test_footnote_is_a_paragraph_of_its_own() -> None:
    article = parse_article(
        "Exercise helps.\\footnote{Most plans pay for it \\cite{x}.} It is cheap.\n",
        path="paper.tex", format="latex",
    )
    by_paragraph = {(s.paragraph, s.text) for s in article.sentences}
    assert (0, "Exercise helps. It is cheap.") in {
        (p, " ".join(t for q, t in sorted(by_paragraph) if q == p)) for p, _ in by_paragraph
    }
    note = [s for s in article.sentences if s.text.startswith("Most plans")]
    assert len(note) == 1 and note[0].markers[0].targets == ("x",)
    assert note[0].paragraph != article.sentences[0].paragraph


def test_tables_figures_and_math_are_not_prose() -> None:
    article = parse_article(
        "\\begin{figure}\\includegraphics{x.png}\\caption{Pain fell by half.}\\end{figure}\n\n"
        "\\begin{table}\\begin{tabular}{ll} 90\\% & cured \\\\ \\end{tabular}\\end{table}\n\n"
        "The risk was $p < 0.05$ in the trial.\n\n"
        "\\begin{align} x &= 1 \\end{align}\n",
        path="paper.tex", format="latex",
    )
    assert [s.text for s in article.sentences] == [
        "Pain fell by half.",
        "The risk was p < 0.05 in the trial.",
    ]


def test_thebibliography_entries_keep_their_keys() -> None:
    article = parse_article(
        "Exercise reduces pain \\cite{hay}.\n\n\\begin{thebibliography}{9}\n"
        "\\bibitem{hay} Hayden JA, et al. Exercise therapy for chronic low back pain. "
        "Cochrane Database Syst Rev. 2021;9:CD009790. doi:10.1002/14651858.CD009790.pub2\n"
        "\\end{thebibliography}\n",
        path="paper.tex", format="latex",
    )
    (entry,) = article.references
    assert (entry.key, entry.label, entry.doi, entry.line) == (
        "hay", "1", "10.1002/14651858.cd009790.pub2", 4
    )
    assert [s.text for s in article.sentences] == ["Exercise reduces pain [@hay].", "References"]


def test_input_is_followed_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "intro.tex").write_text("Most plans pay for therapy.\n")
    main = tmp_path / "paper.tex"
    main.write_text("Opening words.\n\n\\input{sections/intro}\n\nClosing words.\n")
    article = read_article(main)
    assert [(s.line, s.text) for s in article.sentences] == [
        (1, "Opening words."),
        (3, "Most plans pay for therapy."),  # the line of the \input that brought it
        (5, "Closing words."),
    ]


def test_input_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.tex").write_text("Private.\n")
    (tmp_path / "paper").mkdir()
    main = tmp_path / "paper" / "paper.tex"
    main.write_text("Text.\n\n\\input{../secret}\n")
    with pytest.raises(InputError, match="outside the article's folder"):
        read_article(main)


def test_input_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.tex").write_text("A.\n\\input{b}\n")
    (tmp_path / "b.tex").write_text("B.\n\\input{a}\n")
    with pytest.raises(InputError, match="deep"):
        read_article(tmp_path / "a.tex")


def test_input_is_not_read_without_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.tex").write_text("Private words.\n")
    monkeypatch.chdir(tmp_path)  # even a file next to where the service runs is not read
    article = parse_article("Text.\n\n\\input{secret}\n", path="paper.tex", format="latex")
    assert [s.text for s in article.sentences] == ["Text."]
    assert article.problems == ("\\input{secret} not read: the article came with no folder",)


def test_nesting_without_end_is_refused_quickly() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        parse_article("{" * 20_000 + "x" + "}" * 20_000, path="deep.tex", format="latex")
