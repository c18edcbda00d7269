"""An article's claims come in pages (``limit``, ``offset``), with their total."""

from __future__ import annotations

from tests.evidence.web.articles import CITED, RELATED, UNSUPPORTED
from tests.evidence.web.helpers import submit
from tests.evidence.web.site import Site


def test_an_articles_claims_come_in_pages_with_their_total(site: Site) -> None:
    with site.client() as client:
        whole = submit(client)
        second = client.get(f"/api/articles/{whole['id']}", params={"limit": 1, "offset": 1})
        past = client.get(f"/api/articles/{whole['id']}", params={"offset": 1000})
        too_big = client.get(f"/api/articles/{whole['id']}", params={"limit": 10_001})
    texts = [c["text"] for c in whole["claims"]]
    # The test article's sentences that are claims, in text order (its title is one too).
    assert [t for t in texts if t in (CITED, RELATED, UNSUPPORTED)] == [CITED, RELATED,
                                                                         UNSUPPORTED]
    assert whole["claims_total"] == len(texts) >= 3
    assert second.status_code == 200
    assert second.json()["claims"] == [whole["claims"][1]]
    assert second.json()["claims_total"] == whole["claims_total"]
    assert second.json()["findings"] == whole["findings"]  # of the whole version
    assert past.json()["claims"] == [] and past.json()["claims_total"] == len(texts)
    assert too_big.status_code == 422
