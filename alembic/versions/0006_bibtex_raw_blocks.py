"""BibTeX blocks as written: ``bib_block`` keeps each imported .bib file's entries, @string
and @preamble blocks verbatim and in order, so that exporting gives the file back whole.

Two entries sharing a DOI are one work but two entries of the file, each with its own key;
the work row alone could not give both back (nor a renamed repeated key, nor fields the
Work record has no place for, nor the writer's braces and macros).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "bib_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("citation_key", sa.Text(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["work_id"], ["work.id"],
                                name=op.f("fk_bib_block_work_id_work"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bib_block")),
        sa.UniqueConstraint("source", "position", name=op.f("uq_bib_block_source_position")),
    )
    op.create_index(op.f("ix_bib_block_work_id"), "bib_block", ["work_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_bib_block_work_id"), table_name="bib_block")
    op.drop_table("bib_block")
