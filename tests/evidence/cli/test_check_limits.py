"""The size limit on one article: refused at once, with the size, the limit and the way on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from evidence.checkconfig import DEFAULT_MAX_ARTICLE_MB, read_config_file
from evidence.errors import InputError

PARAGRAPH = "Exercise therapy reduces back pain in most adults who keep at it.\n\n"


def _article(folder: Path, megabytes: float) -> Path:
    path = folder / "long.txt"
    path.write_text(PARAGRAPH * int(megabytes * 1_000_000 / len(PARAGRAPH) + 1), encoding="utf-8")
    return path


def _stored_articles(store_url: str) -> int:
    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM article")) or 0)
    finally:
        engine.dispose()


def test_an_article_over_the_default_limit_is_refused_and_nothing_stored(
    evidence: Any, tmp_path: Path, store_url: str
) -> None:
    small = tmp_path / "small.txt"
    small.write_text(PARAGRAPH, encoding="utf-8")
    assert evidence("check", "--offline", str(small)).code == 0  # the store exists now
    big = _article(tmp_path, DEFAULT_MAX_ARTICLE_MB + 0.1)
    run = evidence("check", "--offline", str(big))
    assert run.code == 2 and run.out == ""
    assert "long.txt" in run.err and "over the limit of 10.0 MB" in run.err
    assert "--max-article-size" in run.err
    assert _stored_articles(store_url) == 1  # the small one only


def test_the_option_and_the_configuration_set_the_limit(
    evidence: Any, tmp_path: Path
) -> None:
    article = _article(tmp_path, 0.2)
    refused = evidence("check", "--offline", "--max-article-size", "0.1", str(article))
    assert refused.code == 2 and "over the limit of 0.1 MB" in refused.err
    (tmp_path / "evidence.toml").write_text("max-article-size = 0.1\n", encoding="utf-8")
    assert "over the limit" in evidence("check", "--offline", str(article)).err
    allowed = evidence("check", "--offline", "--max-article-size", "0", str(article))
    assert allowed.code == 0, allowed.err


@pytest.mark.parametrize("value", ["-1", '"big"', "true"])
def test_a_bad_limit_in_the_configuration_is_an_input_error(tmp_path: Path, value: str) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(f"max-article-size = {value}\n", encoding="utf-8")
    with pytest.raises(InputError, match="max-article-size must be a number of megabytes"):
        read_config_file(path)
