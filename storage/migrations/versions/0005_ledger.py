"""Everything an auditor reads is chained: the ledger, sealed change indexes, checkpoints.

* ``ledger`` (append-only hash chain of records: ``storage.ledger``) and ``chain_head``'s
  ``ledger_seq`` / ``ledger_sha256`` (its head);
* ``checkpoints`` (what was anchored outside the database after each sealed run);
* existing attachments are chained, in ``attachment_id`` order, as ledger entries of kind
  ``attachment`` dated when they were attached (their rows stay, as an index verified against
  the ledger from now on);
* the change index, which was outside the chain, is rebuilt from the sealed result sets (no
  existing row is trusted) and the digest of every sealed run's rows is recorded, with the run's
  manifest hash, in one ledger entry of kind ``change_index``. Runs sealed from now on seal their
  own digest in their manifest. This reads every changed result set once (about 10 s for a year
  of a 10,000-resource estate), inside the migration's transaction.

Existing runs, manifests and hashes are untouched: the run chain verifies as it did.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHA = sa.String(length=64)
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables, then chain what exists (see the module docstring)."""
    op.add_column("chain_head", sa.Column("ledger_seq", sa.Integer(), nullable=False,
                                          server_default=sa.text("0")))
    op.add_column("chain_head", sa.Column("ledger_sha256", SHA, nullable=True))
    op.create_table(
        "ledger",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("body_sha256", SHA, nullable=False),
        sa.Column("prev_sha256", SHA, nullable=True),
        sa.Column("sha256", SHA, nullable=False),
        sa.ForeignKeyConstraint(["body_sha256"], ["blobs.sha256"],
                                name=op.f("fk_ledger_body_sha256_blobs")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger")),
        sa.UniqueConstraint("sha256", name=op.f("uq_ledger_sha256")),
    )
    op.create_index(op.f("ix_ledger_kind"), "ledger", ["kind"])
    op.create_table(
        "checkpoints",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_checkpoints")),
    )
    chain_existing(op.get_bind())


def chain_existing(conn: sa.Connection) -> None:
    """Chain existing attachments and the rebuilt change index into the ledger."""
    from storage.attachments import attachment_body
    from storage.index import KIND_INDEX_DIGESTS, rebuild_all
    from storage.ledger import append
    from storage.models import Attachment, table_of

    rows = conn.execute(sa.select(table_of(Attachment)).order_by(Attachment.attachment_id))
    for row in rows.all():
        append(conn, "attachment", attachment_body(row), row.attached_at)
    digests = rebuild_all(conn)
    if digests:
        append(conn, KIND_INDEX_DIGESTS, {"runs": digests}, datetime.now(UTC))


def downgrade() -> None:
    """Drop them (the change index stays, as a plain cache again)."""
    op.drop_table("checkpoints")
    op.drop_index(op.f("ix_ledger_kind"), table_name="ledger")
    op.drop_table("ledger")
    op.execute("ALTER TABLE chain_head DROP COLUMN ledger_sha256")
    op.execute("ALTER TABLE chain_head DROP COLUMN ledger_seq")
