"""Why an inferred link was made: ``link.why`` keeps, in words, what made the linker pick
the reference (the words the sentence shares with it, the features that raised its rank), so
that editors see it on the page and in the API, not only in a check's JSON report.

Marker and editors' links have none (null); links stored before this revision too.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 10:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # A plain ALTER (as 0004): a nullable column needs no table rebuild on SQLite.
    op.add_column("link", sa.Column("why", sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("link", "why")
