"""Check jobs on PostgreSQL: real worker processes, the stand-in registry at polite limits."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from select import select as readable_within
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from evidence.cli import main
from evidence.store.models import Article, CheckJob, Lookup, Reference
from evidence.vocabulary import JobState, ReferenceStatus
from tests.standin import Faults, Standin, StandinConfig, run_standin
from tests.standin.articles import write_corpus

if TYPE_CHECKING:
    import httpx

pytestmark = pytest.mark.postgresql

MAILTO = "jobs@example.org"
WORKER = "import sys; from evidence.cli import main; sys.exit(main(sys.argv[1:]))"


class Workers:
    """Worker processes on one store and one registry; stopped at the end of the test."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log.open("ab")
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int, *, concurrency: int = 3) -> None:
        for _ in range(count):
            self.processes.append(subprocess.Popen(
                [sys.executable, "-c", WORKER, "worker", "--concurrency", str(concurrency)],
                env=self.env, stdout=subprocess.DEVNULL, stderr=self.log))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log.close()


@pytest.fixture
def registry_and_workers(pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                         ) -> Iterator[Callable[..., tuple[str, Workers]]]:
    """Start the stand-in, point the environment (this process's and the workers') at it."""
    started: list[tuple[object, Workers]] = []

    def start(app: Standin, **overrides: str) -> tuple[str, Workers]:
        serving = run_standin(app)
        base_url = serving.__enter__()
        env = {**os.environ, "EVIDENCE_DATABASE_URL": pg_url, "EVIDENCE_CROSSREF_URL": base_url,
               "EVIDENCE_DOI_URL": f"{base_url}/doi", "EVIDENCE_MAILTO": MAILTO,
               "EVIDENCE_JOB_HEARTBEAT": "3", "EVIDENCE_JOB_RETRY_WAIT": "1",
               "EVIDENCE_REGISTRY_WAIT": "30", **overrides}
        for key in ("EVIDENCE_DATABASE_URL", "EVIDENCE_CROSSREF_URL", "EVIDENCE_MAILTO"):
            monkeypatch.setenv(key, env[key])
        workers = Workers(env, tmp_path / "workers.log")
        started.append((serving, workers))
        return base_url, workers

    yield start
    for serving, workers in started:
        workers.stop()
        serving.__exit__(None, None, None)  # type: ignore[attr-defined]


def submit(paths: list[Path], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["submit", *map(str, paths), "--json"]) == 0
    return capsys.readouterr().out


def wait_for(sessions: sessionmaker[Session], done: Callable[[Counter[str]], bool],
             timeout: float = 240.0) -> Counter[str]:
    """The job states once ``done`` holds, or at ``timeout``. The timeout is a ceiling for a
    stuck run, not a speed test (benchmarks/scale.py measures speed): under a load average of
    10-15 three workers took over 50 s for the 300 articles."""
    deadline = time.monotonic() + timeout
    while True:
        with sessions() as session:
            states = Counter(dict(session.execute(
                select(CheckJob.state, func.count()).group_by(CheckJob.state)).all()))
        if done(states) or time.monotonic() > deadline:
            return states
        time.sleep(0.2)



def test_three_workers_check_300_articles_with_no_429_and_each_doi_asked_once(
    tmp_path: Path, pg_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    paths = write_corpus(tmp_path / "corpus", 300, 90)
    app = Standin(StandinConfig(generated=90, latency=0.05))
    _url, workers = registry_and_workers(app)
    assert '"submitted": 300' in submit(paths, capsys)
    assert '"submitted": 300' in submit(paths, capsys)  # the same texts again: the same jobs
    workers.start(3)
    states = wait_for(pg_sessions, lambda s: s[JobState.DONE] + s[JobState.FAILED] >= 300)
    assert states == {JobState.DONE: 300}
    assert [r.status for r in app.log if r.status == 429] == []
    asked = app.asked_dois()
    assert len(asked) == 90 and len(set(asked)) == 90  # each DOI once, by one worker
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(CheckJob)) == 300
        assert session.scalar(select(func.count()).select_from(Article)) == 300
        statuses = Counter(session.scalars(select(Reference.status)))
    assert statuses == {ReferenceStatus.RESOLVED: 900}


def test_a_worker_killed_mid_run_loses_no_job_and_none_runs_to_two_versions(
    tmp_path: Path, pg_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    paths = write_corpus(tmp_path / "corpus", 60, 180)
    # The dead worker's DOI claims are taken over once stale: registry wait + 10 s.
    _url, workers = registry_and_workers(Standin(StandinConfig(generated=180, latency=0.2)),
                                         EVIDENCE_REGISTRY_WAIT="5")
    submit(paths, capsys)
    # The first worker alone until it is in the middle of jobs: started together, a loaded
    # machine let the second do the first jobs while the first was still importing, and the
    # kill then hit a worker with nothing running.
    workers.start(1)
    wait_for(pg_sessions, lambda s: s[JobState.DONE] >= 6 and s[JobState.RUNNING] >= 1)
    workers.start(1)
    workers.processes[0].send_signal(signal.SIGKILL)
    workers.processes[0].wait()
    states = wait_for(pg_sessions, lambda s: s[JobState.DONE] + s[JobState.FAILED] >= 60)
    assert states == {JobState.DONE: 60}
    with pg_sessions() as session:
        jobs = session.execute(select(CheckJob.article_id, CheckJob.attempts)).all()
        articles = session.scalar(select(func.count()).select_from(Article))
    assert articles == 60 and len({article for article, _ in jobs}) == 60
    assert max(attempts for _, attempts in jobs) >= 2  # the killed worker's jobs ran again


def test_an_outage_is_retried_and_never_becomes_not_found(
    tmp_path: Path, pg_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    paths = write_corpus(tmp_path / "corpus", 4, 12)
    app = Standin(StandinConfig(generated=12, faults=Faults(status=503)))
    # The client gives up on a silent registry after 2 s; the job then waits 1 s to run again.
    # Attempts enough that no job reaches its last one (which stores, unverified) in the test.
    _url, workers = registry_and_workers(app, EVIDENCE_REGISTRY_WAIT="2",
                                         EVIDENCE_JOB_ATTEMPTS="50")
    submit(paths, capsys)
    workers.start(1)

    def all_told_to_wait(states: Counter[str]) -> bool:
        # Not "all queued at one moment": three run at once, and one may be on its next try.
        with pg_sessions() as session:
            jobs = session.execute(select(CheckJob.attempts, CheckJob.error)).all()
        return (not states[JobState.DONE] and not states[JobState.FAILED]
                and all(tried >= 1 and "unverified; retried later" in (error or "")
                        for tried, error in jobs))

    assert all_told_to_wait(wait_for(pg_sessions, all_told_to_wait))
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
    app.config = replace(app.config, faults=Faults())  # the registry is back
    states = wait_for(pg_sessions, lambda s: s[JobState.DONE] + s[JobState.FAILED] >= 4)
    assert states == {JobState.DONE: 4}
    with pg_sessions() as session:
        statuses = Counter(session.scalars(select(Reference.status)))
        said_no = session.scalar(select(func.count()).select_from(Lookup))
    assert statuses == {ReferenceStatus.RESOLVED: 12} and said_no == 0


def test_with_workers_the_service_answers_202_with_the_job_and_the_article_appears(
    pg_url: str, pg_sessions: sessionmaker[Session],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    import httpx

    from evidence.config import Settings
    from evidence.store.tokens import create_token
    from evidence.web import create_app
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi
    from tests.standin.server import serve_in_thread

    base_url, workers = registry_and_workers(Standin(StandinConfig(generated=3)))
    workers.start(1, concurrency=1)
    with pg_sessions.begin() as session:
        token = create_token(session, name="ada", role="editor")
    settings = Settings.from_env(workers.env, jobs=True)
    text = article_text(1, [generated_doi(i) for i in (1, 2, 3)])
    with serve_in_thread(create_app(settings), lifespan="on") as url, \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        answer = http.post("/api/articles", json={"name": "a.txt", "text": text})
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert answer.headers["location"] == job["url"] == f"/api/jobs/{job['job_id']}"
        assert job["state"] == "queued" and job["page"] == f"/jobs/{job['job_id']}"
        deadline = time.monotonic() + 40
        while (state := http.get(job["url"]).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
        assert state["state"] == "done" and state["article_url"] is not None
        article = http.get(f"/api/articles/{state['article_id']}").json()
        assert [r["status"] for r in article["references"]] == ["resolved"] * 3
        again = http.post("/api/articles", json={"name": "a.txt", "text": text})
        assert again.status_code == 200 and again.json()["id"] == state["article_id"]
        assert http.get("/api/jobs/999999").status_code == 404
        # A pasted bibliography goes into the job too, and the worker checks it with it.
        bib = f"@article{{k,\n  title = {{A work}},\n  doi = {{{generated_doi(3)}}}\n}}\n"
        with_bib = http.post("/api/articles", json={
            "name": "b.md", "format": "markdown", "bibliography": bib,
            "text": "Exercise improves memory in older adults [@k].\n"})
        assert with_bib.status_code == 202, with_bib.text
        url = with_bib.json()["url"]
        while (state := http.get(url).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline + 40, state
            time.sleep(0.2)
        article = http.get(f"/api/articles/{state['article_id']}").json()
        assert [(r["doi"], r["status"]) for r in article["references"]] == \
            [(generated_doi(3), "resolved")]


def test_with_workers_a_new_version_is_a_job_stored_only_on_the_version_it_replaces(
    pg_url: str, pg_sessions: sessionmaker[Session], tmp_path: Path,
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    """``replaces`` goes to the workers too: one naming no article or a stale version is
    refused at once (404, 409), and of two new versions queued on the same one, the first
    stored wins and the other job fails, storing nothing, as the request would have answered
    409 to the second."""
    import httpx

    from evidence.config import Settings
    from evidence.store.tokens import create_token
    from evidence.web import create_app
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi
    from tests.standin.server import serve_in_thread

    _, workers = registry_and_workers(Standin(StandinConfig(generated=3)))
    with pg_sessions.begin() as session:
        token = create_token(session, name="ada", role="editor")
    settings = Settings.from_env(workers.env, jobs=True)
    texts = [article_text(n, [generated_doi(i) for i in (1, 2, 3)]) for n in (1, 2, 3, 4)]

    later = Workers(workers.env, tmp_path / "later.log")
    with serve_in_thread(create_app(settings), lifespan="on") as url, \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        first = http.post("/api/articles", json={"name": "a.txt", "text": texts[0]})
        unknown = http.post("/api/articles", json={"name": "a.txt", "text": texts[1],
                                                   "replaces": 999_999})
        workers.start(1, concurrency=1)
        v1 = _job_state(http, first.json()["url"])["article_id"]
        workers.stop()
        # Both queued while no worker runs: each replaces the newest version, version 1.
        replacing = [http.post("/api/articles", json={"name": "a.txt", "text": text,
                                                      "replaces": v1})
                     for text in texts[2:]]
        later.start(1, concurrency=1)
        try:
            states = [_job_state(http, r.json()["url"]) for r in replacing]
        finally:
            later.stop()
        stale = http.post("/api/articles", json={"name": "a.txt", "text": texts[1],
                                                 "replaces": v1})
        versions = http.get(f"/api/articles/{v1}").json()["versions"]
    assert first.status_code == 202 and unknown.status_code == 404
    assert [r.status_code for r in replacing] == [202, 202]
    done = [s for s in states if s["state"] == "done"]
    failed = [s for s in states if s["state"] == "failed"]
    assert len(done) == len(failed) == 1, states
    assert "not the newest version" in failed[0]["error"]
    assert "nothing was stored" in failed[0]["error"]
    assert [v["id"] for v in versions] == [v1, done[0]["article_id"]]
    assert stale.status_code == 409  # version 1 is no longer the newest


def test_with_workers_the_pages_new_version_form_is_a_job_and_loses_no_edit(
    pg_url: str, pg_sessions: sessionmaker[Session], tmp_path: Path,
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    """The article page's "New version" form queues as the API's ``replaces`` does: to the
    job's page, then the new version; the same text again is the known version, no job; a
    stale version is refused at once with the text sent; and a job that finds another
    version stored before it fails, storing nothing, its page showing the text sent."""
    import html

    import httpx

    from evidence.config import Settings
    from evidence.store.tokens import create_token
    from evidence.web import create_app
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi
    from tests.standin.server import serve_in_thread

    _, workers = registry_and_workers(Standin(StandinConfig(generated=3)))
    with pg_sessions.begin() as session:
        token = create_token(session, name="ada", role="editor")
    settings = Settings.from_env(workers.env, jobs=True)
    texts = [article_text(n, [generated_doi(i) for i in (1, 2, 3)]) for n in (1, 2, 3, 4, 5)]

    def jobs() -> int:
        with pg_sessions() as session:
            return session.scalar(select(func.count()).select_from(CheckJob)) or 0

    def finished(http: httpx.Client, job_page: str) -> dict[str, Any]:
        url = job_page.replace("/jobs/", "/api/jobs/")
        deadline = time.monotonic() + 60
        while (state := http.get(url).json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
        return state

    def new_version(http: httpx.Client, replaces: int, text: str) -> httpx.Response:
        # As a browser sends the form: CRLF line ends.
        return http.post(f"/articles/{replaces}/versions", data={
            "format": "text", "text": text.replace("\n", "\r\n"), "bibliography": ""})

    later = Workers(workers.env, tmp_path / "later.log")
    with serve_in_thread(create_app(settings), lifespan="on") as url, \
            httpx.Client(base_url=url) as http:
        signin = http.post("/signin", data={"token": token, "next": "/articles"})
        assert signin.status_code == 303
        first = http.post("/api/articles", json={"name": "a.txt", "text": texts[0]},
                          headers={"Authorization": f"Bearer {token}"})
        workers.start(1, concurrency=1)
        v1 = finished(http, first.json()["page"])["article_id"]
        sent = new_version(http, v1, texts[1])
        assert sent.status_code == 303 and re.fullmatch(r"/jobs/\d+", sent.headers["location"])
        v2 = finished(http, sent.headers["location"])["article_id"]
        checked = http.get(sent.headers["location"])  # the job's page becomes the article's
        assert checked.status_code == 303 and checked.headers["location"] == f"/articles/{v2}"
        queued = jobs()
        again = new_version(http, v2, texts[1])  # stored already: no job, no check
        stale = new_version(http, v1, texts[2])  # refused at once, with the text sent
        assert jobs() == queued
        workers.stop()
        # Both queued while no worker runs, on version 2: the first stored wins.
        racing = [new_version(http, v2, text) for text in texts[3:]]
        assert [r.status_code for r in racing] == [303, 303]
        later.start(1, concurrency=1)
        try:
            states = [finished(http, r.headers["location"]) for r in racing]
        finally:
            later.stop()
        failed = [(r, s) for r, s in zip(racing, states, strict=True) if s["state"] == "failed"]
        assert len(failed) == 1, states
        failed_page = http.get(failed[0][0].headers["location"])
        versions = http.get(f"/api/articles/{v1}",
                            headers={"Authorization": f"Bearer {token}"}).json()["versions"]
    assert again.status_code == 303
    assert again.headers["location"] == f"/articles/{v2}?notice=version-known"
    assert stale.status_code == 409 and "Not stored: a newer version exists" in stale.text
    assert texts[2] in html.unescape(stale.text)  # the edit is not lost
    stored = [s["article_id"] for s in states if s["state"] == "done"]
    assert [v["id"] for v in versions] == [v1, v2, *stored] and len(stored) == 1
    lost_text = texts[3:][states.index(failed[0][1])]
    assert failed_page.status_code == 200
    assert "not the newest version" in failed_page.text
    assert "nothing was stored" in failed_page.text
    assert lost_text in html.unescape(failed_page.text)  # kept by the job, shown again
    assert f'href="/articles/{stored[0]}#new-version">Open version 3</a>' in failed_page.text
    # The workers said each job they finished, in their log.
    logged = (tmp_path / "workers.log").read_text() + (tmp_path / "later.log").read_text()
    assert re.search(rf"evidence worker: job \d+ \(a\.txt\): done after \d+\.\d s: "
                     rf"article {v2}\n", logged), logged
    assert re.search(r"evidence worker: job \d+ \(a\.txt\): failed after \d+\.\d s: "
                     r"article \d+ is not the newest version", logged), logged


def test_a_job_carries_the_named_bibliography_and_drops_its_bytes_once_done(
    tmp_path: Path, pg_sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    from tests.standin.records import generated_doi

    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "refs.bib").write_text("".join(
        f"@article{{w{i},\n  title = {{Generated work {generated_doi(i)}}},\n  year = {{2020}},"
        f"\n  doi = {{{generated_doi(i)}}},\n}}\n" for i in (1, 2)), encoding="utf-8")
    article = folder / "paper.md"
    article.write_text("---\nbibliography: refs.bib\n---\n\nExercise improves memory in older "
                       "adults [@w1].\n\nSleep loss impairs attention in students [@w2].\n",
                       encoding="utf-8")
    empty = folder / "empty.md"
    empty.write_text("\n", encoding="utf-8")
    _url, workers = registry_and_workers(Standin(StandinConfig(generated=2)))
    submit([article, empty], capsys)
    workers.start(1, concurrency=2)
    states = wait_for(pg_sessions, lambda s: s[JobState.DONE] + s[JobState.FAILED] >= 2)
    assert states == {JobState.DONE: 1, JobState.FAILED: 1}
    with pg_sessions() as session:
        jobs = {job.name: (job.state, job.content, job.bibliographies, job.error)
                for job in session.scalars(select(CheckJob))}
        statuses = Counter(session.scalars(select(Reference.status)))
    # Checked with its bibliography, as `evidence check` checks it; then only its digest kept.
    assert statuses == {ReferenceStatus.RESOLVED: 2}
    assert jobs[str(article)][1:3] == (None, None)
    # A failed job keeps its bytes, for a retry.
    assert jobs[str(empty)][1] == b"\n" and "empty" in (jobs[str(empty)][3] or "")
    # The digest still makes the same submission the same job, done already.
    assert '"submitted": 1, "done": 1' in submit([article], capsys)
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(CheckJob)) == 2


def test_submit_bib_stands_in_for_a_missing_named_file_and_goes_into_the_job(
    tmp_path: Path, pg_url: str, pg_sessions: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", pg_url)
    article = tmp_path / "paper.md"
    article.write_text("---\nbibliography: gone.bib\n---\n\nA claim [@k].\n", encoding="utf-8")
    bib = tmp_path / "elsewhere.bib"
    bib.write_text("@article{k,\n  title = {A work},\n  year = {2020},\n}\n", encoding="utf-8")
    assert main(["submit", str(article)]) == 2
    assert "give the file with --bib" in capsys.readouterr().err
    with pg_sessions() as session:
        assert session.scalar(select(func.count()).select_from(CheckJob)) == 0
    assert main(["submit", str(article), "--bib", str(bib), "--json"]) == 0
    with pg_sessions() as session:
        [job] = session.scalars(select(CheckJob)).all()
    assert job.bibliographies == [[str(bib), bib.read_text(encoding="utf-8")]]


def test_submit_wait_says_when_no_worker_runs_and_ends_once_one_does(
    tmp_path: Path, registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    """Without a worker, `submit --wait` would wait in silence: it says why it waits."""
    article = tmp_path / "paper.md"
    article.write_text("Standing desks halve back pain in office staff.\n", encoding="utf-8")
    _url, workers = registry_and_workers(Standin(StandinConfig()))
    waiting = subprocess.Popen(
        [sys.executable, "-c", WORKER, "submit", str(article), "--wait"], env=workers.env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert waiting.stderr is not None
        readable, _, _ = readable_within([waiting.stderr], [], [], 30.0)
        said = waiting.stderr.readline() if readable else "(nothing said in 30 s)"
        assert said.startswith("waiting for 1 job, but no worker is running on this store: "
                               "start one with `evidence worker`")
        workers.start(1, concurrency=1)
        out, _ = waiting.communicate(timeout=60)
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.wait()
    assert waiting.returncode == 0
    assert out.strip() == "submitted 1: 1 done, 0 failed, 0 queued or running"


def _docx(text: str) -> bytes:
    """A Word file of a generated article: its title and "References" as headings."""
    import io

    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line == "References" or line.startswith("Generated article"):
            document.add_heading(line, level=1)
        elif line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 20_000_000)
    return out.getvalue()


def test_with_workers_an_uploaded_file_is_a_job_and_its_new_version_too(
    pg_url: str, pg_sessions: sessionmaker[Session],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    """``POST /api/articles/upload`` answers 202 with the job, which a worker reads and
    checks from the file's bytes; the same bytes again are the same job. What is cheap to
    tell is refused at once (an unknown extension, an empty file, a stale or unknown
    ``replaces``); what only reading tells (a zip bomb) fails the job with the reader's
    message, storing nothing. A new version under another name is stored as the next
    version of the document it replaces, under its own name."""
    import httpx

    from evidence.config import Settings
    from evidence.store.tokens import create_token
    from evidence.web import create_app
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi
    from tests.standin.server import serve_in_thread

    _, workers = registry_and_workers(Standin(StandinConfig(generated=3)))
    with pg_sessions.begin() as session:
        token = create_token(session, name="ada", role="editor")
    settings = Settings.from_env(workers.env, jobs=True)
    word = _docx(article_text(1, [generated_doi(i) for i in (1, 2, 3)]))
    version_2 = article_text(2, [generated_doi(i) for i in (1, 2)]).encode("utf-8")

    def jobs() -> int:
        with pg_sessions() as session:
            return session.scalar(select(func.count()).select_from(CheckJob)) or 0

    workers.start(1, concurrency=1)
    with serve_in_thread(create_app(settings), lifespan="on") as url, \
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        sent = http.post("/api/articles/upload", files={"file": ("paper.docx", word)})
        assert sent.status_code == 202, sent.text
        job = sent.json()
        assert sent.headers["location"] == job["url"] == f"/api/jobs/{job['job_id']}"
        assert (job["name"], job["state"], job["created"]) == ("paper.docx", "queued", True)
        again = http.post("/api/articles/upload", files={"file": ("paper.docx", word)})
        assert (again.status_code, again.json()["job_id"], again.json()["created"]) == \
            (202, job["job_id"], False)
        v1 = _job_state(http, job["url"])["article_id"]
        first = http.get(f"/api/articles/{v1}").json()
        queued = jobs()
        unknown_format = http.post("/api/articles/upload", files={"file": ("notes.odt", b"x")})
        empty = http.post("/api/articles/upload", files={"file": ("empty.md", b"\n \n")})
        missing = http.post("/api/articles/upload", data={"replaces": "999999"},
                            files={"file": ("paper.md", version_2)})
        assert jobs() == queued  # refused at once: nothing queued
        bomb = http.post("/api/articles/upload", files={"file": ("bomb.docx", _zip_bomb())})
        bombed = _job_state(http, bomb.json()["url"])
        replacing = http.post("/api/articles/upload", data={"replaces": str(v1)},
                              files={"file": ("paper.md", version_2)})
        assert replacing.status_code == 202, replacing.text
        v2 = _job_state(http, replacing.json()["url"])["article_id"]
        second = http.get(f"/api/articles/{v2}").json()
        stale = http.post("/api/articles/upload", data={"replaces": str(v1)},
                          files={"file": ("paper.txt", version_2 + b"More.\n")})
        listed = http.get("/api/articles").json()["articles"]
    assert (first["name"], first["format"]) == ("paper.docx", "docx")
    assert [(r["doi"], r["status"]) for r in first["references"]] == \
        [(generated_doi(i), "resolved") for i in (1, 2, 3)]
    assert unknown_format.status_code == 400
    assert "cannot tell the format" in unknown_format.json()["error"]
    assert empty.status_code == 400 and "the article is empty" in empty.json()["error"]
    assert missing.status_code == 404
    assert bomb.status_code == 202
    assert bombed["state"] == "failed" and "zip bomb" in bombed["error"]
    assert (second["name"], second["format"], second["previous_id"]) == \
        ("paper.md", "markdown", v1)
    assert [v["id"] for v in second["versions"]] == [v1, v2]
    assert stale.status_code == 409  # version 1 is no longer the newest: refused at once
    assert sorted(a["id"] for a in listed) == [v2]  # the bomb stored nothing


def test_with_workers_the_pages_upload_forms_go_to_the_jobs_page(
    pg_url: str, pg_sessions: sessionmaker[Session],
    registry_and_workers: Callable[..., tuple[str, Workers]],
) -> None:
    """The articles page's upload and an article page's "New version" upload queue as the
    text forms do: to the job's page, which becomes the article's once it is checked; a
    new version on a stale one is refused at once with the conflict page, nothing queued."""
    import httpx

    from evidence.config import Settings
    from evidence.store.tokens import create_token
    from evidence.web import create_app
    from tests.standin.articles import article_text
    from tests.standin.records import generated_doi
    from tests.standin.server import serve_in_thread

    _, workers = registry_and_workers(Standin(StandinConfig(generated=3)))
    with pg_sessions.begin() as session:
        token = create_token(session, name="ada", role="editor")
    settings = Settings.from_env(workers.env, jobs=True)
    word = _docx(article_text(1, [generated_doi(i) for i in (1, 2, 3)]))
    version_2 = _docx(article_text(2, [generated_doi(i) for i in (2, 3)]))

    def jobs() -> int:
        with pg_sessions() as session:
            return session.scalar(select(func.count()).select_from(CheckJob)) or 0

    def checked(http: httpx.Client, job_page: str) -> str:
        """The article page the job's page leads to once the job is done."""
        deadline = time.monotonic() + 60
        while (shown := http.get(job_page)).status_code == 200:
            assert time.monotonic() < deadline, shown.text
            time.sleep(0.2)
        assert shown.status_code == 303, shown.text
        return shown.headers["location"]

    workers.start(1, concurrency=1)
    with serve_in_thread(create_app(settings), lifespan="on") as url, \
            httpx.Client(base_url=url) as http:
        assert http.post("/signin", data={"token": token, "next": "/articles"}).status_code \
            == 303
        sent = http.post("/articles/upload", files={"file": ("paper.docx", word),
                                                    "bibliography": ("", b"")})
        assert sent.status_code == 303 and re.fullmatch(r"/jobs/\d+", sent.headers["location"])
        first = checked(http, sent.headers["location"])
        v1 = int(first.rsplit("/", 1)[1])
        version = http.post(f"/articles/{v1}/versions/upload",
                            files={"file": ("paper-2.docx", version_2)})
        assert version.status_code == 303, version.text
        assert re.fullmatch(r"/jobs/\d+", version.headers["location"])
        second = checked(http, version.headers["location"])
        v2 = int(second.rsplit("/", 1)[1])
        queued = jobs()
        stale = http.post(f"/articles/{v1}/versions/upload",
                          files={"file": ("paper-3.md", b"A third version [1].\n")})
        assert jobs() == queued
        stored = http.get(f"/api/articles/{v2}",
                          headers={"Authorization": f"Bearer {token}"}).json()
        shown = http.get(second)
    assert stale.status_code == 409 and "Not stored: a newer version exists" in stale.text
    assert "paper-3.md" in stale.text
    assert (stored["name"], stored["format"], stored["previous_id"]) == \
        ("paper-2.docx", "docx", v1)
    assert [r["doi"] for r in stored["references"]] == [generated_doi(2), generated_doi(3)]
    assert shown.status_code == 200 and "Generated article 2" in shown.text


def _job_state(http: httpx.Client, url: str) -> dict[str, Any]:
    """The job at ``url`` once it is neither queued nor running (a ceiling of 60 s)."""
    deadline = time.monotonic() + 60
    while (state := http.get(url).json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    return state
