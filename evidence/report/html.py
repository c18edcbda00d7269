"""``--format html``: one self-contained page (inline CSS, no scripts, nothing fetched).

Everything that comes from an article or the registry is escaped: Jinja2 with autoescape on,
and no ``|safe`` anywhere. Registry titles carry HTML and MathML and articles can carry
``<script>``; the page shows them as text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import jinja2

from evidence import __version__
from evidence.articles.places import describe_place
from evidence.report.describe import (
    CLAIM_STATUS_LABEL,
    claim_counts,
    claim_status,
    link_label,
    read_counts,
    reference_label,
    severities,
    speaks_of_claims,
    summary_line,
)
from evidence.report.reordering import shown
from evidence.results import ArticleResult, CheckResult, ClaimResult, ReferenceResult
from evidence.vocabulary import ClaimStatus
from evidence.wording import noun

__all__ = ["render"]

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="evidence {{ version }}">
<title>evidence check: {{ title }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; color: #444; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
         border-bottom: 1px solid #ddd; }
th { background: #f5f5f7; } td.num { text-align: right; color: #666; width: 3rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .8rem;
         white-space: nowrap; border: 1px solid transparent; }
.supported { background: #e3f4e5; color: #11632b; }
.related { background: #fff4d6; color: #7a5300; }
.unsupported, .error, .retracted { background: #fde4e4; color: #9b1c1c; }
.not-a-claim, .note { background: #eef0f3; color: #555; }
.warning, .corrected { background: #fff4d6; color: #7a5300; }
.run-note { background: #eef0f3; color: #555; border-radius: .5rem; padding: .3rem .6rem;
            font-size: .9rem; }
.counts { display: flex; gap: 1rem; flex-wrap: wrap; padding: 0; list-style: none; }
.counts li { background: #f5f5f7; border-radius: .5rem; padding: .5rem 1rem; }
.counts b { display: block; font-size: 1.4rem; }
.sources { margin: .2rem 0 0; padding-left: 1.2rem; font-size: .9rem; color: #444; }
code { font-size: .9em; }
</style>
</head>
<body>
<h1>evidence check</h1>
<p>{{ summary }}</p>
<ul class="counts">
{% for label, value in counts %}  <li><b>{{ value }}</b>{{ label }}</li>
{% endfor %}</ul>
{% for note in notes %}<p class="run-note">note: {{ note }}</p>
{% endfor %}
{% for article in articles %}
<h2>{{ article.path }}{% if article.title %}: {{ article.title }}{% endif %}</h2>
<h3>Claims</h3>
{% if article.claims %}<table>
<tr><th>where</th><th>claim</th><th>status</th></tr>
{% for claim in article.claims %}<tr>
<td class="num">{{ claim.where }}</td>
<td>{{ claim.text }}
{% if claim.sources %}<ul class="sources">
{% for source in claim.sources %}<li>{{ source.label }}: {{ source.target }}</li>
{% endfor %}</ul>{% endif %}</td>
<td><span class="badge {{ claim.status }}">{{ claim.status_label }}</span>
{% if claim.reasons %}<br><small>{{ claim.reasons }}</small>{% endif %}
{% if claim.suppressed %}<br><small>suppressed: {{ claim.suppressed }}</small>{% endif %}</td>
</tr>
{% endfor %}</table>
{% else %}<p>No claims.</p>{% endif %}
<h3>References</h3>
{% if article.references %}<table>
<tr><th>where</th><th>reference</th><th>DOI</th><th>status</th></tr>
{% for ref in article.references %}<tr>
<td class="num">{{ ref.where }}</td>
<td>{{ ref.text }}{% if ref.title %}<br><small>registry: {{ ref.title }}</small>{% endif %}</td>
<td>{% if ref.link %}<a href="{{ ref.link }}"><code>{{ ref.doi }}</code></a>
{%- elif ref.doi %}<code>{{ ref.doi }}</code>{% endif %}</td>
<td><span class="badge {{ ref.badge }}">{{ ref.status }}</span></td>
</tr>
{% endfor %}</table>
{% else %}<p>No references.</p>{% endif %}
{% endfor %}
<h2>Findings</h2>
{% if findings %}<table>
<tr><th>where</th><th>severity</th><th>rule</th><th>message</th></tr>
{% for f in findings %}<tr>
<td><code>{{ f.path }}{% if f.place %} ({{ f.place }}){% else %}:{{ f.line }}{% endif %}</code></td>
<td><span class="badge {{ f.severity.value }}">{{ f.severity.value }}</span></td>
<td><code>{{ f.rule }}</code></td>
<td>{{ f.message }}</td>
</tr>
{% endfor %}</table>
{% else %}<p>No findings.</p>{% endif %}
</body>
</html>
"""

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                          keep_trailing_newline=True, finalize=shown)
_PAGE = _ENV.from_string(_TEMPLATE)


def render(result: CheckResult, *, color: bool = False) -> str:
    """The result as one HTML page (``color`` is ignored)."""
    summary = result.summary()
    claims = claim_counts(result)
    present = severities(summary)
    findings = sum(count for _, count in present)
    articles, bibliographies = read_counts(result)
    # As the summary line: a run of bibliographies alone has no article and no claims.
    with_claims = speaks_of_claims(articles, bibliographies)
    counts = [
        *([(noun(articles, "article", "articles"), articles)] if with_claims else []),
        *([(noun(bibliographies, "bibliography", "bibliographies"), bibliographies)]
          if bibliographies else []),
        *([(noun(summary["claims"], "claim needing a source", "claims needing a source"),
            summary["claims"]),
           ("cited", claims[ClaimStatus.SUPPORTED]),
           ("only related", claims[ClaimStatus.RELATED]),
           ("unsupported", claims[ClaimStatus.UNSUPPORTED])] if with_claims else []),
        (noun(summary["references"], "reference", "references"), summary["references"]),
        # The findings, and of each severity those there are, as the summary line says
        # them: a "0 notes" beside the run's own notes read as if those did not count.
        (noun(findings, "finding", "findings"), findings),
        *((noun(count, severity), count) for severity, count in present),
    ]
    title = ", ".join(a.path for a in result.articles) or "no articles"
    return _PAGE.render(
        version=__version__, title=title, summary=summary_line(result), counts=counts,
        notes=result.notes, articles=[_article(a) for a in result.articles],
        findings=sorted(result.findings, key=lambda f: (f.path, f.line, f.rule)),
    )


def _status(claim: ClaimResult) -> ClaimStatus:
    return claim_status(claim) if claim.needs_support else ClaimStatus.NOT_A_CLAIM


def _article(article: ArticleResult) -> dict[str, Any]:
    claims = [
        {
            "line": c.line,
            "where": c.place or str(c.line),
            "text": c.text,
            "status": _status(c),
            "status_label": CLAIM_STATUS_LABEL[_status(c)],
            "reasons": "; ".join(c.reasons),
            "suppressed": c.suppressed,
            "sources": [{"label": link_label(s), "target": _target(article, s.reference, s.doi)}
                        for s in c.sources],
        }
        for c in article.claims
        if c.needs_support or c.sources
    ]
    references = [
        {
            "line": r.line, "text": r.text, "title": r.title, "doi": r.doi,
            "where": f"{r.path}:{r.line}" if _elsewhere(r, article) else (r.place or str(r.line)),
            "link": _doi_link(r.doi) if r.doi and r.status != "invalid" else None,
            "status": reference_label(r),
            "badge": _reference_badge(r.status, r.retracted,
                                      bool(r.work and r.work.corrected)),
        }
        for r in article.references
    ]
    return {"path": article.path, "title": article.title, "claims": claims,
            "references": references}


def _target(article: ArticleResult, index: int, doi: str | None) -> str:
    if 0 <= index < len(article.references):
        ref = article.references[index]
        where = f"{ref.path}:{ref.line}" if _elsewhere(ref, article) else (
            describe_place(ref.line, ref.place))
        return f"{ref.doi or ref.text} ({where})"
    return doi or f"reference {index + 1}"


def _elsewhere(ref: ReferenceResult, article: ArticleResult) -> bool:
    """A reference written in a bibliography file, whose lines are that file's."""
    return bool(ref.path) and ref.path != article.path


def _doi_link(doi: str) -> str:
    # Characters a DOI may hold but a URL path may not are percent-encoded (doi.org's rule).
    return "https://doi.org/" + quote(doi, safe="/:;()._-")


def _reference_badge(status: str, retracted: bool, corrected: bool) -> str:
    if retracted:
        return "retracted"
    if status in ("not-found", "invalid"):
        return "error"
    if corrected or status in ("unverified", "matched"):
        return "warning"
    return "supported" if status == "resolved" else "note"
