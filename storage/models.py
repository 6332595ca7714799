"""SQLAlchemy models of the evidence database (schema revision 0006).

Content-addressed tables (``blobs``, ``calls``) grow with change only. A sealed run is one
``runs`` row; its scopes and result sets are shared blobs (see ``storage.packing``), so an
unchanged estate adds a few hundred bytes per run. ``run_scopes`` and ``run_results`` hold the
rows of runs still running (and of runs sealed before revision 0004, as do ``run_manifests``).
``chain_head`` has exactly one row, locked to serialise the sealing of runs into the hash chain.
``attachments`` holds manual evidence (immutable rows, bytes in ``blobs``); ``result_changes`` is
the change index, whose rows each run seals a digest of (see ``storage.index``). ``ledger`` chains
every other audit-relevant record (attachments, revocations...; ``storage.ledger``).

Any change here needs a new migration in ``storage/migrations/versions``; a test compares this
metadata with the migrated database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SHA256 = String(64)
"""Hex sha256 column type."""
UNSEALED = text("chain_seq IS NULL")
IN_COLLECTION = text("collection_id IS NOT NULL")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware in UTC.

    SQLite keeps no zone, so values are written as naive UTC there; PostgreSQL uses
    ``timestamp with time zone``. Naive values are refused on write.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        """Convert to UTC (naive UTC for SQLite)."""
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the backend gave."""
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so constraint names are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Blob(Base):
    """Content-addressed bytes shared between runs: responses, result sets, call lists."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(SHA256, primary_key=True)
    """sha256 of the uncompressed data."""
    kind: Mapped[str] = mapped_column(String(32))
    """What the bytes are (``response``, ``result_set``, ``calls``, ``mapping``...)."""
    size: Mapped[int] = mapped_column(BigInteger)
    """Uncompressed size in bytes."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
    """zlib-compressed data."""


class Call(Base):
    """Provenance of one distinct API request (a :class:`storage.records.CallRecord`)."""

    __tablename__ = "calls"

    digest: Mapped[str] = mapped_column(SHA256, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(128))
    operation: Mapped[str] = mapped_column(String(256))
    params: Mapped[str] = mapped_column(Text)
    """Canonical JSON of the (redacted) parameters."""
    scope: Mapped[str] = mapped_column(String(512))
    region: Mapped[str] = mapped_column(String(64))
    identity: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(256))
    pages: Mapped[int] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean)
    response_sha256: Mapped[str | None] = mapped_column(SHA256, ForeignKey("blobs.sha256"))


class Run(Base):
    """One collection run; immutable once sealed (``chain_seq`` set)."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('running', 'complete', 'partial', 'failed', 'interrupted')", name="status"
        ),
        Index(None, "started_at"),
        # partial: only the few runs not yet sealed, and only runs that belong to a collection,
        # so that sealed runs of a single collector add no entries
        Index("ix_runs_unsealed", "status", sqlite_where=UNSEALED, postgresql_where=UNSEALED),
        Index(None, "collection_id", sqlite_where=IN_COLLECTION, postgresql_where=IN_COLLECTION),
    )

    run_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    tool_version: Mapped[str] = mapped_column(String(64))
    config_hash: Mapped[str] = mapped_column(String(128))
    mapping_sha256: Mapped[str] = mapped_column(SHA256)
    identities: Mapped[str] = mapped_column(Text)
    """Canonical JSON list of identities."""
    chain_seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_sha256: Mapped[str | None] = mapped_column(SHA256)
    manifest_sha256: Mapped[str | None] = mapped_column(SHA256)
    collection_id: Mapped[str | None] = mapped_column(String(128))
    """Shared by the runs of one collection (e.g. the shard runs of one schedule slot)."""
    contents_sha256: Mapped[str | None] = mapped_column(SHA256)
    """Once sealed: the run contents blob (header, scopes, result indexes; ``storage.packing``).
    ``tool_version``, ``config_hash``, ``mapping_sha256`` and ``identities`` then live there and
    their columns are emptied. ``None`` while running and for runs sealed before 0004."""
    timings: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Once sealed: the run's volatile values (zlib-compressed canonical JSON)."""


class RunScope(Base):
    """Facts of a running run in one provider x scope x region (a ScopeRecord); packed away
    when the run is sealed."""

    __tablename__ = "run_scopes"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope: Mapped[str] = mapped_column(String(512), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requests: Mapped[int] = mapped_column(Integer)
    retries: Mapped[int] = mapped_column(Integer)
    errors: Mapped[str] = mapped_column(Text)
    """Canonical JSON list of ``[code, message]`` pairs."""
    calls_sha256: Mapped[str | None] = mapped_column(SHA256, ForeignKey("blobs.sha256"))


class RunResult(Base):
    """Outcome of one check in one provider x scope x region of a running run (a
    ResultSetRecord); packed away when the run is sealed."""

    __tablename__ = "run_results"
    __table_args__ = (
        Index(None, "check_id"),
        Index(None, "result_set_sha256"),
    )

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    check_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope: Mapped[str] = mapped_column(String(512), primary_key=True)
    region: Mapped[str] = mapped_column(String(64), primary_key=True)
    check_version: Mapped[str] = mapped_column(String(64))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    result_set_sha256: Mapped[str] = mapped_column(SHA256, ForeignKey("blobs.sha256"))
    n_pass: Mapped[int] = mapped_column(Integer)
    n_fail: Mapped[int] = mapped_column(Integer)
    n_error: Mapped[int] = mapped_column(Integer)
    n_na: Mapped[int] = mapped_column(Integer)


class RunManifest(Base):
    """The manifest bytes of a run sealed before revision 0004 (later runs rebuild theirs)."""

    __tablename__ = "run_manifests"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(SHA256, unique=True)
    """sha256 of the uncompressed manifest (equals ``runs.manifest_sha256``)."""
    size: Mapped[int] = mapped_column(BigInteger)
    """Uncompressed size in bytes."""
    data: Mapped[bytes] = mapped_column(LargeBinary)
    """zlib-compressed canonical JSON manifest."""


class ChainHead(Base):
    """The single row naming the last sealed run; locked while sealing."""

    __tablename__ = "chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    """chain_seq of the last sealed run (0 when none)."""
    head_sha256: Mapped[str | None] = mapped_column(SHA256)
    """manifest_sha256 of the last sealed run (``None`` when none)."""
    ledger_seq: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    """seq of the last ledger entry (0 when none; schema 0005)."""
    ledger_sha256: Mapped[str | None] = mapped_column(SHA256)
    """Hash of the last ledger entry (``None`` when none)."""


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


TABLES: tuple[str, ...] = (
    "blobs",
    "calls",
    "runs",
    "run_scopes",
    "run_results",
    "run_manifests",
    "chain_head",
    "ledger",
    "checkpoints",
    "outbox",
)
"""Names of the tables this schema owns (excluding ``alembic_version``)."""


def table_of(model: type[Base]) -> Table:
    """The Core ``Table`` of a model, typed as such."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
