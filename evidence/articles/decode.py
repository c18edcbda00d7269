"""Bytes to text: UTF-8 first, byte-order marks honoured, cp1252/latin-1 for what is not UTF-8.

Files met in the wild are mostly UTF-8, sometimes cp1252 (Word, old CMSs), and sometimes both
at once (a UTF-8 file with a pasted cp1252 paragraph). Decoding byte run by byte run keeps the
UTF-8 parts intact and reads only the bad runs as cp1252, with a note saying where.
Binary input (NUL bytes, or a text full of control characters) is refused.
"""

from __future__ import annotations

import codecs
import re

from evidence.errors import InputError

__all__ = ["decode_bytes", "normalize_newlines"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Longest first: the UTF-32-LE mark starts with the UTF-16-LE one."""

_HANDLER = "evidence.cp1252-fallback"
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_NEWLINES = re.compile(r"\r\n?")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    # cp1252 leaves five bytes undefined; latin-1 reads those as the C1 controls.
    text = "".join(_cp1252_byte(b) for b in chunk)
    return text, error.end


def _cp1252_byte(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([byte]).decode("latin-1")


codecs.register_error(_HANDLER, _cp1252_fallback)


def decode_bytes(data: bytes, *, path: str) -> tuple[str, list[str]]:
    """The text of ``data`` and notes on how it was decoded.

    :raises InputError: when the bytes are not text (NUL bytes, control characters) or a
        byte-order mark names an encoding the bytes do not follow.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data[len(bom) :], encoding, path)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"{path}: this looks like a binary file, not text (NUL byte at offset {nul}); "
            "text, Markdown, HTML and LaTeX are read in UTF-8, UTF-16 with a BOM, cp1252 or "
            "latin-1 (Word and PDF files by their .docx and .pdf suffixes)"
        )
    try:
        text, notes = data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors=_HANDLER)
        line = data.count(b"\n", 0, exc.start) + 1
        notes = [f"not valid UTF-8: decoded as cp1252 where needed (first at line {line})"]
    _refuse_control_characters(text, path)
    return normalize_newlines(text), notes


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` as ``\\n``: lines are counted the same everywhere."""
    return _NEWLINES.sub("\n", text) if "\r" in text else text


def _decode_with_bom(data: bytes, encoding: str, path: str) -> tuple[str, list[str]]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: the file starts with a {encoding} byte-order mark but is not "
            f"{encoding} (bad bytes at offset {exc.start}); save it again as UTF-8"
        ) from exc
    if "\x00" in text:
        raise InputError(f"{path}: this looks like a binary file, not text (NUL character)")
    _refuse_control_characters(text, path)
    notes = [] if encoding == "utf-8" else [f"decoded as {encoding} (byte-order mark)"]
    return normalize_newlines(text), notes


def _refuse_control_characters(text: str, path: str) -> None:
    if not text:
        return
    controls = len(_CONTROL.findall(text))
    if controls and controls / len(text) > _MAX_CONTROL_SHARE:
        raise InputError(
            f"{path}: this looks like a binary file, not text "
            f"({controls} control characters in {len(text)})"
        )
