"""The JSON API under a real server: articles, versions, works, errors."""

from __future__ import annotations

import pytest

from tests.evidence.web.articles import (
    ARTICLE,
    CITED,
    CORRECTED,
    EDITED,
    RELATED,
    RETRACTED,
    UNSUPPORTED,
    article_body,
)
from tests.evidence.web.helpers import claim, link_of, submit
from tests.evidence.web.site import Site


def test_health_needs_no_token(site: Site) -> None:
    with site.client(role=None) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_an_article_is_checked_stored_and_read_back(site: Site) -> None:
    with site.client() as client:
        created = client.post("/api/articles", json=article_body())
        assert created.status_code == 201
        assert created.headers["location"] == f"/api/articles/{created.json()['id']}"
        article = client.get(f"/api/articles/{created.json()['id']}").json()
    assert article["path"] == "creativity.md" and article["title"] == "Creativity, honesty and mice"
    assert claim(article, CITED)["status"] == "supported"
    assert link_of(article, CITED)["how"] == "marker"
    assert link_of(article, CITED)["doi"] == RETRACTED
    assert claim(article, RELATED)["status"] == "related"
    assert link_of(article, RELATED)["how"] == "inferred"
    # Why the linker picked it is stored with the link; a marker needs no why.
    assert link_of(article, RELATED)["why"].startswith(
        "the claim's wording is close to it: shares the words ")
    assert "methylphenidate" in link_of(article, RELATED)["why"]
    assert link_of(article, CITED)["why"] is None
    assert claim(article, UNSUPPORTED)["status"] == "unsupported"
    refs = {r["doi"]: r for r in article["references"]}
    assert refs[RETRACTED]["status"] == "resolved" and refs[RETRACTED]["retracted"] is True
    assert refs[CORRECTED]["work"]["corrected"] is True
    rules = {f["rule"] for f in article["findings"]}
    assert {"unsupported-claim", "retracted-source", "corrected-source"} <= rules


def test_the_article_object_has_the_json_reports_keys(site: Site) -> None:
    with site.client() as client:
        article = submit(client)
    assert {"path", "title", "claims", "references", "findings"} <= set(article)
    assert {"text", "line", "needs_support", "sources"} <= set(article["claims"][0])
    assert {"doi", "how", "score"} <= set(link_of(article, CITED))
    assert {"text", "line", "doi", "status", "title", "retracted"} <= set(article["references"][0])
    assert {"rule", "severity", "path", "line", "message"} <= set(article["findings"][0])


def test_the_same_text_again_is_the_same_version(site: Site) -> None:
    with site.client() as client:
        first = client.post("/api/articles", json=article_body())
        again = client.post("/api/articles", json=article_body())
        listed = client.get("/api/articles").json()["articles"]
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert [a["versions"] for a in listed] == [1]


def test_a_new_text_under_the_same_name_is_a_new_version(site: Site) -> None:
    with site.client() as client:
        first = submit(client)
        second = submit(client, text=EDITED)
        listed = client.get("/api/articles").json()["articles"]
    assert second["previous_id"] == first["id"]
    assert [v["id"] for v in second["versions"]] == [first["id"], second["id"]]
    assert len(listed) == 1 and listed[0]["id"] == second["id"] and listed[0]["versions"] == 2


def test_the_list_counts_claims_unsupported_and_bad_references(site: Site) -> None:
    with site.client() as client:
        submit(client)
        submit(client, name="other.md", text="# Other\n\nNothing here is a claim.\n")
        listed = client.get("/api/articles").json()["articles"]
    by_name = {a["name"]: a for a in listed}
    assert by_name["creativity.md"]["claims"] == 3
    assert by_name["creativity.md"]["unsupported"] == 1
    assert by_name["creativity.md"]["bad_references"] == 1  # the retracted one
    assert by_name["other.md"]["claims"] == 0


def test_a_bibliography_gives_the_references(site: Site) -> None:
    bib = (
        "@article{gino2014,\n  author = {Gino, Francesca and Wiltermuth, Scott S.},\n"
        "  title = {Evil Genius? How Dishonesty Can Lead to Greater Creativity},\n"
        "  journal = {Psychological Science}, year = {2014},\n"
        f"  doi = {{{RETRACTED}}}\n}}\n"
    )
    text = ("# Notes on creativity\n\nIn one study, dishonesty increased creativity in 60% of "
            "people [@gino2014]. We discuss what that means here.\n\nThe rest is method.\n")
    with site.client() as client:
        article = submit(client, name="notes.md", text=text, bibliography=bib)
    assert [r["doi"] for r in article["references"]] == [RETRACTED]
    cited = [c for c in article["claims"] if "[@gino2014]" in c["text"]]
    assert [s["how"] for s in cited[0]["sources"]] == ["marker"]
    assert "metadata-mismatch" not in {f["rule"] for f in article["findings"]}


def test_a_reference_written_wrong_is_reported_from_the_store(site: Site) -> None:
    wrong = ARTICLE.replace("PLoS ONE. 2012;7(3)", "PLoS ONE. 2019;7(3)")
    with site.client() as client:
        article = submit(client, name="wrong-year.md", text=wrong)
    mismatches = [f for f in article["findings"] if f["rule"] == "metadata-mismatch"]
    assert len(mismatches) == 1 and "year written '2019'" in mismatches[0]["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"name": "x.md"}, 422, "text"),
        ({"name": "", "text": "t"}, 422, "name"),
        ({"name": "x", "text": "t", "format": "docx"}, 422, "format"),
        ({"name": "x", "text": "t", "format": "latex"}, 422, "'text', 'markdown' or 'html'"),
        ({"name": "x", "text": "t", "bibliography_format": "ris"}, 422, "'bibtex' or 'csl-json'"),
        ({"name": "x", "text": "nul \x00 here"}, 422, "NUL"),
        ({"name": "x", "text": "t", "bibliography": "[{not json"}, 400, "x.json"),
    ],
    ids=["no-text", "empty-name", "unknown-format", "upload-only-format",
         "unknown-bibliography-format", "nul-character", "broken-csl-json"],
)
def test_bad_input_is_refused_with_a_message(
    site: Site, body: dict[str, str], status: int, words: str
) -> None:
    with site.client() as client:
        response = client.post("/api/articles", json=body)
        listed = client.get("/api/articles").json()["articles"]
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert response.json()["status"] == status
    assert listed == []  # refused whole: nothing stored


def test_a_body_that_is_not_json_is_refused(site: Site) -> None:
    with site.client() as client:
        response = client.post("/api/articles", content=b"{oops",
                               headers={"content-type": "application/json"})
    assert response.status_code == 422
    # "{oops": the name at character 1 is not quoted.
    assert response.json()["error"] == ("the body is not JSON at character 1: Expecting "
                                        "property name enclosed in double quotes")


def test_a_body_over_five_megabytes_is_refused_whole(site: Site) -> None:
    text = "word " * (1_100_000)
    with site.client() as client:
        response = client.post("/api/articles", json=article_body(text=text))
        listed = client.get("/api/articles").json()["articles"]
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert listed == []


def test_a_streamed_body_over_the_limit_is_refused(site: Site) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"name": "big", "text": "'
        for _ in range(6):
            yield b"x" * 1024 * 1024
        yield b'"}'

    with site.client() as client:
        response = client.post("/api/articles", content=chunks(),
                               headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/api/articles/999", "/api/claims/999", "/api/nothing"],
                         ids=["article", "claim", "route"])
def test_what_does_not_exist_is_404(site: Site, path: str) -> None:
    with site.client() as client:
        response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]


def test_a_doi_is_looked_up_once_then_served_from_the_store(site: Site) -> None:
    with site.client(role="reviewer") as client:
        first = client.get(f"/api/works/{CORRECTED}")
        asked = sum(site.standin.counts.values())
        again = client.get(f"/api/works/{CORRECTED.upper()}")
    assert first.status_code == 200 and again.status_code == 200
    assert first.json()["title"].startswith("Methylphenidate Exposure")
    assert first.json()["corrected"] is True
    assert again.json() == first.json()
    assert sum(site.standin.counts.values()) == asked  # the store answered the second time


@pytest.mark.parametrize(("doi", "status"), [("10.1371/notarealdoi", 404), ("not-a-doi", 400)],
                         ids=["unknown", "invalid"])
def test_a_doi_the_registry_does_not_know_or_that_is_not_one(
    site: Site, doi: str, status: int
) -> None:
    with site.client(role="reviewer") as client:
        response = client.get(f"/api/works/{doi}")
    assert response.status_code == status
    assert response.json()["error"]


def test_a_free_text_reference_is_matched(site: Site) -> None:
    text = ("Sadasivan S, Pond BB, Pani AK, et al. Methylphenidate exposure induces dopamine "
            "neuron loss and activation of microglia in the basal ganglia of mice. PLoS ONE. "
            "2012;7(3):e33693.")
    with site.client(role="reviewer") as client:
        response = client.post("/api/works/match", json={"text": text})
    assert response.status_code == 200, response.text
    assert response.json()["doi"] == CORRECTED
    assert response.json()["confidence"] > 0.5


def test_a_match_is_kept_in_the_store_as_a_check_keeps_it(site: Site) -> None:
    text = ("Sadasivan S, Pond BB, Pani AK, et al. Methylphenidate exposure induces dopamine "
            "neuron loss and activation of microglia in the basal ganglia of mice. PLoS ONE. "
            "2012;7(3):e33693.")
    with site.client(role="reviewer") as client:
        first = client.post("/api/works/match", json={"text": text}).json()
        asked = [r.kind for r in site.standin.log].count("search")
        again = client.post("/api/works/match", json={"text": text}).json()
    assert asked == 1 and [r.kind for r in site.standin.log].count("search") == 1
    assert again == first and first["doi"] == CORRECTED
    from evidence.store.matches import get_matches

    with site.service.sessions() as session:
        assert get_matches(session, [text])[text] == (CORRECTED, first["confidence"])


def test_an_unreachable_registry_is_503_not_404(db_url: str) -> None:
    from tests.evidence.web.site import running_site
    from tests.standin import Faults, StandinConfig

    config = StandinConfig(enforce_limits=False, faults=Faults(status=503))
    with running_site(db_url, standin_config=config) as down, down.client() as client:
        looked_up = client.get(f"/api/works/{CORRECTED}")
        matched = client.post("/api/works/match", json={"text": "Any title at all, 2012."})
        submitted = submit(client)
    assert looked_up.status_code == 503 and "registry" in looked_up.json()["error"]
    assert matched.status_code == 503
    # A check does not fail on the registry's silence: the references are unverified.
    assert {r["status"] for r in submitted["references"]} == {"unverified"}
    assert ARTICLE  # the article was submitted whole
