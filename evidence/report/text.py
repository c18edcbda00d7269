"""The terminal report: each article's claims and references, then the findings, then counts.

Findings read as ``path:line: severity rule: message``, the form editors and terminals
(and ``grep``) already know. ANSI colour only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator

from evidence.articles.places import describe_place
from evidence.audit.findings import Finding
from evidence.audit.rules import excerpt
from evidence.report.describe import claim_status, link_label, reference_label, summary_line
from evidence.results import ArticleResult, CheckResult, ClaimResult, ReferenceResult

__all__ = ["render"]

_STYLE = {
    "error": "\x1b[31m",
    "warning": "\x1b[33m",
    "note": "\x1b[36m",
    "supported": "\x1b[32m",
    "related": "\x1b[33m",
    "unsupported": "\x1b[31m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
}
_RESET = "\x1b[0m"


def render(result: CheckResult, *, color: bool = False) -> str:
    """The whole report as text, ending with a newline."""
    paint = _Painter(color)
    lines: list[str] = []
    for article in result.articles:
        lines.extend(_article(article, paint))
        lines.append("")
    lines.extend(_findings(result.findings, paint))
    lines.extend(f"note: {note}" for note in result.notes)
    lines.append(paint("bold", summary_line(result)))
    return "\n".join(lines) + "\n"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        if not self.color or style not in _STYLE:
            return text
        return f"{_STYLE[style]}{text}{_RESET}"


def _article(article: ArticleResult, paint: _Painter) -> Iterator[str]:
    title = f" ({_flat(article.title)})" if article.title else ""
    yield paint("bold", f"{_flat(article.path)}{title}")
    claims = [c for c in article.claims if c.needs_support or c.sources]
    if article.is_bibliography:
        yield f"  a {article.format} bibliography: its references audited, no claims to read"
    else:
        yield f"  claims: {len(claims)} of {len(article.claims)} sentences"
    for claim in claims:
        yield from _claim(claim, article, paint)
    yield f"  references: {len(article.references)}"
    for ref in article.references:
        yield _reference(ref, article, paint)


def _claim(claim: ClaimResult, article: ArticleResult, paint: _Painter) -> Iterator[str]:
    status = claim_status(claim)
    if not claim.needs_support:
        status_text = "not a claim"
    elif status == "no-source-needed":
        status_text = "no source needed"
    elif status == "unsupported":
        reasons = f" ({'; '.join(claim.reasons)})" if claim.reasons else ""
        status_text = f"unsupported{reasons}"
    else:
        status_text = "supported" if status == "supported" else "only related sources"
    if claim.suppressed:
        status_text += f", suppressed: {_flat(claim.suppressed)}"
    yield f"    {claim.place or f'{claim.line:>4}'}  {_short(claim.text, 72)}"
    yield "          " + paint(status, status_text)
    for link in claim.sources:
        target = _target(article, link.reference, link.doi)
        yield paint("dim", f"          - {link_label(link)}: {target}")


def _target(article: ArticleResult, index: int, doi: str | None) -> str:
    if 0 <= index < len(article.references):
        ref = article.references[index]
        where = f"{_flat(str(ref.path))}:{ref.line}" if _elsewhere(ref, article) else (
            describe_place(ref.line, ref.place))
        return f"{ref.doi or _short(ref.text, 50)} ({where})"
    return doi or f"reference {index + 1}"


def _reference(ref: ReferenceResult, article: ArticleResult, paint: _Painter) -> str:
    label = reference_label(ref)
    style = "error" if ref.retracted or ref.status in ("not-found", "invalid") else (
        "warning" if ref.status == "unverified" or ref.mismatches else "dim")
    doi = f" {ref.doi}" if ref.doi else ""
    where = ref.place or f"{ref.line:>4}"
    if _elsewhere(ref, article):  # a front-matter or --bib bibliography: its lines, its name
        where = f"{_flat(str(ref.path))}:{ref.line}"
    return f"    {where}  {_short(ref.text, 60)}\n          " + paint(style, f"{label}{doi}")


def _elsewhere(ref: ReferenceResult, article: ArticleResult) -> bool:
    return bool(ref.path) and ref.path != article.path


def _findings(findings: tuple[Finding, ...], paint: _Painter) -> Iterator[str]:
    if not findings:
        yield "no findings"
        return
    ordered = sorted(findings, key=lambda f: (f.path, f.line, f.rule))
    current = None
    for finding in ordered:
        if finding.path != current:
            if current is not None:
                yield ""
            current = finding.path
        level = paint(finding.severity.value, finding.severity.value)
        where = f"{_flat(finding.path)}:{finding.line}"
        if finding.place:  # a Word or PDF file: no line of its own to point at
            where = f"{_flat(finding.path)} ({finding.place})"
        yield f"{where}: {level} {finding.rule}: {_flat(finding.message)}"
    yield ""


def _flat(text: str) -> str:
    # Article text may carry newlines or terminal escapes; one finding stays one line, and
    # nothing from a file can move the cursor or recolour the terminal.
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _short(text: str, limit: int) -> str:
    return excerpt(_flat(text), limit)
