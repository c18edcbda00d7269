"""Bad and odd input: empty, binary, encodings, byte-order marks, odd Unicode, unknown formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.articles import decode_bytes, parse_article, read_article
from evidence.errors import InputError


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"], ids=["empty", "blank", "bom-only"])
def test_empty_article(text: str, format: str) -> None:
    article = parse_article(text, format=format)
    assert article.sentences == () and article.references == () and article.title is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL byte at offset 8"),
        (b"GIF89a" + bytes(range(1, 9)) * 40, "control characters"),
        (b"\xff\xfeh\x00\xd8", "utf-16-le byte-order mark but is not utf-16-le"),
    ],
    ids=["png", "controls", "bad-utf16"],
)
def test_binary_is_refused_with_a_clear_message(data: bytes, words: str, tmp_path: Path) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=words) as caught:
        read_article(path)
    assert str(path) in str(caught.value)
    if "NUL" in words:  # a binary file named .txt: say where Word and PDF files go
        assert ".docx and .pdf suffixes" in str(caught.value)


def test_cp1252_is_decoded_with_a_note() -> None:
    text, notes = decode_bytes(
        "It\u2019s \u201ccovered\u201d \u2013 5\u20ac.\n".encode("cp1252"), path="a.txt"
    )
    assert text == "It\u2019s \u201ccovered\u201d \u2013 5\u20ac.\n"
    assert notes == ["not valid UTF-8: decoded as cp1252 where needed (first at line 1)"]


def test_mixed_encodings_keep_the_utf8_parts() -> None:
    data = "Caf\u00e9 \u2014 fine.\n".encode() + "Na\u00efve \u201cquote\u201d.\n".encode("cp1252")
    text, notes = decode_bytes(data, path="mixed.txt")
    assert text == "Caf\u00e9 \u2014 fine.\nNa\u00efve \u201cquote\u201d.\n"
    assert "line 2" in notes[0]


def test_cp1252_undefined_bytes_fall_back_to_latin1() -> None:
    text, _ = decode_bytes(b"A\x81B\x9dC", path="x.txt")
    assert text == "A\x81B\x9dC"


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (b"\xef\xbb\xbfHello.\r\nWorld.", []),
        ("Hello.\r\nWorld.".encode("utf-16"), ["decoded as utf-16-le (byte-order mark)"]),
        (
            b"\xfe\xff" + "Hello.\rWorld.".encode("utf-16-be"),
            ["decoded as utf-16-be (byte-order mark)"],
        ),
        (
            b"\xff\xfe\x00\x00" + "Hello.\nWorld.".encode("utf-32-le"),
            ["decoded as utf-32-le (byte-order mark)"],
        ),
    ],
    ids=["utf8-bom", "utf16", "utf16-be-cr", "utf32"],
)
def test_byte_order_marks_and_line_ends(data: bytes, note: list[str]) -> None:
    assert decode_bytes(data, path="x.txt") == ("Hello.\nWorld.", note)


def test_read_article_puts_decoding_notes_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Most plans cover it.\n\nIt\u2019s true.\n".encode("cp1252"))
    article = read_article(path)
    assert article.problems == (
        "not valid UTF-8: decoded as cp1252 where needed (first at line 3)",
    )
    assert [(s.text, s.line) for s in article.sentences] == [
        ("Most plans cover it.", 1),
        ("It\u2019s true.", 3),
    ]


def test_odd_unicode() -> None:
    text = (
        "Zero\u200bwidth and soft\u00adhyphen stay words. "
        "Right-to-left \u05e9\u05dc\u05d5\u05dd text is kept. "
        "Emoji \U0001f9b4 bones\u00a0and\u2003spaces.\n\n"
        "Combining e\u0301 accents count."
    )
    article = parse_article(text)
    assert [s.text for s in article.sentences] == [
        "Zero width and soft hyphen stay words.",
        "Right-to-left \u05e9\u05dc\u05d5\u05dd text is kept.",
        "Emoji \U0001f9b4 bones and spaces.",
        "Combining e\u0301 accents count.",
    ]
    assert [s.line for s in article.sentences] == [1, 1, 1, 3]


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        read_article(tmp_path / "absent.txt")
    (tmp_path / "notes.odt").write_bytes(b"x")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_article(tmp_path / "notes.odt")
    with pytest.raises(InputError, match="unknown format 'rtf'"):
        parse_article("x", format="rtf")
    assert read_article(tmp_path / "notes.odt", format="text").sentences[0].text == "x"
