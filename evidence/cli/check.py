"""``evidence check PATH...``: the main job."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from evidence.cli.context import Context, polite_pool_hint
from evidence.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session, sessionmaker

    from evidence.check import CheckOptions, Inputs
    from evidence.config import Settings
    from evidence.results import CheckResult

__all__ = ["COMMANDS", "expand_paths", "is_article"]

FAIL_LEVELS = {"error": 3, "warning": 2, "note": 1, "never": 99}


RAISE_LIMIT = "use --max-article-size MB (or max-article-size in [tool.evidence]; 0: no limit)"
WARM_HINT = ("run `evidence check` once with network access (or `evidence resolve`) to warm "
             "the store, after which checks need no network")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--bib", "bibs", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="A BibTeX file holding the references (repeatable).")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "sarif", "junit", "github", "html"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (replaced whole) instead of standard output.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]),
              default=None, help="Exit 1 when a finding is at or above this [default: error].")
@click.option("--offline", is_flag=True, help="Ask no registry; unknown references are unverified.")
@click.option("--refresh", is_flag=True, help="Ask the registry even for stored DOIs.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Fail only on findings not in this baseline file.")
@click.option("--update-baseline", is_flag=True, help="Write the current findings to --baseline.")
@click.option("--locked", is_flag=True,
              help="Answer every reference from the lock file alone: no network, no store.")
@click.option("--lockfile", type=click.Path(dir_okay=False, path_type=Path),
              help="The lock file for --locked [default: evidence.lock here].")
@click.option("--max-article-size", "max_mb", type=click.FloatRange(min=0), metavar="MB",
              help="Refuse an article larger than this (0: no limit) [default: 10].")
@click.pass_obj
def check(obj: Context, paths: tuple[Path, ...], bibs: tuple[Path, ...], fmt: str,
          output: Path | None, fail_on: str | None, offline: bool, refresh: bool,
          baseline: Path | None, update_baseline: bool, locked: bool, lockfile: Path | None,
          max_mb: float | None) -> int:
    """Check articles: claims without sources, and references that do not hold up.

    PATH is an article (.txt, .md, .html, .tex, .docx, .pdf, JATS .xml), or a folder of
    them; or a BibTeX (.bib) or CSL-JSON (.json) file, checked on its own as a reference audit.

    \b
    Example:
      evidence check examples/spine-pain.txt
      evidence check references.bib
      evidence check docs/ --format github --fail-on warning
    """
    import asyncio

    from evidence.loading import importing

    with importing():  # no collection while they load, frozen after (evidence.loading)
        from evidence.check import CheckOptions, read_inputs
        from evidence.checkconfig import (
            DEFAULT_MAX_ARTICLE_MB,
            load_baseline,
            load_config,
            new_findings,
            write_baseline,
        )
        from evidence.files import write_whole
        from evidence.progress import TerminalProgress
        from evidence.report import render

    config = load_config(Path.cwd())
    articles, found = expand_paths(paths or tuple(config.expand_paths()))
    baseline = baseline or config.baseline
    if update_baseline and baseline is None:
        raise InputError("--update-baseline needs --baseline FILE")
    if locked and refresh:
        raise InputError("--locked answers from the lock file and asks no registry: "
                         "it cannot be used with --refresh")
    if lockfile is not None and not locked:
        raise InputError("--lockfile is for --locked (or `evidence lock`)")
    settings = obj.settings(offline=offline or None, configured_wait=config.registry_wait)
    limit = next((mb for mb in (max_mb, config.max_article_mb) if mb is not None),
                 DEFAULT_MAX_ARTICLE_MB)
    with TerminalProgress() as progress:
        options = CheckOptions(bib=bibs, refresh=refresh, config=config, max_article_mb=limit,
                               progress=progress if sys.stderr.isatty() else None,
                               raise_limit=RAISE_LIMIT, verify_hint=WARM_HINT)
        # Everything is read before the store is opened: a bad input creates nothing.
        inputs = read_inputs(articles, options, optional=found)
        if locked:
            result, asked = _run_locked(inputs, options, lockfile), False
        else:
            result, asked = asyncio.run(_run(inputs, settings, obj.sessions(settings), options,
                                             on_retry=progress.on_retry))
    findings = list(result.findings)
    if baseline is not None and update_baseline:
        written, left_out = write_baseline(baseline, findings)
        click.echo(f"baseline of {written} findings written to {baseline}", err=True)
        if left_out:
            click.echo(f"note: {left_out} unverified-reference findings are not in the "
                       "baseline: the registry was not asked about them, so a baseline cannot "
                       "accept what it would have said; write the baseline online", err=True)
    elif baseline is not None:
        known = load_baseline(baseline)
        findings = new_findings(findings, known)
        result = replace(result, findings=tuple(findings))
    tty = output is None and sys.stdout.isatty()
    color = fmt == "text" and tty and "NO_COLOR" not in os.environ
    text = render(result, fmt, color=color)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_whole(output, text)
    polite_pool_hint(settings, asked=asked)
    if fmt != "text" or output is not None:  # the text report carries its notes itself
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
    threshold = FAIL_LEVELS[fail_on or config.fail_on or "error"]
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


async def _run(inputs: Inputs, settings: Settings, sessions: sessionmaker[Session],
               options: CheckOptions, *,
               on_retry: Callable[[str, float, str], None] | None = None,
               ) -> tuple[CheckResult, bool]:
    """The check, and whether the registry answered any request (for the polite-pool hint)."""
    from evidence.check import check_inputs

    if settings.offline:
        return await check_inputs(inputs, settings=settings, sessions=sessions,
                                  options=options), False
    from evidence.registry import registry_client

    # ``on_retry`` says on stderr, terminal or log, what is retried of the registry, when and why.
    async with registry_client(settings, on_retry=on_retry) as client:
        result = await check_inputs(inputs, settings=settings, sessions=sessions,
                                    options=options, client=client)
        # Offline or cut off, no request reached the public pool: no hint about it.
        return result, client.stats.answered > 0


def _run_locked(inputs: Inputs, options: CheckOptions, lockfile: Path | None) -> CheckResult:
    """The check answered from the lock alone: the store is never opened, nor created."""
    from evidence.check import check_locked
    from evidence.lock import DEFAULT_LOCKFILE, read_lock

    path = lockfile or DEFAULT_LOCKFILE
    return check_locked(inputs, read_lock(path), options, lockfile=str(path))


def is_article(path: Path) -> bool:
    """Whether a folder check reads ``path``: a file with an article's suffix
    (``evidence.articles.ARTICLE_SUFFIXES``) or a BibTeX file, and not a README, which
    describes its folder rather than making claims. Hidden files and folders (``.evidence``,
    ``.git``) are passed over. A file named on the command line is always read."""
    from evidence.articles import ARTICLE_SUFFIXES  # the readers' one list of suffixes

    if path.name.startswith(".") or path.stem.upper() == "README":
        return False
    return path.suffix.lower() in (*ARTICLE_SUFFIXES, ".bib")


def expand_paths(paths: tuple[Path, ...]) -> tuple[list[Path], frozenset[Path]]:
    """Files as given; folders become the files under them that :func:`is_article` takes,
    in a stable order. Also returns the files found in folders: those are skipped with a note
    when they cannot be read, where a file named outright stops the check."""
    if not paths:
        raise InputError("no PATH given, and no `paths` in [tool.evidence] configuration: "
                         "name the articles or folders to read (`docs/`), or list them in "
                         "evidence.toml or pyproject.toml's [tool.evidence] "
                         "(`paths = [\"docs/**/*.md\"]`)")
    files: list[Path] = []
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and is_article(p)
                            and not any(part.startswith(".") for part in
                                        p.relative_to(path).parts))
            if not inside:
                raise InputError(f"no articles or .bib files under {path} (README files "
                                 "describe their folder and are not read)")
            files.extend(inside)
            found.update(inside)
        else:
            files.append(path)
    return list(dict.fromkeys(files)), frozenset(found - set(paths))


COMMANDS = [check]
