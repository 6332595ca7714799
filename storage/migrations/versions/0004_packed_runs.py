"""Sealed runs are packed: ``runs.contents_sha256`` and ``runs.timings``.

Runs sealed from now on keep their scopes and result sets in shared, content-addressed blobs
(``storage.packing``) instead of per-run rows and stored manifest bytes. Runs sealed before keep
their rows and manifests untouched, so their hashes and the chain still verify as they were.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UNSEALED = sa.text("chain_seq IS NULL")
IN_COLLECTION = sa.text("collection_id IS NOT NULL")


def upgrade() -> None:
    """Add the two nullable columns (no table copy); index only unsealed runs by status and
    only runs in a collection by collection id."""
    op.add_column("runs", sa.Column("contents_sha256", sa.String(length=64), nullable=True))
    op.add_column("runs", sa.Column("timings", sa.LargeBinary(), nullable=True))
    op.drop_index("ix_runs_status", table_name="runs")
    op.create_index("ix_runs_unsealed", "runs", ["status"], sqlite_where=UNSEALED,
                    postgresql_where=UNSEALED)
    op.drop_index("ix_runs_collection_id", table_name="runs")
    op.create_index("ix_runs_collection_id", "runs", ["collection_id"],
                    sqlite_where=IN_COLLECTION, postgresql_where=IN_COLLECTION)


def downgrade() -> None:
    """Drop them; refused while any packed run exists (its evidence would be lost)."""
    packed = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM runs WHERE contents_sha256 IS NOT NULL")
    ).scalar_one()
    if packed:
        raise RuntimeError(
            f"{packed} runs are packed (sealed by schema 0004 or later): a downgrade would lose "
            "their evidence; restore a backup taken before the upgrade instead"
        )
    op.drop_index("ix_runs_collection_id", table_name="runs")
    op.create_index("ix_runs_collection_id", "runs", ["collection_id"])
    op.drop_index("ix_runs_unsealed", table_name="runs")
    op.create_index("ix_runs_status", "runs", ["status"])
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of `runs` would trip
    # the foreign keys that point at it
    op.execute("ALTER TABLE runs DROP COLUMN timings")
    op.execute("ALTER TABLE runs DROP COLUMN contents_sha256")
