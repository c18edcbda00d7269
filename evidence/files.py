"""Writing an output file whole: reports, exports and baselines all go through here.

A temporary file in the same folder, then an atomic rename: an interrupted or failed write
leaves the old file (or none), never half of a new one. ``mkstemp`` makes its file 0600; the
result gets the mode any new file would get under the user's umask (or keeps the mode of the
file it replaces), so that a web server can serve an HTML report written with ``-o``.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from evidence.errors import InputError

__all__ = ["write_whole"]


def write_whole(path: Path, text: str, *, what: str = "", make_folder: bool = False) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` newlines) atomically.

    ``what`` names the file in errors ("baseline"); the error names ``path`` as asked for,
    never the temporary file.

    :raises InputError: the folder is missing (unless ``make_folder``) or not writable.
    """
    label = f"{what} {path}" if what else str(path)
    folder = path.parent if str(path.parent) else Path(".")
    if make_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot write {label}: {_reason(exc)}") from exc
    elif not folder.is_dir():
        raise InputError(f"cannot write {label}: the folder {folder} does not exist")
    mode = _mode_for(path)
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {label}: {_reason(exc)}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {label}: {_reason(exc)}") from exc
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)  # replacing a file keeps its mode
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # The umask can only be read by setting it; set it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


def _reason(exc: OSError) -> str:
    # str(exc) would name the temporary file; the reason alone is what the reader needs.
    return exc.strerror or type(exc).__name__
