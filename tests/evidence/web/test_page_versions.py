"""A new version from the article page: the form, the optimistic ``replaces``, the roles."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx

from tests.evidence.web.articles import ARTICLE, EDITED, UNSUPPORTED, article_body
from tests.evidence.web.helpers import signed_in, submit
from tests.evidence.web.site import Site


def _form_of(page: str) -> tuple[str, str, str]:
    """(action, format chosen, text) of the page's new-version form."""
    form = page.split('<details class="new-version"', 1)[1].split("</form>", 1)[0]
    action = re.search(r'<form method="post" action="([^"]+)"', form)
    chosen = re.search(r'<option value="([a-z]+)" selected>', form)
    text = re.search(r'<textarea id="new-version-text"[^>]*>\n(.*?)</textarea>', form, re.S)
    assert action and chosen and text, form
    return action.group(1), chosen.group(1), html.unescape(text.group(1))


def _post_form(browser: httpx.Client, action: str, text: str) -> httpx.Response:
    # As a browser sends a textarea: CRLF line ends.
    return browser.post(action, data={"format": "markdown", "text": text.replace("\n", "\r\n"),
                                      "bibliography": ""})


def _stored_numbers(site: Site, article_id: int) -> list[int]:
    with site.client() as api:
        versions = api.get(f"/api/articles/{article_id}").json()["versions"]
    return [v["id"] for v in versions]


def test_an_editor_submits_a_new_version_from_the_page_and_lands_on_it(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site) as browser:
        action, chosen, text = _form_of(browser.get(f"/articles/{first['id']}").text)
        edited = text.replace(UNSUPPORTED, "Most readers finish this article in under ten minutes.")
        done = _post_form(browser, action, edited)
        landed = browser.get(done.headers["location"]).text
        old = browser.get(f"/articles/{first['id']}").text
    assert (action, chosen, text) == (f"/articles/{first['id']}/versions", "markdown", ARTICLE)
    assert done.status_code == 303
    new_id = int(re.fullmatch(r"/articles/(\d+)\?notice=.*", done.headers["location"])[1])
    with site.client() as api:
        stored = api.get(f"/api/articles/{new_id}").json()
    assert stored["previous_id"] == first["id"] and stored["text"] == EDITED
    assert 'data-version="2">version 2 of 2<' in landed
    assert f'<a rel="prev" class="previous-version" href="/articles/{first["id"]}">' \
           "previous: version 1</a>" in landed
    assert "version 2 stored" in landed  # the notice
    assert _form_of(landed)[0] == f"/articles/{new_id}/versions"
    # The old version says so, links to the newer one, and offers no form that would fail.
    assert 'data-version="1">version 1 of 2<' in old
    assert f'<a rel="next" class="newer-version" href="/articles/{new_id}">' in old
    assert "This is not the newest version" in old
    assert f'action="/articles/{first["id"]}/versions"' not in old


def test_the_same_text_again_stores_nothing_and_says_so(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site) as browser:
        action, _, text = _form_of(browser.get(f"/articles/{first['id']}").text)
        again = _post_form(browser, action, text)
        page = browser.get(again.headers["location"]).text
    assert again.status_code == 303
    assert again.headers["location"].startswith(f"/articles/{first['id']}?")
    assert "nothing new: this text is already version 1" in page
    assert _stored_numbers(site, first["id"]) == [first["id"]]


def test_a_stale_new_version_form_names_the_newer_version(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site) as browser:
        action, _, text = _form_of(browser.get(f"/articles/{first['id']}").text)
        with site.client() as other_editor:  # stores version 2 while the form is open
            second = other_editor.post("/api/articles", json={
                **article_body(text=EDITED), "replaces": first["id"]}).json()
        mine = text.replace(UNSUPPORTED, "Most readers <b>skim</b> this article.")
        stale = browser.post(action, data={"format": "markdown", "text": mine,
                                           "bibliography": "@article{k, title={<i>T</i>}}"})
    assert stale.status_code == 409
    assert "text/html" in stale.headers["content-type"]
    assert "Version 2 of creativity.md was stored after you opened version 1" in stale.text
    assert f'<a class="newest-version" href="/articles/{second["id"]}#new-version">' \
           "Open version 2</a>" in stale.text
    # What was sent is given back (escaped), so that no edit is lost.
    assert "Most readers &lt;b&gt;skim&lt;/b&gt; this article." in stale.text
    assert "@article{k, title={&lt;i&gt;T&lt;/i&gt;}}" in stale.text
    assert _stored_numbers(site, first["id"]) == [first["id"], second["id"]]


def test_a_reviewer_sees_no_form_and_cannot_post_one(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site, "reviewer") as browser:
        page = browser.get(f"/articles/{first['id']}").text
        refused = _post_form(browser, f"/articles/{first['id']}/versions", EDITED)
    with signed_in(site, "admin") as admin:
        admins = admin.get(f"/articles/{first['id']}").text
    assert 'data-version="1">version 1 of 1<' in page
    assert "New version" not in page and "/versions" not in page
    assert refused.status_code == 403 and "needs the editor role" in refused.text
    assert _form_of(admins)[0] == f"/articles/{first['id']}/versions"
    assert _stored_numbers(site, first["id"]) == [first["id"]]


def test_a_new_version_posted_from_another_site_is_refused(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site) as browser:
        forged = browser.post(f"/articles/{first['id']}/versions",
                              data={"format": "markdown", "text": EDITED},
                              headers={"Origin": "https://elsewhere.example"})
    assert forged.status_code == 403 and "another site" in forged.text
    assert _stored_numbers(site, first["id"]) == [first["id"]]


def test_the_prefilled_text_cannot_close_its_textarea(site: Site) -> None:
    hostile = ARTICLE + "\n</textarea><script>alert(1)</script>\n"
    with site.client() as client:
        first = submit(client, text=hostile)
    with signed_in(site) as browser:
        page = browser.get(f"/articles/{first['id']}").text
    assert "<script>alert(1)" not in page
    assert _form_of(page)[2] == hostile


MANUSCRIPTS = Path(__file__).parents[2] / "fixtures" / "manuscripts"


def _upload_form(page: str) -> str:
    return page.split('<details class="new-version"', 1)[1].split("</details>", 1)[0]


def test_the_forms_offer_the_text_formats_and_every_file_the_service_reads(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
    with signed_in(site) as browser:
        listing = browser.get("/articles").text
        page = browser.get(f"/articles/{first['id']}").text
    for form in (listing.split('action="/articles"', 1)[1], _upload_form(page)):
        offered = re.findall(r'<option value="([a-z-]+)"', form.split("</select>", 1)[0])
        assert offered == ["text", "markdown", "html"]
    for accept in re.findall(r'name="file" type="file" required accept="([^"]+)"',
                             listing + page):
        # .xhtml and .text are read too (the old hard-coded list left them out).
        assert set(accept.split(",")) >= {".txt", ".text", ".md", ".markdown", ".html", ".htm",
                                          ".xhtml", ".tex", ".xml", ".nxml", ".docx", ".pdf"}
    # A text article's page offers its text to edit, and a file upload as well.
    assert f'action="/articles/{first["id"]}/versions/upload"' in _upload_form(page)


def test_a_new_version_of_an_uploaded_article_is_uploaded_from_its_page(site: Site) -> None:
    with site.client() as client:
        sent = client.post("/api/articles/upload", files={
            "file": ("spine-pain.docx", (MANUSCRIPTS / "spine-pain.docx").read_bytes())})
        first = sent.json()
    with signed_in(site) as browser:
        form = _upload_form(browser.get(f"/articles/{first['id']}").text)
        # A Word article's text is no text to edit: the page asks for the file.
        assert 'id="new-version-text"' not in form and "read from a Word file" in form
        assert 'enctype="multipart/form-data"' in form
        done = browser.post(f"/articles/{first['id']}/versions/upload", files={
            "file": ("spine-pain (revised).pdf", (MANUSCRIPTS / "spine-pain.pdf").read_bytes()),
            "bibliography": ("", b"")})
        assert done.status_code == 303, done.text
        landed = browser.get(done.headers["location"]).text
    new_id = int(re.fullmatch(r"/articles/(\d+)\?notice=version-stored",
                              done.headers["location"])[1])
    with site.client() as api:
        stored = api.get(f"/api/articles/{new_id}").json()
    # The version is the next of the document, stored under the name of what was sent, and
    # read as the PDF it is
    assert (stored["name"], stored["format"]) == ("spine-pain (revised).pdf", "pdf")
    assert [v["id"] for v in stored["versions"]] == [first["id"], new_id]
    assert stored["previous_id"] == first["id"]
    assert 'data-version="2">version 2 of 2<' in landed and "read from a PDF file" in landed
    assert "Most private health plans in the United States" in landed
    # and the next version, sent from that one's page as Markdown, follows it
    markdown = (MANUSCRIPTS.parents[2] / "examples" / "spine-pain.md").read_bytes()
    with signed_in(site) as browser:
        again = browser.post(f"/articles/{new_id}/versions/upload",
                             files={"file": ("spine-pain.md", markdown)})
    assert again.status_code == 303, again.text
    third_id = int(re.fullmatch(r"/articles/(\d+)\?notice=version-stored",
                                again.headers["location"])[1])
    with site.client() as api:
        third = api.get(f"/api/articles/{third_id}").json()
    assert (third["name"], third["format"], third["previous_id"]) == (
        "spine-pain.md", "markdown", new_id)


def test_a_stale_or_unreadable_upload_stores_nothing(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
        second = client.post("/api/articles", json={
            **article_body(text=EDITED), "replaces": first["id"]}).json()
    with signed_in(site) as browser:
        stale = browser.post(f"/articles/{first['id']}/versions/upload",
                             files={"file": ("creativity-v3.md", ARTICLE.encode())})
        odd = browser.post(f"/articles/{second['id']}/versions/upload",
                           files={"file": ("creativity.odt", b"PK\x03\x04 not read")})
        null = browser.post(f"/articles/{second['id']}/versions/upload",
                            headers={"Origin": "null"},
                            files={"file": ("creativity.md", ARTICLE.encode())})
        listed = browser.post("/articles/upload", headers={"Origin": "null"},
                              files={"file": ("other.md", ARTICLE.encode())})
    assert stale.status_code == 409
    assert "Your file creativity-v3.md was not stored" in stale.text
    assert f'href="/articles/{second["id"]}#new-version"' in stale.text
    assert odd.status_code == 400 and "creativity.odt: cannot tell the format" in odd.text
    assert (null.status_code, listed.status_code) == (403, 403)  # Origin: null, as for forms
    assert _stored_numbers(site, first["id"]) == [first["id"], second["id"]]


def test_a_text_that_reorders_itself_is_shown_in_order_and_edited_as_stored(site: Site) -> None:
    spoof = "Most plans pay for \u202eevil\u202c treatment in 80% of cases."
    with site.client() as client:
        first = submit(client, text=ARTICLE.replace(UNSUPPORTED, spoof))
    with signed_in(site) as browser:
        page = browser.get(f"/articles/{first['id']}").text
    _, _, text = _form_of(page)
    assert spoof in text  # the text to edit is the stored text, controls and all
    shown = page.replace(page.split('<textarea id="new-version-text"', 1)[1].split(
        "</textarea>", 1)[0], "")
    assert "Most plans pay for evil treatment in 80% of cases." in shown
    assert not {"\u202e", "\u202c"} & set(shown)
