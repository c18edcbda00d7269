"""The store's side of the service: saving checks, carrying work over, tokens, the trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from evidence.articles.model import Article
from evidence.errors import InputError
from evidence.results import ArticleResult, ClaimResult, ReferenceResult, SourceLink
from evidence.store import editing, tokens
from evidence.store.articles import normalise_claim
from evidence.store.models import Event, Link
from evidence.store.saving import save_check
from evidence.store.views import get_article

REF = ReferenceResult(text="Doe J. A generated work. 2020.", line=9, doi="10.5555/store.1",
                      status="unverified", written_doi="10.5555/store.1")
OTHER = ReferenceResult(text="Roe R. Another generated work. 2021.", line=10, doi=None,
                        status="no-doi")


def _article(text: str) -> Article:
    return Article(path="a.md", format="markdown", title="A", text=text, sentences=(),
                   references=(), bibliography=(), problems=())


def _result(
    *claims: ClaimResult, refs: tuple[ReferenceResult, ...] = (REF, OTHER)
) -> ArticleResult:
    return ArticleResult(path="a.md", title="A", claims=claims, references=refs,
                         format="markdown")


def _claim(text: str, *sources: SourceLink) -> ClaimResult:
    return ClaimResult(text=text, line=1, needs_support=True, sources=sources)


def _save(sessions: sessionmaker[Session], text: str, result: ArticleResult) -> int:
    with sessions.begin() as session:
        return save_check(session, _article(text), result, name="a.md", actor="ada")


def test_a_claim_citing_one_reference_twice_keeps_the_strongest_link(
    sessions: sessionmaker[Session],
) -> None:
    twice = _claim("Twice [1].", SourceLink(0, None, "inferred", 0.4),
                   SourceLink(0, None, "marker"))
    article_id = _save(sessions, "v1", _result(twice))
    with sessions() as session:
        view = get_article(session, article_id)
    assert view is not None
    assert [(link.how, link.score) for link in view.claims[0].links] == [("marker", None)]


def test_saving_the_same_text_twice_stores_it_once(sessions: sessionmaker[Session]) -> None:
    first = _save(sessions, "same", _result(_claim("One.")))
    second = _save(sessions, "same", _result(_claim("One.")))
    assert first == second


def test_verdicts_hand_links_and_marks_carry_over_to_unchanged_claims(
    sessions: sessionmaker[Session],
) -> None:
    v1 = _save(sessions, "v1", _result(
        _claim("Exercise helps 60% of people [1].", SourceLink(0, None, "marker")),
        _claim("Therapy takes six sessions."),
        _claim("Coverage varies by plan."),
    ))
    with sessions() as session:
        view = get_article(session, v1)
    assert view is not None
    cited, sessions_claim, coverage = view.claims
    with sessions.begin() as session:
        editing.set_verdict(session, link_id=cited.links[0].id, verdict="rejected",
                            version=cited.links[0].version, actor="ada")
        editing.add_link(session, claim_id=sessions_claim.id,
                         reference_id=view.references[1].id, version=sessions_claim.version,
                         actor="ada")
        editing.mark_no_source(session, claim_id=coverage.id, reason="general knowledge",
                               version=coverage.version, actor="ada")
    v2 = _save(sessions, "v2", _result(
        _claim("Exercise helps 60 % of people [2].", SourceLink(1, None, "marker")),  # renumbered
        _claim("Therapy takes six sessions."),
        _claim("Coverage varies by insurance plan."),  # changed: starts over
        refs=(OTHER, REF),  # the list reordered
    ))
    with sessions() as session:
        new = get_article(session, v2)
        carried = session.scalar(select(func.count()).select_from(Event).where(
            Event.action == "claim.carry-over"))
    assert new is not None and new.previous_id == v1
    cited2, sessions2, coverage2 = new.claims
    assert [(link.how, link.verdict) for link in cited2.links] == [("marker", "rejected")]
    assert new.reference(cited2.links[0].reference_id).text == REF.text  # type: ignore[union-attr]
    assert [(link.how, link.verdict) for link in sessions2.links] == [("editor", "confirmed")]
    assert new.reference(sessions2.links[0].reference_id).text == OTHER.text  # type: ignore[union-attr]
    assert coverage2.no_source_reason is None and coverage2.status == "unsupported"
    assert carried == 2


def test_unreviewed_found_links_are_not_copied(sessions: sessionmaker[Session]) -> None:
    _save(sessions, "v1", _result(_claim("Related claim.", SourceLink(0, None, "inferred", 0.5))))
    v2 = _save(sessions, "v2", _result(_claim("Related claim.")))
    with sessions() as session:
        view = get_article(session, v2)
    assert view is not None and view.claims[0].links == ()


def test_a_stale_write_changes_nothing(sessions: sessionmaker[Session]) -> None:
    article_id = _save(sessions, "v1", _result(_claim("Claim [1].", SourceLink(0, None, "marker"))))
    with sessions() as session:
        view = get_article(session, article_id)
    assert view is not None
    link = view.claims[0].links[0]
    with sessions.begin() as session:
        editing.set_verdict(session, link_id=link.id, verdict="confirmed", version=1, actor="a")
    with pytest.raises(editing.StaleVersion) as stale, sessions.begin() as session:
        editing.set_verdict(session, link_id=link.id, verdict="rejected", version=1, actor="b")
    assert stale.value.current["verdict"] == "confirmed" and stale.value.current["version"] == 2
    with sessions() as session:
        row = session.get(Link, link.id)
        events = session.scalar(select(func.count()).select_from(Event))
    assert row is not None and row.verdict == "confirmed" and row.version == 2
    assert events == 1


@pytest.mark.parametrize(("text", "same"), [
    ("Exercise helps [1].", "exercise helps"),
    ("Exercise  helps [@hayden2021]!", "exercise helps"),
    ("Éxercise helps\u00b2.", "exercise helps"),
    ("Exercise helps (Hayden et al., 2021).", "exercise helps"),
], ids=["numeric", "pandoc", "accent-and-superscript", "author-year"])
def test_claims_are_matched_without_markers_case_or_punctuation(text: str, same: str) -> None:
    assert normalise_claim(text) == same


def test_tokens_are_hashed_unique_and_revocable(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        secret = tokens.create_token(session, name="ada", role="editor")
    with pytest.raises(InputError, match="a token is named 'ada'; names are never reused"), \
            sessions.begin() as session:
        tokens.create_token(session, name="ada", role="reviewer")
    with pytest.raises(InputError, match="unknown role"), sessions.begin() as session:
        tokens.create_token(session, name="bob", role="owner")
    with sessions() as session:
        holder = tokens.find_token(session, secret)
    assert holder is not None and (holder.name, holder.role) == ("ada", "editor")
    with sessions.begin() as session:
        tokens.revoke_token(session, name="ada")
    with sessions() as session:
        assert tokens.find_token(session, secret) is None
        assert [t.active for t in tokens.list_tokens(session)] == [False]
    with pytest.raises(tokens.TokenNotFound), sessions.begin() as session:
        tokens.revoke_token(session, name="ada")
    # Revoked, the name still names its holder in the audit trail: not given to another.
    with pytest.raises(InputError, match="a revoked token was named 'ada'"), \
            sessions.begin() as session:
        tokens.create_token(session, name="ada", role="admin")
