"""Check details: what a check found about each reference and the article's markers.

``reference.source_path`` (the bibliography file it is written in; NULL: the article),
``reference.reason`` (why unverified / not found / invalid), ``reference.mismatches``
(written details the registry disagrees with) and ``article.unknown_citations`` (markers that
point to no reference), so that the web service shows what the check found. Rows stored
before this revision have NULL there: nothing was kept, nothing is made up.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unknown_citations", sa.JSON(none_as_null=True), nullable=True)
        )
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_path", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("mismatches", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.drop_column("mismatches")
        batch_op.drop_column("reason")
        batch_op.drop_column("source_path")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("unknown_citations")
