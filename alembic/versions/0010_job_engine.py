"""The job engine: check jobs, the registry budget shared by every process, DOI claims, and
(on PostgreSQL) procrastinate's own schema.

``check_job`` keeps each submitted article's bytes under a digest (the same text submitted
twice is one check); ``registry_budget`` the polite pool's rate and concurrency of one contact,
read and written by every worker and server process; ``doi_claim`` the DOIs a process is
asking for, so that no other asks for them at the same time. procrastinate's tables, types
and functions are its ``SchemaManager.get_schema()`` as shipped by the pinned version
(3.10.0): a newer procrastinate brings its migrations as a new revision here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROCRASTINATE_TABLES = ("procrastinate_events", "procrastinate_periodic_defers",
                         "procrastinate_jobs", "procrastinate_workers")
_PROCRASTINATE_TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type",
                        "procrastinate_job_status")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "check_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("format", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("options", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("engine_job_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.Column("finished_at", sa.TIMESTAMP(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_check_job_state")),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"],
                                name=op.f("fk_check_job_article_id_article"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_job")),
        sa.UniqueConstraint("digest", name=op.f("uq_check_job_digest")),
    )
    op.create_table(
        "registry_budget",
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("rate", sa.Double(), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.Double(), nullable=False),
        sa.Column("held_until", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("contact", "kind", name=op.f("pk_registry_budget")),
    )
    op.create_table(
        "doi_claim",
        sa.Column("doi", sa.Text(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.TIMESTAMP(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("doi", name=op.f("pk_doi_claim")),
    )
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # The driver's own call: the schema holds % signs and colons, not bind parameters.
        op.get_bind().exec_driver_sql(SchemaManager.get_schema())


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(_PROCRASTINATE_TABLES)} CASCADE")
        functions = bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname LIKE 'procrastinate%' AND n.nspname = current_schema()"
        ).scalars().all()
        for function in functions:
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {', '.join(_PROCRASTINATE_TYPES)} CASCADE")
    op.drop_table("doi_claim")
    op.drop_table("registry_budget")
    op.drop_table("check_job")
