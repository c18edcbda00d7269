"""``evidence token`` and ``evidence serve``: the service's commands."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner, Result

from evidence.cli.context import Context
from evidence.cli.serve import serve
from evidence.cli.token import token


def _invoke(db_url: str, *args: str) -> Result:
    context = Context(database=db_url)
    try:
        return CliRunner().invoke(token, list(args), obj=context)
    finally:
        if context._sessions is not None:  # the command line's process would end here
            context._sessions.kw["bind"].dispose()


def _run(db_url: str, *args: str) -> tuple[int, str, str]:
    result = _invoke(db_url, *args)
    return result.exit_code, result.stdout, result.stderr


def test_token_create_prints_only_the_token_and_says_on_stderr_what_it_is(db_url: str) -> None:
    code, out, err = _run(db_url, "create", "--name", "ada", "--role", "editor")
    assert code == 0
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", out)  # scripts read stdout
    assert err == ("evidence: made a token for 'ada' (role editor); it is shown only this "
                   "once: the store keeps only its hash\n")


def test_token_list_and_revoke(db_url: str) -> None:
    _run(db_url, "create", "--name", "ada", "--role", "editor")
    _run(db_url, "create", "--name", "bob", "--role", "admin")
    code, _, err = _run(db_url, "revoke", "ada")
    _, listed, _ = _run(db_url, "list")
    assert code == 0 and "revoked" in err
    lines = [line.split("\t") for line in listed.splitlines()]
    assert [(n, r, s.split()[0]) for n, r, _, s in lines] == [
        ("ada", "editor", "revoked"), ("bob", "admin", "active")]


def test_token_mistakes_are_refused(db_url: str) -> None:
    from evidence.errors import InputError

    _run(db_url, "create", "--name", "ada", "--role", "editor")
    twice = _invoke(db_url, "create", "--name", "ada", "--role", "editor")
    unknown = _invoke(db_url, "revoke", "nobody")
    role = _invoke(db_url, "create", "--name", "x", "--role", "owner")
    assert isinstance(twice.exception, InputError)  # the CLI's main maps it to exit 2
    assert isinstance(unknown.exception, InputError)
    assert role.exit_code == 2 and "owner" in role.stderr


def test_serve_has_help() -> None:
    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0
    assert "--host" in result.stdout and "--port" in result.stdout


def test_evidence_serve_answers_health(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    code = ("import sys; from evidence.cli import cli; from evidence.cli.serve import serve; "
            "cli.add_command(serve); sys.exit(cli.main(standalone_mode=True))")
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--database", url, "serve", "--port", str(port),
         "--offline"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/health")
    finally:
        process.terminate()
        process.wait(timeout=20)
        assert process.stderr is not None
        process.stderr.close()
    assert health == {"status": "ok", "database": "sqlite"}


def _wait_for(url: str, seconds: float = 20.0) -> object:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2.0).json()
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
