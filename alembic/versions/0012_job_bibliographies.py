"""Check jobs carry their article's bibliography files, and a done job drops its bytes.

``check_job.bibliographies`` holds ``[[name, text], ...]`` of the bibliography files an
article came with (named in its front matter, or given with ``--bib``). ``content`` becomes
nullable: a job done and stored keeps only its digest (about 50 GB less per million
articles); a failed job keeps its bytes for a retry.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("check_job") as batch:
        batch.add_column(sa.Column("bibliographies", sa.JSON(none_as_null=True), nullable=True))
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    """Downgrade schema: done jobs' dropped bytes come back empty."""
    op.execute(sa.text("UPDATE check_job SET content = :empty WHERE content IS NULL")
               .bindparams(sa.bindparam("empty", b"", type_=sa.LargeBinary())))
    with op.batch_alter_table("check_job") as batch:
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("bibliographies")
