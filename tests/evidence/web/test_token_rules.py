"""Managing tokens through the service: the last admin stays, names are never reused, and
the list comes in pages with its total."""

from __future__ import annotations

import threading

import httpx

from tests.evidence.web.site import Site


def _as(site: Site, secret: str) -> httpx.Client:
    return httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {secret}"},
                        timeout=30.0)


def test_the_last_admin_token_cannot_be_revoked(site: Site) -> None:
    with site.client(role="admin") as admin:
        refused = admin.delete("/api/tokens/admin-1")
        still = admin.get("/api/me")
        other = admin.post("/api/tokens", json={"name": "second-admin", "role": "admin"})
        with _as(site, other.json()["token"]) as second:
            revoked = second.delete("/api/tokens/admin-1")
            alone = second.delete("/api/tokens/second-admin")
    assert refused.status_code == 409 and "last active admin" in refused.json()["error"]
    assert still.status_code == 200
    assert revoked.status_code == 200  # another admin remains: allowed
    assert alone.status_code == 409


def test_two_admins_revoking_each_other_at_once_leave_one(site: Site) -> None:
    with site.client(role="admin") as admin:
        second = admin.post("/api/tokens", json={"name": "second-admin", "role": "admin"})
    answers: dict[str, int] = {}

    def revoke(secret: str, target: str) -> None:
        with _as(site, secret) as client:
            answers[target] = client.delete(f"/api/tokens/{target}").status_code

    threads = [threading.Thread(target=revoke, args=(site.tokens["admin"], "second-admin")),
               threading.Thread(target=revoke, args=(second.json()["token"], "admin-1"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from sqlalchemy import select

    from evidence.store.models import Token

    with site.service.sessions() as session:
        active = session.scalars(select(Token.name).where(Token.role == "admin",
                                                          Token.revoked_at.is_(None))).all()
    assert len(active) == 1
    # One revocation went through; the other was refused (409), or found its own token
    # already revoked (401) when it came second.
    assert sorted(answers.values()) in ([200, 401], [200, 409])


def test_a_revoked_name_is_not_given_again(site: Site) -> None:
    with site.client(role="admin") as admin:
        made = admin.post("/api/tokens", json={"name": "sam", "role": "editor"})
        admin.delete("/api/tokens/sam")
        again = admin.post("/api/tokens", json={"name": "sam", "role": "editor"})
    assert made.status_code == 201
    assert again.status_code == 409 and "never reused" in again.json()["error"]


def test_the_token_list_comes_in_pages_with_its_total(site: Site) -> None:
    for n in range(4):
        site.token(f"extra-{n}", "reviewer")
    with site.client(role="admin") as admin:
        first = admin.get("/api/tokens", params={"limit": 3})
        rest = admin.get("/api/tokens", params={"limit": 3, "offset": 3})
        last = admin.get("/api/tokens", params={"limit": 3, "offset": 6})
        too_many = admin.get("/api/tokens", params={"limit": 100_000})
    names = [t["name"] for t in first.json() + rest.json() + last.json()]
    assert [len(first.json()), len(rest.json()), len(last.json())] == [3, 3, 1]
    assert first.headers["x-total-count"] == last.headers["x-total-count"] == "7"
    assert names == ["reviewer-1", "editor-1", "admin-1"] + [f"extra-{n}" for n in range(4)]
    assert too_many.status_code == 422
