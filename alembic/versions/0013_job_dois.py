"""Check jobs say which DOIs their article cites, so that workers ask for them ahead.

``check_job.dois`` holds the normalised DOIs the article and its bibliographies write, read
at submit time; a worker puts those of queued jobs into full list requests before the jobs
run (``evidence.jobs.batch``). None: not known (the job resolves its own, as before).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("check_job") as batch:
        batch.add_column(sa.Column("dois", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("check_job") as batch:
        batch.drop_column("dois")
