"""Write works as BibTeX through bibtexparser's writer, keys given or generated."""

from __future__ import annotations

from collections.abc import Iterable

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.model import Block, Entry, Field
from bibtexparser.writer import BibtexFormat

from refs.bibtex.fields import fields_from_work
from refs.bibtex.keys import assign_keys
from refs.work import Work

__all__ = ["write_bibtex"]


def write_bibtex(entries: Iterable[Work | tuple[str, Work]]) -> str:
    """The works as a BibTeX text, in the order given.

    An entry is a ``Work`` (its key is generated, e.g. ``hayden2021exercise``) or a
    ``(key, work)`` pair; an empty key is generated too, and clashing keys get ``a``, ``b``...

    :raises ValueError: when a given key cannot be a BibTeX key (spaces, commas, braces).
    """
    blocks: list[Block] = [_entry(key, work) for key, work in assign_keys(entries)]
    if not blocks:
        return ""
    out_format = BibtexFormat()  # type: ignore[no-untyped-call]
    out_format.indent = "  "
    out_format.block_separator = "\n"
    stack = [
        AddEnclosingMiddleware(
            allow_inplace_modification=True,
            reuse_previous_enclosing=False,
            default_enclosing="{",
            enclose_integers=True,
        )
    ]
    text: str = write_string(
        Library(blocks), unparse_stack=stack, bibtex_format=out_format
    )
    return text


def _entry(key: str, work: Work) -> Entry:
    entry_type, fields = fields_from_work(work)
    return Entry(
        entry_type,
        key,
        [
            # Month macros (`sep`) are written bare: in braces they would be the word "sep".
            Field(name, value, enclosing="no-enclosing" if name == "month" else None)
            for name, value in fields
        ],
    )
