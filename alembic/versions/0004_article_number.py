"""Article version numbers: ``article.number`` (1, 2, ... per document), unique per document.

Two new versions of one document submitted at once used to both derive from the same
version. The unique index on (document_key, number) makes the second insert fail, so the
service retries it on top of the first, or refuses it (409) when the client named the
version it replaces. Existing versions are numbered in the order they were stored (by id),
which keeps any earlier fork's two versions apart.

Added as a nullable column with a unique index: making it NOT NULL or a table constraint
would need SQLite to rebuild the article table, and with foreign keys on, dropping the old
table cascade-deletes every claim and reference of every article.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER_IN_ORDER_STORED = """
UPDATE article SET number = (
    SELECT count(*) FROM article AS earlier
    WHERE earlier.document_key = article.document_key AND earlier.id <= article.id
)
"""


def upgrade() -> None:
    """Upgrade schema."""
    # Plain ALTERs, not batch mode: see the docstring for why the table is never rebuilt.
    op.add_column("article", sa.Column("number", sa.Integer(), nullable=True))
    op.execute(NUMBER_IN_ORDER_STORED)
    op.create_index(
        "uq_article_document_key_number", "article", ["document_key", "number"], unique=True
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("uq_article_document_key_number", table_name="article")
    op.drop_column("article", "number")
