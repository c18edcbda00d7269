"""The read stamp of a stored version: one value that changes whenever anything its article
object shows changes, in one query, so that a read can reuse a body encoded before.

What an article's answer shows lives in many rows: the version and its siblings (the list of
versions), its claims and the previous version's (which claims are new), the claims' links
and comments, its references, their works with authors and notices, and the registry's
changes seen for those works. Any write to any of them, by any code path, must change the
stamp. Rather than trusting every writer to bump a counter (one forgotten path serves stale
verdicts; one shared counter row serialises every writer), the stamp is read from what
PostgreSQL itself keeps on every row: ``xmin``, the transaction that wrote that row version.
An insert or an update gives its row a new ``xmin``; a delete takes the row's id out of the
list. The stamp is the MD5 of every ``id:xmin`` of those rows, listed in a fixed order.

The article page shows more: each claim's history, the events of that claim in every
version of the document. ``history=True`` adds those ``event`` rows to the stamp.

Only PostgreSQL has ``xmin``; elsewhere there is no stamp (None), and reads are not reused.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

__all__ = ["PAGE_STAMP_SQL", "STAMP_SQL", "read_stamp"]

# Every list is coalesced to '' so that an empty one keeps its place in the string.
_STAMP = """
WITH a AS (SELECT id, previous_id, document_key FROM article WHERE id = :id),
claims AS (
    SELECT c.id, c.xmin::text AS x FROM claim c
    WHERE c.article_id IN (SELECT id FROM a UNION ALL SELECT previous_id FROM a)),
refs AS (
    SELECT r.id, r.xmin::text AS x, r.work_id FROM reference r WHERE r.article_id = :id),
works AS (
    SELECT w.id, w.xmin::text AS x, lower(w.doi) AS doi FROM work w
    WHERE w.id IN (SELECT work_id FROM refs))
SELECT md5(concat_ws('|',
    (SELECT coalesce(string_agg(v.id || ':' || v.xmin::text, ',' ORDER BY v.id), '')
       FROM article v WHERE v.document_key = a.document_key),
    (SELECT coalesce(string_agg(id || ':' || x, ',' ORDER BY id), '') FROM claims),
    (SELECT coalesce(string_agg(k.id || ':' || k.xmin::text, ',' ORDER BY k.id), '')
       FROM link k WHERE k.claim_id IN (SELECT id FROM claims)),
    (SELECT coalesce(string_agg(m.id || ':' || m.xmin::text, ',' ORDER BY m.id), '')
       FROM comment m WHERE m.claim_id IN (SELECT id FROM claims)),
    (SELECT coalesce(string_agg(id || ':' || x, ',' ORDER BY id), '') FROM refs),
    (SELECT coalesce(string_agg(id || ':' || x, ',' ORDER BY id), '') FROM works),
    (SELECT coalesce(string_agg(t.work_id || '.' || t.position || ':' || t.xmin::text, ','
                                ORDER BY t.work_id, t.position), '')
       FROM work_author t WHERE t.work_id IN (SELECT id FROM works)),
    (SELECT coalesce(string_agg(u.id || ':' || u.xmin::text, ',' ORDER BY u.id), '')
       FROM work_update u WHERE u.work_id IN (SELECT id FROM works)),
    (SELECT coalesce(string_agg(e.id || ':' || e.xmin::text, ',' ORDER BY e.id), '')
       FROM source_event e WHERE e.doi IN (SELECT doi FROM works)){history}
)) FROM a
"""
STAMP_SQL = text(_STAMP.format(history=""))
"""What ``GET /api/articles/{id}`` shows."""

# The events of every claim of every version of the document: a claim's history on the page
# is its events and those of the same claim in the earlier versions (editing.claim_trails).
PAGE_STAMP_SQL = text(_STAMP.format(history=""",
    (SELECT coalesce(string_agg(h.id || ':' || h.xmin::text, ',' ORDER BY h.id), '')
       FROM event h WHERE h.object_type = 'claim' AND h.object_id IN (
           SELECT c.id FROM claim c JOIN article v ON v.id = c.article_id
           WHERE v.document_key = a.document_key))"""))
"""What the article page (``/articles/{id}``) shows: the above and the claims' histories."""


def read_stamp(
    bind: Session | Connection, article_id: int, *, history: bool = False
) -> str | None:
    """The version's read stamp; None when there is no such version or no stamp here.

    :param history: also the events of its claims, as the article page shows them.

    Read it before the article itself: what is read after can only be as new or newer, so
    a body kept under this stamp is never older than the stamp says.
    """
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    if dialect.name != "postgresql":
        return None
    query = PAGE_STAMP_SQL if history else STAMP_SQL
    found = bind.execute(query, {"id": article_id}).scalar()
    return str(found) if found is not None else None
