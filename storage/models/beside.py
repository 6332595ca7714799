"""Tables beside the chain, each sealed or chained in its own way: the ledger, anchor
checkpoints, attachments (manual evidence), the change index and the alert outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import SHA256, Base, UTCDateTime


class LedgerEntry(Base):
    """One append-only, hash-chained record (``storage.ledger``): an attachment, a revocation,
    the sealed change-index digests of runs sealed before 0005, an accepted risk...

    ``sha256`` is the hash of the canonical JSON ``{"format", "seq", "kind", "at",
    "body_sha256", "prev_sha256"}``; the body is a content-addressed blob (kind ``ledger``)."""

    __tablename__ = "ledger"
    __table_args__ = (Index(None, "kind"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body_sha256: Mapped[str] = mapped_column(SHA256, ForeignKey("blobs.sha256"))
    prev_sha256: Mapped[str | None] = mapped_column(SHA256)
    sha256: Mapped[str] = mapped_column(SHA256, unique=True)


class Checkpoint(Base):
    """Checkpoints published to the anchors after sealing (``collector.anchor``), kept so an
    export can carry the latest one; each is verified against the chain before it is used."""

    __tablename__ = "checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(Text)
    """The checkpoint's canonical JSON."""


class Attachment(Base):
    """Manual evidence attached to a criterion (``evidence attach``); never updated or deleted.

    The file's bytes are a content-addressed blob (kind ``attachment``); a new version of a
    document is a new row.
    """

    __tablename__ = "attachments"
    __table_args__ = (Index(None, "criterion_id"),)

    attachment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    criterion_id: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(512))
    """The file's base name when attached (its path is not kept)."""
    sha256: Mapped[str] = mapped_column(SHA256, ForeignKey("blobs.sha256"))
    size: Mapped[int] = mapped_column(BigInteger)
    attached_by: Mapped[str] = mapped_column(String(255))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[date | None] = mapped_column(Date)
    """Last day the document is valid (inclusive); ``None``: no expiry."""


class ResultChange(Base):
    """Derived change index (rebuildable from result sets): per run x check x scope x region
    whose result set differs from the previous sealed run's, one sentinel row
    (``resource_id`` empty, ``status`` = the previous result set's sha256 or ``-``) plus one
    row per resource whose status or message changed (``status`` ``absent``: it disappeared).
    An unchanged result set adds no row."""

    __tablename__ = "result_changes"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    check_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope: Mapped[str] = mapped_column(String(512), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(1024), primary_key=True)
    status: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    result_scope: Mapped[str] = mapped_column(String(512))
    """The result's own scope when it differs from the check's (else empty)."""
    result_region: Mapped[str] = mapped_column(String(64))
    """The result's own region when it differs from the check's (else empty)."""


class OutboxMessage(Base):
    """An alert waiting to be delivered (``storage.outbox``): written in the transaction that
    seals its run, so a crash after sealing loses no alert; ``key`` is its idempotency key."""

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "next_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)
    """The message as canonical JSON (``collector.notify.message.Message.body``)."""
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When to try next; ``None`` once delivered or given up."""
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, server_default=text("''"))
