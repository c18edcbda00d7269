"""Places: where a claim or a reference stands in its file, in words a person can follow.

A Word file or a PDF has no lines of its own; the check points into a laid-out text and
records, for each claim and reference, its place in the file (``page 2, line 14``,
``paragraph 7``, ``table 1, row 2, cell 3``). Stored with the check, so the service's pages
and API give the same places as the check's own reports. Null where the file has lines of its
own (the line says it), and for rows stored before this revision.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ALTERs (as 0009): nullable columns need no table rebuild on SQLite.
    op.add_column("claim", sa.Column("place", sa.Text(), nullable=True))
    op.add_column("reference", sa.Column("place", sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("reference", "place")
    op.drop_column("claim", "place")
