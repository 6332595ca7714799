"""Alerts outbox: messages written when a run is sealed, delivered at least once afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the outbox (empty: earlier runs raise no alerts)."""
    op.create_table(
        "outbox",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_at", TS, nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), server_default=sa.text("''"), nullable=False),
    )
    op.create_index(op.f("ix_outbox_next_at"), "outbox", ["next_at"])


def downgrade() -> None:
    """Drop the outbox (undelivered alerts are lost)."""
    op.drop_index(op.f("ix_outbox_next_at"), table_name="outbox")
    op.drop_table("outbox")
