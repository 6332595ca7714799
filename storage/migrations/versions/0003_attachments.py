"""Manual evidence (``attachments``) and the derived change index (``result_changes``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHA = sa.String(length=64)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create both tables (new tables only: no copy of existing data)."""
    op.create_table(
        "attachments",
        sa.Column("attachment_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("criterion_id", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=512), nullable=False),
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("attached_by", sa.String(length=255), nullable=False),
        sa.Column("attached_at", TS, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_attachments_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_attachments")),
    )
    op.create_index(op.f("ix_attachments_criterion_id"), "attachments", ["criterion_id"])
    op.create_table(
        "result_changes",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("check_id", sa.String(length=128), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=512), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("result_scope", sa.String(length=512), nullable=False),
        sa.Column("result_region", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_result_changes_run_id_runs")
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "check_id", "provider", "scope", "region", "resource_id",
            name=op.f("pk_result_changes"),
        ),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("result_changes")
    op.drop_index(op.f("ix_attachments_criterion_id"), table_name="attachments")
    op.drop_table("attachments")
