"""Source events: what the registry changed about stored works after they were fetched.

``evidence recheck`` walks the registry's update notices (or re-fetches works) and keeps
each change it sees as a row of ``source_event`` (never edited: the history stays), ties it
to every citing article in ``source_alert``, and keeps where the last complete walk began in
``recheck_cursor``. Acknowledging an alert is an ``event`` row (the audit trail).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("retraction", "correction", "expression-of-concern", "withdrawal", "new-version",
         "metadata-change")


def upgrade() -> None:
    """Upgrade schema."""
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    op.create_table(
        "source_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=True),
        sa.Column("doi", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("notice_doi", sa.Text(), nullable=True),
        sa.Column("notice_type", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("notice_date", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("seen_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({kinds})", name=op.f("ck_source_event_kind")),
        sa.CheckConstraint("doi = lower(doi)", name=op.f("ck_source_event_doi_lower_case")),
        sa.ForeignKeyConstraint(["work_id"], ["work.id"],
                                name=op.f("fk_source_event_work_id_work"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_event")),
    )
    op.create_index(op.f("ix_source_event_doi"), "source_event", ["doi"], unique=False)
    op.create_index(op.f("ix_source_event_work_id"), "source_event", ["work_id"], unique=False)
    op.create_table(
        "source_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"],
                                name=op.f("fk_source_alert_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["source_event.id"],
                                name=op.f("fk_source_alert_event_id_source_event"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_alert")),
        sa.UniqueConstraint("event_id", "article_id",
                            name=op.f("uq_source_alert_event_id_article_id")),
    )
    op.create_index(op.f("ix_source_alert_article_id"), "source_alert", ["article_id"],
                    unique=False)
    op.create_index(op.f("ix_source_alert_event_id"), "source_alert", ["event_id"],
                    unique=False)
    op.create_table(
        "recheck_cursor",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("from_index_date", sa.Date(), nullable=False),
        sa.Column("walked_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_recheck_cursor")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("recheck_cursor")
    op.drop_index(op.f("ix_source_alert_event_id"), table_name="source_alert")
    op.drop_index(op.f("ix_source_alert_article_id"), table_name="source_alert")
    op.drop_table("source_alert")
    op.drop_index(op.f("ix_source_event_work_id"), table_name="source_event")
    op.drop_index(op.f("ix_source_event_doi"), table_name="source_event")
    op.drop_table("source_event")
