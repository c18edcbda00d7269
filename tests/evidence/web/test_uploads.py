"""Uploading manuscripts (multipart) to a real server: read, checked and stored as sent."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, cast

import pytest

from tests.evidence.web.site import Site, running_site

MANUSCRIPTS = Path(__file__).parents[2] / "fixtures" / "manuscripts"
RECORDS = Path(__file__).parents[2] / "fixtures" / "article-records"
HAYDEN = "10.1002/14651858.cd009790.pub2"
KREINER = "10.1016/j.spinee.2020.04.006"


@pytest.fixture
def example_site(db_url: str) -> Any:
    """The service, with the example's two works served (records built from its references)."""
    works = {}
    for path in RECORDS.glob("*.json"):
        message = json.loads(path.read_text(encoding="utf-8"))["message"]
        works[message["DOI"].lower()] = message
    with running_site(db_url, extra_works=works) as running:
        yield running


def _supported(article: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(c["text"][:30], [s["doi"] for s in c["sources"]])
            for c in article["claims"] if c["needs_support"]]


@pytest.mark.parametrize("name", ["spine-pain.docx", "spine-pain.pdf"])
def test_an_uploaded_file_is_checked_and_keeps_its_name_and_format(
    example_site: Site, name: str
) -> None:
    with example_site.client() as client:
        sent = client.post("/api/articles/upload",
                           files={"file": (name, (MANUSCRIPTS / name).read_bytes())})
        assert sent.status_code == 201, sent.text
        article = client.get(f"/api/articles/{sent.json()['id']}").json()
        again = client.post("/api/articles/upload",
                            files={"file": (name, (MANUSCRIPTS / name).read_bytes())})
    assert (article["name"], article["format"]) == (name, name.rsplit(".", 1)[1])
    claims = dict(_supported(article))
    assert claims["Research has shown that exerci"] == [HAYDEN]
    assert claims["The North American Spine Socie"] == [KREINER]
    assert claims["A typical course of physical t"] == []
    assert (again.status_code, again.json()["id"]) == (200, sent.json()["id"])  # same file


def test_latex_comes_with_its_bibliography(example_site: Site) -> None:
    with example_site.client() as client:
        sent = client.post("/api/articles/upload", files={
            "file": ("paper/spine-pain.tex", (MANUSCRIPTS / "spine-pain.tex").read_bytes()),
            "bibliography": ("spine-pain.bib", (MANUSCRIPTS / "spine-pain.bib").read_bytes()),
        })
        assert sent.status_code == 201, sent.text
        article = client.get(f"/api/articles/{sent.json()['id']}").json()
    assert (article["name"], article["format"]) == ("spine-pain.tex", "latex")  # no folder
    claims = dict(_supported(article))
    assert claims["Research has shown that exerci"] == [HAYDEN]
    assert [r["doi"] for r in article["references"]] == [HAYDEN, KREINER]


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 20_000_000)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("bomb.docx", _bomb(), "zip bomb"),
     ("laughs.xml", b'<!DOCTYPE article [<!ENTITY a "ha">]><article>&a;</article>',
      "declares entities"),
     ("notes.odt", b"x", "cannot tell the format")],
)
def test_a_bad_file_is_refused_and_nothing_is_stored(
    site: Site, name: str, data: bytes, message: str
) -> None:
    with site.client() as client:
        sent = client.post("/api/articles/upload", files={"file": (name, data)})
        listed = client.get("/api/articles").json()
    assert sent.status_code == 400
    assert message in sent.json()["error"]
    assert listed["articles"] == []


def test_an_upload_over_the_body_limit_is_413(site: Site) -> None:
    with site.client() as client:
        sent = client.post("/api/articles/upload",
                           files={"file": ("big.pdf", b"%PDF-1.4\n" + b"0" * 6_000_000)})
    assert sent.status_code == 413


def test_uploading_needs_an_editor(site: Site) -> None:
    with site.client(role="reviewer") as client:
        sent = client.post("/api/articles/upload", files={
            "file": ("spine-pain.docx", (MANUSCRIPTS / "spine-pain.docx").read_bytes())})
    assert sent.status_code == 403


def test_the_page_form_uploads_a_file_and_shows_the_article(site: Site) -> None:
    from tests.evidence.web.helpers import signed_in

    with signed_in(site) as browser:
        listing = browser.get("/articles")
        assert 'action="/articles/upload"' in listing.text
        assert 'enctype="multipart/form-data"' in listing.text
        sent = browser.post("/articles/upload", files={
            "file": ("spine-pain.xml", (MANUSCRIPTS / "spine-pain.xml").read_bytes()),
            "bibliography": ("", b""),  # the form's empty file field
        })
        assert sent.status_code == 303, sent.text
        shown = browser.get(sent.headers["location"])
    assert shown.status_code == 200
    assert "Most private health plans in the United States" in shown.text


def test_the_page_form_refuses_another_site(site: Site) -> None:
    from tests.evidence.web.helpers import signed_in

    with signed_in(site) as browser:
        sent = browser.post("/articles/upload", headers={"Origin": "https://elsewhere.example"},
                            files={"file": ("a.md", b"Most plans pay for it.")})
        listed = browser.get("/api/articles", headers={
            "Authorization": f"Bearer {site.tokens['editor']}"}).json()
    assert sent.status_code == 403
    assert listed["articles"] == []


@pytest.mark.parametrize(("sent_as", "data", "format"), [
    ("blob", (MANUSCRIPTS / "spine-pain.pdf").read_bytes(), "pdf"),
    ("file", (MANUSCRIPTS / "spine-pain.docx").read_bytes(), "docx"),
    ("pasted", b"Walking helps most people with back pain [1].\n", "text"),
])
def test_a_file_sent_without_an_extension_is_read_by_its_first_bytes(
    example_site: Site, sent_as: str, data: bytes, format: str
) -> None:
    with example_site.client() as client:
        sent = client.post("/api/articles/upload", files={"file": (sent_as, data)})
        assert sent.status_code == 201, sent.text
        article = client.get(f"/api/articles/{sent.json()['id']}").json()
    assert (article["name"], article["format"]) == (sent_as, format)


@pytest.mark.parametrize(("name", "data"), [("empty.txt", b""), ("blank.md", b"\n  \n\t\n")],
                         ids=["empty", "blank"])
def test_an_empty_file_is_refused_as_a_blank_text_is(site: Site, name: str, data: bytes) -> None:
    with site.client() as client:
        sent = client.post("/api/articles/upload", files={"file": (name, data)})
        listed = client.get("/api/articles").json()
    assert sent.status_code == 400
    assert sent.json()["error"] == (f"{name}: the article is empty (no text in it); nothing to "
                                    "check, nothing stored")
    assert listed["articles"] == []


def test_a_new_version_in_another_format_keeps_its_own_name(example_site: Site) -> None:
    """``replaces``: the file follows that version in its document, whatever it is called,
    and is stored as what it is."""
    with example_site.client() as client:
        first = client.post("/api/articles/upload", files={
            "file": ("spine-pain.docx", (MANUSCRIPTS / "spine-pain.docx").read_bytes())}).json()
        sent = client.post("/api/articles/upload", data={"replaces": str(first["id"])}, files={
            "file": ("spine-pain.pdf", (MANUSCRIPTS / "spine-pain.pdf").read_bytes())})
        assert sent.status_code == 201, sent.text
        stored = client.get(f"/api/articles/{sent.json()['id']}").json()
        stale = client.post("/api/articles/upload", data={"replaces": str(first["id"])}, files={
            "file": ("spine-pain.md", b"# Physical therapy\n\nA third version.\n")})
        missing = client.post("/api/articles/upload", data={"replaces": "999999"}, files={
            "file": ("spine-pain.md", b"# Physical therapy\n\nA third version.\n")})
    assert sent.json()["name"] == "spine-pain.pdf"
    assert (stored["name"], stored["format"], stored["previous_id"]) == (
        "spine-pain.pdf", "pdf", first["id"])
    assert [v["id"] for v in stored["versions"]] == [first["id"], sent.json()["id"]]
    assert stale.status_code == 409  # the first is no longer the newest version
    assert missing.status_code == 404


@pytest.fixture
def queueing_site(pg_url: str) -> Any:
    """The service sending submissions to check workers; none runs: the jobs stay queued."""
    with running_site(pg_url, jobs=True) as running:
        yield running


def _queued_jobs(site: Site) -> list[Any]:
    from sqlalchemy import select

    from evidence.store.models import CheckJob

    with site.service.sessions() as session:
        return list(session.scalars(select(CheckJob).order_by(CheckJob.id)))


@pytest.mark.postgresql
def test_with_workers_an_upload_is_queued_as_its_bytes_unread(queueing_site: Site) -> None:
    """The job carries the file's bytes and the format the request could tell (its name's,
    or its first bytes'), with the bibliography sent; the server reads neither the file
    nor its DOIs (``dois`` is left to the job). The same bytes again are the same job."""
    pdf = (MANUSCRIPTS / "spine-pain.pdf").read_bytes()
    tex = (MANUSCRIPTS / "spine-pain.tex").read_bytes()
    bib = (MANUSCRIPTS / "spine-pain.bib").read_bytes()
    with queueing_site.client() as client:
        sent = client.post("/api/articles/upload", files={"file": ("blob", pdf)})
        again = client.post("/api/articles/upload", files={"file": ("blob", pdf)})
        latex = client.post("/api/articles/upload", files={
            "file": ("paper/spine-pain.tex", tex), "bibliography": ("refs.bib", bib)})
    assert [r.status_code for r in (sent, again, latex)] == [202, 202, 202]
    assert again.json()["job_id"] == sent.json()["job_id"]
    assert (sent.json()["created"], again.json()["created"]) == (True, False)
    assert sent.headers["location"] == f"/api/jobs/{sent.json()['job_id']}"
    blob, paper = _queued_jobs(queueing_site)
    assert (blob.name, blob.format, blob.content, blob.dois, blob.options) == \
        ("blob", "pdf", pdf, None, {"from_service": True})
    assert (paper.name, paper.format, paper.content) == ("spine-pain.tex", "latex", tex)
    assert paper.bibliographies == [["spine-pain.tex.bib", bib.decode("utf-8")]]


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("files", "status", "message"),
    [({"file": ("notes.odt", b"x")}, 400, "cannot tell the format"),
     ({"file": ("empty.md", b"\n\t\n")}, 400, "the article is empty"),
     ({"file": ("a.md", b"A claim [@k].\n"), "bibliography": ("refs.bib", b"\xff\xfe")}, 400,
      "not UTF-8 text"),
     ({"file": ("a.md", b"A claim [@k].\n"), "bibliography": ("refs.json", b"[{")}, 400,
      "not JSON"),
     ({"file": ("big.pdf", b"%PDF-1.4\n" + b"0" * 6_000_000)}, 413, None)],
    ids=["extension", "empty", "bib-not-utf8", "bib-unreadable", "over-the-limit"],
)
def test_with_workers_what_is_cheap_to_tell_is_refused_at_once_and_nothing_queued(
    queueing_site: Site, files: dict[str, Any], status: int, message: str | None
) -> None:
    with queueing_site.client() as client:
        sent = client.post("/api/articles/upload", files=files)
    assert sent.status_code == status, sent.text
    if message is not None:
        assert message in sent.json()["error"]
    assert _queued_jobs(queueing_site) == []


@pytest.mark.postgresql
def test_with_workers_a_new_version_upload_carries_the_version_and_document_it_continues(
    queueing_site: Site,
) -> None:
    """Stored on top of that version only, in that document, under the file's own name
    (the worker reads both from the job's options); a ``replaces`` naming no article is
    refused at once."""
    from evidence.articles import parse_article
    from evidence.check import RegistryAnswers, audit_articles
    from evidence.store.saving import store_check

    article = parse_article("A first version.\n", path="spine-pain.docx", format="text")
    result = audit_articles([article], [[]], RegistryAnswers({}, {}))
    v1, _ = store_check(queueing_site.service.sessions, article, result.articles[0],
                        name="spine-pain.docx")
    with queueing_site.client() as client:
        sent = client.post("/api/articles/upload", data={"replaces": str(v1)}, files={
            "file": ("spine-pain.pdf", (MANUSCRIPTS / "spine-pain.pdf").read_bytes())})
        missing = client.post("/api/articles/upload", data={"replaces": "999999"},
                              files={"file": ("spine-pain.md", b"A third version.\n")})
    assert sent.status_code == 202, sent.text
    assert missing.status_code == 404
    [job] = _queued_jobs(queueing_site)
    assert (job.name, job.format) == ("spine-pain.pdf", "pdf")
    assert job.options == {"from_service": True, "replaces": v1, "document": "spine-pain.docx"}


@pytest.mark.postgresql
def test_with_workers_a_bibliography_the_article_names_is_not_asked_of_a_service_job(
    queueing_site: Site,
) -> None:
    """The service takes a bibliography only as a field, and its check in the request reads
    an article naming a bibliography file (front matter, ``\\bibliography``) without it. Its
    job read the same bytes as ``evidence submit``'s, which must carry the file named, and
    failed saying to give it with ``--bib``: an option the web has not."""
    from evidence.jobs.run import JobRunner, _read

    naming = "---\nbibliography: refs.bib\n---\n\nStanding desks halve back pain.\n"
    with queueing_site.client() as client:
        uploaded = client.post("/api/articles/upload",
                               files={"file": ("paper.md", naming.encode("utf-8"))})
        pasted = client.post("/api/articles", json={"name": "pasted.md", "text": naming,
                                                    "format": "markdown"})
    assert [r.status_code for r in (uploaded, pasted)] == [202, 202], pasted.text
    runner = JobRunner(queueing_site.service.settings, queueing_site.service.sessions,
                       client=cast(Any, None))
    for sent in (uploaded, pasted):
        job = runner._start(sent.json()["job_id"])
        assert job is not None
        article, references = _read(job)  # no refusal: read as the request reads it
        assert (article.bibliography, references) == (("refs.bib",), [])
