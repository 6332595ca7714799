"""Runs carry an optional collection id: the shard runs of one collection share it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable ``runs.collection_id`` column and its index (no table copy)."""
    op.add_column("runs", sa.Column("collection_id", sa.String(length=128), nullable=True))
    op.create_index(op.f("ix_runs_collection_id"), "runs", ["collection_id"])


def downgrade() -> None:
    """Drop the column and its index."""
    op.drop_index(op.f("ix_runs_collection_id"), table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("collection_id")
