"""The editors' pages: sign in, the article list, an article with its claims and sources.

Readable without JavaScript: every action is a plain HTML form that POSTs and is redirected
back (303) to where it was made. Signing in starts a server-side session (a new one each
time) whose secret is an HttpOnly, SameSite=Strict cookie, ``Secure`` over HTTPS; signing
out ends it. A POST whose Origin (or, without one, Referer) is not this site is refused.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from evidence.store import editing
from evidence.store.engine import reading, reading_connection
from evidence.store.models import Article, Claim
from evidence.store.newest import SupersededVersion
from evidence.store.stamps import read_stamp
from evidence.store.tokens import find_token
from evidence.store.versions import Versions, list_versions
from evidence.store.views import ClaimView, get_article, list_articles
from evidence.store.web_sessions import end_session, start_session
from evidence.web.auth import COOKIE, Principal, caller, check_role
from evidence.web.bibliography import refuse_unreadable_bibtex
from evidence.web.errors import ApiError
from evidence.web.forms import validated
from evidence.web.notices import notice_text
from evidence.web.offload import parse_form
from evidence.web.options import scheme_of
from evidence.web.present import article_findings, source_changes_json
from evidence.web.queue import job_links, known_version, queue_article, queued_by_workers
from evidence.web.readcache import Encoded, matches
from evidence.web.render import page, render
from evidence.web.routes.articles import CLAIMS_PAGE, MAX_CLAIMS_PAGE
from evidence.web.schemas import (
    MAX_TEXT,
    ArticleIn,
    CommentIn,
    IdPath,
    LinkIn,
    NoSourceIn,
    VerdictIn,
    VersionIn,
)
from evidence.web.service import Service, service
from evidence.web.submit import check_replaces, submit_article

__all__ = ["page_key", "page_response", "router"]

router = APIRouter(include_in_schema=False)
Svc = Annotated[Service, Depends(service)]


class SignInRequired(Exception):
    """The page needs a signed-in person; answered with a redirect to the sign-in page."""


async def form(request: Request, svc: Svc) -> dict[str, str]:
    """The posted form (application/x-www-form-urlencoded), after a same-origin check."""
    same_origin(request, svc)
    posted = await parse_form(svc, await request.body())  # off the loop when large
    request.state.form = posted  # kept for the sign-in page, should no session be found
    return posted


Form = Annotated[dict[str, str], Depends(form)]


def signed_in(request: Request, svc: Svc) -> Principal:
    """The person signed in by session cookie (or bearer token), else a redirect to sign in."""
    who, _ = caller(request, svc)
    if who is None:
        raise SignInRequired()
    request.state.who = who
    return who


Who = Annotated[Principal, Depends(signed_in)]


def needs(who: Principal, role: str) -> None:
    check_role(who, role)


# --- signing in --------------------------------------------------------------------------


@router.get("/")
def home() -> Response:
    return RedirectResponse("/articles", status_code=303)


@router.get("/signin")
def signin_form(request: Request) -> Response:
    return page(request, "signin.html", next=_local(request.query_params.get("next")),
                failed=False, resume=None, carried={})


@router.post("/signin")
def signin(request: Request, fields: Form, svc: Svc) -> Response:
    """A new session for a valid token (any session this browser had is ended first)."""
    address = request.client.host if request.client else "unknown"
    wait = svc.throttle.wait(address)
    if wait > 0:
        error = ApiError(429, f"too many failed sign-ins: try again in {ceil(wait)} s")
        error.headers["Retry-After"] = str(ceil(wait))
        raise error
    secret = fields.get("token", "").strip()
    target = _local(fields.get("next"))
    resume = _local(fields["resume"]) if fields.get("resume") else None
    with svc.sessions.begin() as session:
        found = find_token(session, secret) if secret else None
        if found is not None:
            end_session(session, request.cookies.get(COOKIE, ""))
            cookie = start_session(session, token_id=found.id,
                                   lifetime=svc.options.session_lifetime)
    if found is None:
        svc.throttle.failed(address)
        return page(request, "signin.html", status=401, next=target, failed=True,
                    resume=resume, carried=_carried(fields))
    # A form that was sent without a session is sent again, as it was typed: 307 makes
    # the browser repeat the POST (this body, with the form's fields) to its action.
    response = RedirectResponse(resume or target, status_code=307 if resume else 303)
    response.set_cookie(COOKIE, cookie, max_age=round(svc.options.session_hours * 3600),
                        httponly=True, samesite="strict", path="/",
                        secure=scheme_of(request, svc.options) == "https")
    return response


@router.post("/signout")
def signout(request: Request, _: Form, svc: Svc) -> Response:
    """End the session on the server (a copied cookie stops working too), then forget it."""
    with svc.sessions.begin() as session:
        end_session(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=scheme_of(request, svc.options) == "https")
    return response


# --- articles ----------------------------------------------------------------------------


@router.get("/articles")
def articles(request: Request, who: Who, svc: Svc) -> Response:
    with svc.sessions() as session:
        summaries = list_articles(session, limit=500)
    return page(request, "articles.html", articles=summaries, max_text=MAX_TEXT)


@router.post("/articles")
async def submit(request: Request, fields: Form, svc: Svc) -> Response:
    who = await run_in_threadpool(signed_in, request, svc)
    needs(who, "editor")
    body = validated(ArticleIn, _article_fields(fields, name=fields.get("name", "")))
    await run_in_threadpool(refuse_unreadable_bibtex, body.bibliography, None)
    name = body.name.strip()
    if queued_by_workers(svc) \
            and await known_version(svc, name, body.text) is None:
        queued = await queue_article(svc, name=name, text=body.text, format=body.format,
                                     bibliography=body.bibliography)
        return RedirectResponse(job_links(queued.id)["page"], status_code=303)
    done = await submit_article(svc, name=name, text=body.text, format=body.format,
                                bibliography=body.bibliography, actor=who.name)
    return RedirectResponse(f"/articles/{done.id}", status_code=303)


@router.post("/articles/{article_id}/versions")
async def new_version(request: Request, article_id: IdPath, fields: Form, svc: Svc) -> Response:
    """A new version of the document, replacing ``article_id`` (optimistic, as the API's
    ``replaces``): when another version was stored since, nothing is stored and the page
    names the newer one (409), with the text sent, so that no edit is lost.

    With workers, a text not stored yet goes to them as the API's ``replaces`` does: a
    stale version is refused here at once (the same page), and the job's page follows the
    check; a worker stores it only on top of ``article_id``, else the job fails, storing
    nothing, and its page shows the text sent.
    """
    who = await run_in_threadpool(signed_in, request, svc)
    needs(who, "editor")
    replaced = await run_in_threadpool(replaced_version, svc, article_id)
    body = validated(ArticleIn, _article_fields(fields, name=replaced.name))
    await run_in_threadpool(refuse_unreadable_bibtex, body.bibliography, None)
    text, fmt, bibliography = body.text, body.format, body.bibliography
    try:
        if queued_by_workers(svc) \
                and await known_version(svc, replaced.name, text) is None:
            # Refused before it is queued, as the check in the request would refuse it.
            await run_in_threadpool(check_replaces, svc, replaced.name, article_id)
            queued = await queue_article(svc, name=replaced.name, text=text, format=fmt,
                                         bibliography=bibliography, replaces=article_id)
            return RedirectResponse(job_links(queued.id)["page"], status_code=303)
        done = await submit_article(svc, name=replaced.name, text=text, format=fmt,
                                    bibliography=bibliography, actor=who.name,
                                    replaces=article_id)
    except SupersededVersion as stale:
        return page(request, "version-conflict.html", status=409, name=replaced.name,
                    replaced=replaced.versions.current, current=stale.current,
                    message=str(stale), text=text, format=fmt, bibliography=bibliography)
    notice = "version-stored" if done.created else "version-known"
    return RedirectResponse(f"/articles/{done.id}?notice={notice}", status_code=303)


@router.get("/articles/{article_id}")
def article(
    request: Request,
    article_id: IdPath,
    who: Who,
    svc: Svc,
    limit: Annotated[int, Query(ge=1, le=MAX_CLAIMS_PAGE)] = CLAIMS_PAGE,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """One version, its claims in pages as the API gives them (``limit``, ``offset``): the
    largest accepted article has about 54,000 claims, and one page of them all (with every
    claim's history read) took minutes to render.

    Kept, as the API's answer is, under the version's read stamp (with the claims'
    histories), and tagged for ``If-None-Match``. What on the page depends on who asks
    (their name and role in the header; the editing forms for an editor) is in the key, so
    one person's page is never sent to another. A page with a notice (shown once, after a
    form) is made afresh.
    """
    notice = request.query_params.get("notice")
    stamp = None  # a page with a notice is not kept: no stamp to ask for
    if not notice:
        with reading_connection(svc.engine) as connection:
            stamp = read_stamp(connection, article_id, history=True)  # before the article
    key = page_key(who, article_id, limit, offset)
    made = svc.reads.answer(key, stamp, lambda: _article_html(
        request, svc, who, article_id, limit=limit, offset=offset, notice=notice).encode())
    return page_response(request, made)


def page_key(who: Principal, article_id: int, limit: int, offset: int) -> Hashable:
    """What the article page is kept under in ``Service.reads``: one per person, whose name
    and role are on it."""
    return ("page", article_id, limit, offset, who.name, who.role)


def page_response(request: Request, made: Encoded) -> Response:
    """The article page ``made``, or 304 when the browser has it."""
    # Browsers keep it (private: never a shared cache) and ask again each time
    # (no-cache), sending the tag back: an unchanged page is a 304.
    headers = {"ETag": made.etag, "Cache-Control": "private, no-cache",
               "Vary": "Cookie, Authorization"}
    if matches(request.headers.get("if-none-match"), made.etag):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(made.body, headers=headers)


def _article_html(
    request: Request, svc: Service, who: Principal, article_id: int, *, limit: int,
    offset: int, notice: str | None,
) -> str:
    with reading(svc.sessions) as session:
        view = get_article(session, article_id)
        if view is None:
            raise ApiError(404, f"no article {article_id}")
        versions = list_versions(session, article_id)
        shown = view.claims[offset:offset + limit]
        trails = editing.claim_trails(session, [c.id for c in shown
                                                if c.needs_support or c.links])
        changes = source_changes_json(session, view)
    assert versions is not None  # the article was just read in this session
    findings = article_findings(view)  # of the whole version, whatever the page
    return render(request, "article.html", article=view, versions=versions,
                  findings=findings, claims_page=ClaimsPage(shown, len(view.claims), limit,
                                                            offset),
                  trails=trails, refs={r.id: r for r in view.references},
                  source_changes=changes,
                  notice=notice_text(notice, number=versions.current.number),
                  can_edit=who.can("editor"), max_text=MAX_TEXT,
                  # Only the newest version takes writes (an older one answers 409).
                  writable=versions.newest.id == article_id,
                  had_bibliography=any(r.source_path for r in view.references))


@dataclass(frozen=True)
class ClaimsPage:
    """The claims an article page shows: from ``offset``, at most ``limit``, of ``total``."""

    claims: Sequence[ClaimView]
    total: int
    limit: int
    offset: int

    @property
    def paged(self) -> bool:
        return self.offset > 0 or self.total > self.limit

    @property
    def previous(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    def query(self, offset: int) -> str:
        """The query string of the page of claims from ``offset`` (the default limit unsaid)."""
        if self.limit == CLAIMS_PAGE:
            return f"offset={offset}"
        return f"limit={self.limit}&offset={offset}"


@router.post("/articles/{article_id}/links/{link_id}/verdict")
def verdict(article_id: IdPath, link_id: IdPath, fields: Form, who: Who, svc: Svc) -> Response:
    needs(who, "editor")
    body = validated(VerdictIn, _only(fields, "verdict", "version"))
    with svc.sessions.begin() as session:
        link = editing.set_verdict(session, link_id=link_id, verdict=body.verdict,
                                   version=body.version, actor=who.name)
    return _back(svc, article_id, link.claim_id, f"link-{link.verdict}")


@router.post("/articles/{article_id}/links/{link_id}/remove")
def remove(article_id: IdPath, link_id: IdPath, fields: Form, who: Who, svc: Svc) -> Response:
    needs(who, "editor")
    body = validated(VersionIn, _only(fields, "version"))
    with svc.sessions.begin() as session:
        gone = editing.remove_link(session, link_id=link_id, version=body.version,
                                   actor=who.name)
    return _back(svc, article_id, gone.claim_id, "link-removed")


@router.post("/articles/{article_id}/claims/{claim_id}/links")
def add_link(article_id: IdPath, claim_id: IdPath, fields: Form, who: Who, svc: Svc) -> Response:
    needs(who, "editor")
    body = validated(LinkIn, {"reference_id": fields.get("reference"),
                              **_only(fields, "version")})
    with svc.sessions.begin() as session:
        editing.add_link(session, claim_id=claim_id, reference_id=body.reference_id,
                         version=body.version, actor=who.name)
    return _back(svc, article_id, claim_id, "link-added")


@router.post("/articles/{article_id}/claims/{claim_id}/no-source")
def no_source(
    article_id: IdPath, claim_id: IdPath, fields: Form, who: Who, svc: Svc
) -> Response:
    needs(who, "editor")
    reason = None if fields.get("unmark") else fields.get("reason", "")
    body = validated(NoSourceIn, {"reason": reason, **_only(fields, "version")})
    with svc.sessions.begin() as session:
        editing.mark_no_source(session, claim_id=claim_id, reason=body.reason,
                               version=body.version, actor=who.name)
    return _back(svc, article_id, claim_id, "marked" if body.reason else "unmarked")


@router.post("/articles/{article_id}/claims/{claim_id}/comments")
def comment(article_id: IdPath, claim_id: IdPath, fields: Form, who: Who, svc: Svc) -> Response:
    body = validated(CommentIn, _only(fields, "text"))
    with svc.sessions.begin() as session:
        editing.add_comment(session, claim_id=claim_id, text=body.text, actor=who.name)
    return _back(svc, article_id, claim_id, "comment-added")


# --- helpers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplacedVersion:
    name: str
    versions: Versions
    document: str
    """What ties the versions together (``Article.document_key``): a new version sent as a
    file keeps its own name and joins this document."""


def replaced_version(svc: Service, article_id: int) -> ReplacedVersion:
    """The version a new one is to replace: its document's name and versions, else 404."""
    with svc.sessions() as session:
        row = session.get(Article, article_id)
        versions = list_versions(session, article_id)
    if row is None or versions is None:
        raise ApiError(404, f"no article {article_id}")
    return ReplacedVersion(name=row.name, versions=versions, document=row.document_key)


def _article_fields(fields: dict[str, str], *, name: str) -> dict[str, object]:
    """The article form as ``ArticleIn``'s fields: browsers send CRLF line ends (the store
    keeps LF), and an empty bibliography box means none."""
    return {"name": name, "format": fields.get("format", "text"),
            "text": fields.get("text", "").replace("\r\n", "\n"),
            "bibliography": fields.get("bibliography") or None}


def _only(fields: dict[str, str], *names: str) -> dict[str, str]:
    """The named fields that were sent (a missing one is reported missing by the model)."""
    return {name: fields[name] for name in names if name in fields}


def sign_in_redirect(request: Request, _: Exception) -> Response:
    """To the sign-in page, and back afterwards to the page asked for. A form posted without
    a session gets the sign-in page at once (401), carrying what was typed: signing in
    sends the form on to its action."""
    path = request.url.path
    posted = getattr(request.state, "form", None)
    if request.method == "POST" and posted is not None and path != "/signin":
        article = re.match(r"/articles/\d+(?=/|$)", path)
        return page(request, "signin.html", status=401, failed=False,
                    next=article.group(0) if article else "/articles",
                    resume=path, carried=_carried(posted))
    if request.method != "GET":
        article = re.match(r"/articles/\d+(?=/|$)", path)
        path = article.group(0) if article else "/articles"
    return RedirectResponse(f"/signin?next={quote(path, safe='/')}", status_code=303)


_SIGN_IN_FIELDS = ("token", "next", "resume")


def _carried(fields: dict[str, str]) -> dict[str, str]:
    """A form's fields to carry through the sign-in page (none of the page's own)."""
    return {key: value for key, value in fields.items() if key not in _SIGN_IN_FIELDS}


def _back(svc: Service, article_id: int, claim_id: int, notice: str) -> Response:
    """Back to the claim on its article's page (the page of claims holding it), with the
    notice of key ``notice``."""
    with svc.sessions() as session:
        position = session.scalar(select(Claim.position).where(Claim.id == claim_id))
    # A claim's position is its index among the version's claims, which the pages cut into
    # pages of CLAIMS_PAGE from the first.
    start = (position // CLAIMS_PAGE) * CLAIMS_PAGE if position is not None else 0
    where = f"&offset={start}" if start else ""
    anchor = f"#claim-{claim_id}" if claim_id else ""
    return RedirectResponse(f"/articles/{article_id}?notice={quote(notice)}{where}{anchor}",
                            status_code=303)


def same_origin(request: Request, svc: Service) -> None:
    """Refuse a form sent from anywhere but this site: scheme and host must both match.

    ``Origin: null`` (a sandboxed frame, a ``data:`` page) is refused; without an Origin,
    a Referer from elsewhere is refused. The pages send ``Referrer-Policy: same-origin``, so
    browsers send our own forms with their real Origin.
    """
    here = (scheme_of(request, svc.options), request.headers.get("host", "").lower())
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    sent = origin if origin is not None else referer
    if sent is None:
        return  # neither header: not a browser's cross-site form (browsers send Origin)
    parts = urlsplit(sent if sent != "null" else "")
    if (parts.scheme.lower(), parts.netloc.lower()) != here:
        raise ApiError(403, "a form posted from another site is refused")


def _local(target: str | None) -> str:
    """Only a path on this site is a place to go after signing in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/articles"
