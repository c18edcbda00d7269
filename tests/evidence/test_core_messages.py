"""Messages of the core say what happened and name no CLI flag or command: the service shows
them to people who have no command line. Each shell adds its own hint."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from evidence.check import CheckOptions, check_articles
from evidence.config import Settings
from evidence.errors import InputError
from evidence.resolver import resolve_dois

ARTICLE = """\
Physical therapy reduces back pain in most patients [1].
A second sentence claims that most insurers pay for twelve sessions.

References
1. Saragiotto BT, et al. Motor control exercise for chronic non-specific low-back pain.
   Cochrane Database Syst Rev. 2016. doi:10.1002/14651858.CD012004
2. Somebody A. Walking and posture in office workers. Some Journal. 2019;3:1-9.
"""


def _names_no_shell(message: str) -> None:
    assert "--" not in message, message
    assert "`evidence" not in message and "evidence resolve" not in message, message


def test_an_offline_doi_is_unverified_and_the_reason_names_no_flag(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    settings = Settings(database_url=db_url, offline=True)
    [found] = asyncio.run(resolve_dois(["10.1002/14651858.CD012004"], sessions=sessions,
                                       settings=settings))
    assert found.status == "unverified" and found.reason is not None
    assert "offline" in found.reason
    _names_no_shell(found.reason)


def test_an_offline_check_says_what_happened_and_adds_only_the_shells_hint(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    settings = Settings(database_url=db_url, offline=True)
    plain = asyncio.run(check_articles([path], settings=settings, sessions=sessions,
                                       options=CheckOptions(record=False)))
    references = plain.articles[0].references
    assert {r.status for r in references} == {"unverified"}
    for message in (*plain.notes, *(r.reason or "" for r in references)):
        _names_no_shell(message)
    assert any("could not be verified" in note for note in plain.notes)
    hinted = asyncio.run(check_articles(
        [path], settings=settings, sessions=sessions,
        options=CheckOptions(record=False, verify_hint="ask your administrator")))
    assert any(note.endswith("; ask your administrator") for note in hinted.notes)


def test_an_article_over_the_limit_is_refused_in_the_shells_words(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE * 40, encoding="utf-8")  # about 14 kB
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", offline=True)
    tight = CheckOptions(record=False, max_article_mb=0.001)
    with pytest.raises(InputError) as core:
        asyncio.run(check_articles([path], settings=settings, sessions=None,  # type: ignore[arg-type]
                                   options=tight))
    _names_no_shell(str(core.value))
    assert "over the limit" in str(core.value)
    shell = CheckOptions(record=False, max_article_mb=0.001, raise_limit="send it in parts")
    with pytest.raises(InputError, match="send it in parts"):
        asyncio.run(check_articles([path], settings=settings, sessions=None,  # type: ignore[arg-type]
                                   options=shell))
