"""Text shown to people without the Unicode controls that reorder it on screen.

An article may hold bidirectional overrides and isolates (U+202A to U+202E, U+2066 to
U+2069): shown as they are, "evil" written between U+202E and U+202C reads "live" (the
"Trojan Source" trick, CVE-2021-42574), so a page would show an editor a claim other than the
one stored and checked. The text report drops every unprintable character; the HTML report
and the service's pages drop these from every value they show (Jinja's ``finalize``), except
a text handed back to be edited or sent again (:class:`Verbatim`), which must come back as
it was stored.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

__all__ = ["REORDERING", "Verbatim", "shown"]

REORDERING = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
"""The embedding, override and isolate controls, as a ``str.translate`` table that drops them.
The marks U+200E and U+200F are left: they reorder nothing around them."""


class Verbatim(str):
    """A text shown exactly as stored: in a form field whose value is sent back."""

    __slots__ = ()


def shown(value: Any) -> Any:
    """A value as a template shows it (``finalize``): a text without reordering controls."""
    if isinstance(value, Verbatim):
        return str(value)  # escaped as any text is
    if isinstance(value, Markup):  # safe already: dropping characters adds no markup
        return Markup(str.translate(value, REORDERING))
    if isinstance(value, str):
        return value.translate(REORDERING)
    return value
