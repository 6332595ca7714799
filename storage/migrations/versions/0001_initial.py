"""Initial schema: blobs, calls, runs, run_scopes, run_results, run_manifests, chain_head.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHA = sa.String(length=64)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables and the single chain_head row."""
    op.create_table(
        "blobs",
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "calls",
        sa.Column("digest", SHA, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=128), nullable=False),
        sa.Column("operation", sa.String(length=256), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=512), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error_code", sa.String(length=256), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("response_sha256", SHA, nullable=True),
        sa.ForeignKeyConstraint(
            ["response_sha256"], ["blobs.sha256"], name=op.f("fk_calls_response_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_calls")),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("heartbeat_at", TS, nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("tool_version", sa.String(length=64), nullable=False),
        sa.Column("config_hash", sa.String(length=128), nullable=False),
        sa.Column("mapping_sha256", SHA, nullable=False),
        sa.Column("identities", sa.Text(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("prev_sha256", SHA, nullable=True),
        sa.Column("manifest_sha256", SHA, nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'complete', 'partial', 'failed', 'interrupted')",
            name=op.f("ck_runs_status"),
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_runs")),
        sa.UniqueConstraint("chain_seq", name=op.f("uq_runs_chain_seq")),
    )
    op.create_index(op.f("ix_runs_started_at"), "runs", ["started_at"])
    op.create_index(op.f("ix_runs_status"), "runs", ["status"])
    op.create_table(
        "run_scopes",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=512), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("identity", sa.Text(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("calls_sha256", SHA, nullable=True),
        sa.ForeignKeyConstraint(
            ["calls_sha256"], ["blobs.sha256"], name=op.f("fk_run_scopes_calls_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_run_scopes_run_id_runs")
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "provider", "scope", "region", name=op.f("pk_run_scopes")
        ),
    )
    op.create_table(
        "run_results",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("check_id", sa.String(length=128), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=512), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("check_version", sa.String(length=64), nullable=False),
        sa.Column("observed_at", TS, nullable=False),
        sa.Column("result_set_sha256", SHA, nullable=False),
        sa.Column("n_pass", sa.Integer(), nullable=False),
        sa.Column("n_fail", sa.Integer(), nullable=False),
        sa.Column("n_error", sa.Integer(), nullable=False),
        sa.Column("n_na", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_set_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_run_results_result_set_sha256_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_run_results_run_id_runs")
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "check_id", "provider", "scope", "region", name=op.f("pk_run_results")
        ),
    )
    op.create_index(op.f("ix_run_results_check_id"), "run_results", ["check_id"])
    op.create_index(op.f("ix_run_results_result_set_sha256"), "run_results", ["result_set_sha256"])
    op.create_table(
        "run_manifests",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("sha256", SHA, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name=op.f("fk_run_manifests_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_manifests")),
        sa.UniqueConstraint("sha256", name=op.f("uq_run_manifests_sha256")),
    )
    chain_head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_sha256", SHA, nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_head")),
    )
    op.bulk_insert(chain_head, [{"id": 1, "seq": 0, "head_sha256": None}])


def downgrade() -> None:
    """Drop everything (destroys all evidence; for development only)."""
    op.drop_table("chain_head")
    op.drop_table("run_manifests")
    op.drop_index(op.f("ix_run_results_result_set_sha256"), table_name="run_results")
    op.drop_index(op.f("ix_run_results_check_id"), table_name="run_results")
    op.drop_table("run_results")
    op.drop_table("run_scopes")
    op.drop_index(op.f("ix_runs_status"), table_name="runs")
    op.drop_index(op.f("ix_runs_started_at"), table_name="runs")
    op.drop_table("runs")
    op.drop_table("calls")
    op.drop_table("blobs")
