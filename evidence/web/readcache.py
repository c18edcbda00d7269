"""Encoded article answers kept in this process, each under the read stamp it was made at
(``evidence.store.stamps``), so that a read of an unchanged version sends bytes made before:
the API's JSON (``GET /api/articles/{id}``) and the article page's HTML (``/articles/{id}``),
each under its own key, in one cache.

Nothing here decides whether a body is still right: a read asks the database for the
version's stamp every time, and takes a kept body only when it was kept under that very stamp.
So every server process (``evidence serve --workers N``) sees another's writes at once, with
no message between them; a process's own bodies are merely the ones it can skip making.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "MAX_ENTRY", "Encoded", "ReadCache", "matches"]

MAX_BYTES = 64 * 1024 * 1024
"""Bytes of bodies one process keeps, the least recently read dropped first."""
MAX_ENTRY = 4 * 1024 * 1024
"""A body larger than this is not kept: it would push out many small ones."""


@dataclass(frozen=True, slots=True)
class Encoded:
    """An answer's body and its entity tag (a hash of the body, quoted as HTTP has it)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Encoded:
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


class ReadCache:
    """Bodies by key (the version and the page asked), each with the stamp it was made at.

    Thread-safe: sync handlers run in a thread pool.
    """

    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self._kept: OrderedDict[Hashable, tuple[str, Encoded]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def answer(self, key: Hashable, stamp: str | None, make: Callable[[], bytes]) -> Encoded:
        """The body kept for ``key`` at ``stamp``; else ``make()``'s, kept under ``stamp``.

        Read the stamp before anything ``make`` reads (``evidence.store.stamps.read_stamp``).
        With no stamp (None: SQLite) every answer is made afresh and nothing is kept.
        """
        kept = self.get(key, stamp) if stamp is not None else None
        if kept is not None:
            return kept
        made = Encoded.of(make())
        if stamp is not None:
            self.put(key, stamp, made)
        return made

    def get(self, key: Hashable, stamp: str) -> Encoded | None:
        """The body kept for ``key`` if it was kept at ``stamp``, else None."""
        with self._lock:
            found = self._kept.get(key)
            if found is None or found[0] != stamp:
                return None
            self._kept.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, stamp: str, encoded: Encoded) -> None:
        """Keep ``encoded`` for ``key`` at ``stamp``, in place of whatever was kept for it."""
        if len(encoded.body) > self.max_entry:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._size -= len(old[1].body)
            self._kept[key] = (stamp, encoded)
            self._size += len(encoded.body)
            while self._size > self.max_bytes:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._kept)


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weakly compared, as RFC 9110
    says for this header), or is ``*``."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags
