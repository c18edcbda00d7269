"""The one-line notices a page shows after a form did something ("link confirmed").

The redirect after a form names a notice by key (``?notice=link-confirmed``); the page
shows the text kept here. Any other ``?notice=`` is ignored, so a link sent by someone else
cannot make the service's page say what they like.
"""

from __future__ import annotations

__all__ = ["NOTICES", "notice_text"]

NOTICES = {
    "link-confirmed": "link confirmed",
    "link-rejected": "link rejected",
    "link-unreviewed": "link unreviewed",
    "link-removed": "link removed",
    "link-added": "link added",
    "marked": "marked",
    "unmarked": "unmarked",
    "comment-added": "comment added",
    "version-stored": "version {number} stored",
    "version-known": "nothing new: this text is already version {number}",
}
"""Key -> text; ``{number}`` is the number of the version the page shows."""


def notice_text(key: str | None, *, number: int | None = None) -> str | None:
    """The text of notice ``key``; None for an unknown key, or one needing a number not given."""
    text = NOTICES.get(key or "")
    if text is None or ("{number}" in text and number is None):
        return None
    return text.format(number=number)
