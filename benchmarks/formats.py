"""Manuscript formats: how fast each reader reads a 50-page article, and how much of a PDF's
citation markers and reference DOIs the PDF reader recovers, against the article's own text.

Ground truth: ``/work/shared/data/linking/plos-links.jsonl`` (117 PLOS articles, CC BY / CC0;
authors, titles and licences per article in ``/work/shared/data/claims/jats-articles.jsonl``):
each body sentence with the references its markers cite, and the reference list with DOIs,
taken from the publisher's JATS XML. Each article is written out as HTML (the sentences, a
numbered marker where the XML had citations, the numbered reference list with its DOIs) and
printed to PDF by headless Chromium in two layouts: one column with ``[n]`` markers, and two
columns with superscript markers. The PDF reader then reads the PDF; its markers and DOIs are
compared with the truth. The HTML reader reading the same HTML is the baseline (what the
marker patterns find when no PDF is in between).

A third layout is typeset by TeX: the article written as LaTeX (``\\cite`` and a
``thebibliography`` list, so ``[n]`` markers, justified text, TeX's hyphenation) and set by
pdflatex; its baseline is the LaTeX reader on the same ``.tex``.

The articles are split once: ``--split dev`` (the first 8, used while building the reader)
and ``--split held-out`` (the next 24, run once for the figures reported apart).

Speed: the dev articles concatenated to about 50 printed pages, written as PDF (Chromium and
pdflatex), Word (python-docx, and that file saved by LibreOffice), LaTeX, JATS XML, HTML and
Markdown, each read whole by ``parse_bytes`` (best of 3).

    .venv/bin/python benchmarks/formats.py --split dev
    .venv/bin/python benchmarks/formats.py --split held-out --no-speed
"""

from __future__ import annotations

import argparse
import html
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _machine import describe, repo_root_on_path

repo_root_on_path()

from evidence.articles import Article, parse_bytes  # noqa: E402
from refs import normalize_doi  # noqa: E402

DATA = Path("/work/shared/data/linking/plos-links.jsonl")
SPLITS = {"dev": slice(0, 8), "held-out": slice(8, 32)}
ONE_COLUMN = "body { font: 11pt serif; margin: 2cm; }"
LAYOUTS = ("bracket", "superscript", "latex")
TWO_COLUMNS = (
    "body { font: 9.5pt serif; } .cols { column-count: 2; column-gap: 1.5em; } "
    "sup { font-size: 6.5pt; }"
)


def load(split: str) -> list[dict[str, Any]]:
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines][SPLITS[split]]


def labels(article: dict[str, Any]) -> dict[str, int]:
    return {ref["id"]: ref["n"] for ref in article["references"]}


def group(numbers: list[int]) -> str:
    """``1,4–6`` for 1, 4, 5, 6: runs of three or more as a range, as journals print them."""
    numbers = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{numbers[start]}\u2013{numbers[end]}")
        else:
            parts.extend(str(n) for n in numbers[start : end + 1])
        start = end + 1
    return ",".join(parts)


def sentence_html(text: str, cited: list[int], style: str) -> str:
    text = html.escape(text)
    if not cited:
        return text
    if style == "bracket":
        body, end = (text[:-1], text[-1]) if text[-1:] in ".?!" else (text, "")
        return f"{body} [{group(cited)}]{end}"
    return f"{text}<sup>{group(cited)}</sup>"


def reference_text(ref: dict[str, Any]) -> str:
    text = ref["text"]
    if ref["doi"] and ref["doi"].lower() not in text.lower():
        text += f" doi:{ref['doi']}"
    return text


def article_html(article: dict[str, Any], style: str) -> str:
    numbers = labels(article)
    parts, section = [], None
    for paragraph in article["paragraphs"]:
        if paragraph["section"] != section:
            section = paragraph["section"]
            parts.append(f"<h2>{html.escape(section)}</h2>")
        sentences = [
            sentence_html(s["text"], [numbers[c] for c in s["cites"]], style)
            for s in paragraph["sentences"]
        ]
        parts.append(f"<p>{' '.join(sentences)}</p>")
    parts.append("<h2>References</h2>")
    for ref in article["references"]:
        parts.append(f"<p>{ref['n']}. {html.escape(reference_text(ref))}</p>")
    css = ONE_COLUMN if style == "bracket" else TWO_COLUMNS
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(article['doi'])}</title><style>{css}</style></head><body>"
        f"<h1>{html.escape(article['doi'])}</h1><div class=\"cols\">{''.join(parts)}</div>"
        "</body></html>"
    )


def print_pdf(page: str, folder: Path) -> bytes:
    source, target = folder / "article.html", folder / "article.pdf"
    source.write_text(page, encoding="utf-8")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={folder}/p",
         "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
        check=True, capture_output=True, timeout=300,
    )
    return target.read_bytes()


def typeset(tex: bytes, folder: Path) -> bytes:
    """``tex`` set by pdflatex (twice, for the citation numbers); the PDF, errors or not."""
    source = folder / "article.tex"
    source.write_bytes(tex)
    for _ in range(2):
        subprocess.run(["pdflatex", "-interaction=nonstopmode", source.name], cwd=folder,
                       capture_output=True, timeout=600, check=False)
    return (folder / "article.pdf").read_bytes()


def libreoffice_docx(data: bytes, folder: Path) -> bytes:
    """A Word file opened and saved again by LibreOffice Writer."""
    source, out = folder / "article.docx", folder / "saved"
    source.write_bytes(data)
    subprocess.run(
        ["soffice", "--headless", "--norestore",
         f"-env:UserInstallation={(folder / 'lo').as_uri()}",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=600,
    )
    return (out / "article.docx").read_bytes()


def truth_markers(article: dict[str, Any]) -> Counter[str]:
    numbers = labels(article)
    return Counter(
        str(numbers[c])
        for p in article["paragraphs"] for s in p["sentences"] for c in set(s["cites"])
    )


def found_markers(read: Article, article: dict[str, Any] | None = None) -> Counter[str]:
    """Numbered targets; a LaTeX reading's ``\\cite`` keys are turned into the same numbers."""
    numbers = labels(article) if article is not None else {}
    return Counter(
        str(numbers.get(target, target)) for s in read.sentences for m in s.markers
        if m.kind in ("numeric", "superscript", "latex") for target in m.targets
    )


def truth_dois(article: dict[str, Any]) -> set[str]:
    return {normalize_doi(r["doi"]) for r in article["references"] if r["doi"]}


def found_dois(read: Article) -> set[str]:
    return {r.doi for r in read.references if r.doi}


class Score:
    def __init__(self) -> None:
        self.hit = self.found = self.truth = 0

    def add(self, found: Counter[str] | set[str], truth: Counter[str] | set[str]) -> None:
        if isinstance(found, set) and isinstance(truth, set):
            self.hit += len(found & truth)
        else:
            self.hit += sum((Counter(found) & Counter(truth)).values())
        self.found += sum(Counter(found).values()) if not isinstance(found, set) else len(found)
        self.truth += sum(Counter(truth).values()) if not isinstance(truth, set) else len(truth)

    def __str__(self) -> str:
        recall = self.hit / self.truth if self.truth else 0.0
        precision = self.hit / self.found if self.found else 0.0
        return (f"recall {recall:6.1%} ({self.hit}/{self.truth})  "
                f"precision {precision:6.1%} ({self.hit}/{self.found})")


def accuracy(split: str, styles: tuple[str, ...], show: bool) -> None:
    articles = load(split)
    scores: dict[tuple[str, str, str], Score] = {}
    references = Counter[str]()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for article in articles:
            for style in styles:
                if style == "latex":
                    tex = as_latex(article)
                    pdf = parse_bytes(typeset(tex, folder), path="a.pdf")
                    baseline = ("tex", parse_bytes(tex, path="a.tex"))
                else:
                    page = article_html(article, style)
                    pdf = parse_bytes(print_pdf(page, folder), path="a.pdf")
                    baseline = ("html", parse_bytes(page.encode("utf-8"), path="a.html"))
                if show:
                    show_dois(article, style, pdf)
                for reader, read in (("pdf", pdf), baseline):
                    for what, found, truth in (
                        ("markers", found_markers(read, article), truth_markers(article)),
                        ("dois", found_dois(read), truth_dois(article)),
                    ):
                        scores.setdefault((style, reader, what), Score()).add(found, truth)
                    references[f"{style} {reader} read"] += len(read.references)
                references[f"{style} written"] += len(article["references"])
    print(f"split: {split} ({len(articles)} articles: "
          f"{', '.join(a['source'] for a in articles[:3])}, ...)")
    for (style, reader, what), score in sorted(scores.items()):
        layout = {"bracket": "1 column, [n]", "superscript": "2 columns, superscript",
                  "latex": "pdflatex, [n]"}[style]
        print(f"  {layout:24} {reader:4} {what:8} {score}")
    for key, count in sorted(references.items()):
        print(f"  references {key}: {count}")


def show_dois(article: dict[str, Any], style: str, read: Article) -> None:
    """The DOIs the PDF reader missed and those it read wrong, each with the reference as read."""
    truth, found = truth_dois(article), found_dois(read)
    for doi in sorted(truth - found):
        print(f"  {style} {article['source']}: missed {doi}")
    for ref in read.references:
        if ref.doi and ref.doi not in truth:
            print(f"  {style} {article['source']}: read wrong {ref.doi!r} from {ref.text!r}")


def long_document(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """The articles one after another, references renumbered, as one article."""
    paragraphs, refs = [], []
    for article in articles:
        offset = len(refs)
        for ref in article["references"]:
            refs.append({**ref, "id": f"{article['source']}:{ref['id']}", "n": offset + ref["n"]})
        for p in article["paragraphs"]:
            paragraphs.append({
                "section": p["section"],
                "sentences": [{"text": s["text"],
                               "cites": [f"{article['source']}:{c}" for c in s["cites"]]}
                              for s in p["sentences"]],
            })
    return {"source": "long", "doi": "50 pages of PLOS articles", "paragraphs": paragraphs,
            "references": refs}


def as_docx(article: dict[str, Any]) -> bytes:
    import docx

    numbers = labels(article)
    document = docx.Document()
    document.add_heading(article["doi"], level=0)
    section = None
    for p in article["paragraphs"]:
        if p["section"] != section:
            section = p["section"]
            document.add_heading(section, level=1)
        paragraph = document.add_paragraph()
        for s in p["sentences"]:
            paragraph.add_run(s["text"] + " ")
            if s["cites"]:
                paragraph.add_run(group([numbers[c] for c in s["cites"]])).font.superscript = True
    document.add_heading("References", level=1)
    for ref in article["references"]:
        document.add_paragraph(f"{ref['n']}. {reference_text(ref)}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_latex(article: dict[str, Any]) -> bytes:
    from pylatexenc.latexencode import unicode_to_latex

    out = ["\\documentclass{article}\\begin{document}"]
    section = None
    for p in article["paragraphs"]:
        if p["section"] != section:
            section = p["section"]
            out.append(f"\\section{{{unicode_to_latex(section)}}}")
        words = []
        for s in p["sentences"]:
            cite = f"~\\cite{{{','.join(s['cites'])}}}" if s["cites"] else ""
            words.append(unicode_to_latex(s["text"]) + cite)
        out.append(" ".join(words) + "\n")
    out.append("\\begin{thebibliography}{99}")
    for ref in article["references"]:
        out.append(f"\\bibitem{{{ref['id']}}} {unicode_to_latex(reference_text(ref))}")
    out.append("\\end{thebibliography}\\end{document}")
    return "\n".join(out).encode("utf-8")


def as_jats(article: dict[str, Any]) -> bytes:
    from lxml import etree

    root = etree.Element("article")
    body = etree.SubElement(root, "body")
    for p in article["paragraphs"]:
        para = etree.SubElement(body, "p")
        last = None
        for s in p["sentences"]:
            if last is None:
                para.text = (para.text or "") + s["text"] + " "
            else:
                last.tail = (last.tail or "") + s["text"] + " "
            for c in s["cites"]:
                last = etree.SubElement(para, "xref", {"ref-type": "bibr", "rid": c})
                last.text = str(labels(article)[c])
                last.tail = " "
    back = etree.SubElement(etree.SubElement(root, "back"), "ref-list")
    for ref in article["references"]:
        entry = etree.SubElement(back, "ref", id=ref["id"])
        etree.SubElement(entry, "label").text = str(ref["n"])
        etree.SubElement(entry, "mixed-citation").text = reference_text(ref)
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


def as_markdown(article: dict[str, Any]) -> bytes:
    numbers = labels(article)
    out, section = [], None
    for p in article["paragraphs"]:
        if p["section"] != section:
            section = p["section"]
            out.append(f"## {section}\n")
        out.append(" ".join(sentence_html(s["text"], [numbers[c] for c in s["cites"]],
                                          "bracket") for s in p["sentences"]) + "\n")
    out.append("## References\n")
    out.extend(f"{ref['n']}. {reference_text(ref)}" for ref in article["references"])
    return html.unescape("\n".join(out)).encode("utf-8")


def speed() -> None:
    from pdfminer.pdfpage import PDFPage

    articles = load("dev")
    document = long_document(articles)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = print_pdf(article_html(document, "bracket"), Path(tmp))
        typeset_pdf = typeset(as_latex(document), Path(tmp))
        saved_docx = libreoffice_docx(as_docx(document), Path(tmp))
    pages = sum(1 for _ in PDFPage.get_pages(io.BytesIO(pdf)))
    files = {
        "pdf": pdf,
        "pdf (pdflatex)": typeset_pdf,
        "docx": as_docx(document),
        "docx (LibreOffice)": saved_docx,
        "tex": as_latex(document),
        "xml": as_jats(document),
        "html": article_html(document, "bracket").encode("utf-8"),
        "md": as_markdown(document),
    }
    print(f"speed: {len(articles)} dev articles as one document of {pages} printed pages "
          f"({len(document['references'])} references); best of 3 reads")
    for suffix, data in files.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            read = parse_bytes(data, path=f"long.{suffix.split()[0]}")
            times.append(time.perf_counter() - started)
        best = min(times)
        print(f"  {suffix:18} {len(data) / 1e6:6.2f} MB  {best:6.2f} s  "
              f"{pages / best:7.1f} pages/s  {len(data) / 1e6 / best:6.2f} MB/s  "
              f"{len(read.sentences):5} sentences  "
              f"{len(read.references):4} references")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--layouts", nargs="+", choices=LAYOUTS, default=list(LAYOUTS),
                        help="the layouts to print and read (default: all three)")
    parser.add_argument("--show-dois", action="store_true",
                        help="print each DOI the PDF reader missed or read wrong")
    args = parser.parse_args()
    print(describe(["pdfminer.six", "python-docx", "pylatexenc", "lxml"]))
    print(f"chromium: {_chromium_version()}")
    print(f"pdflatex: {_version('pdflatex', '--version')}")
    print(f"soffice:  {_version('soffice', '--version')}")
    accuracy(args.split, tuple(args.layouts), args.show_dois)
    if not args.no_speed:
        speed()


def _version(program: str, flag: str) -> str:
    done = subprocess.run([program, flag], capture_output=True, text=True, check=False)
    return (done.stdout.strip().splitlines() or ["unknown"])[0]


def _chromium_version() -> str:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    done = subprocess.run([chromium, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
