"""The chain's tables: blobs and calls (content-addressed), runs, their scopes, result sets
and manifests, and the one ``chain_head`` row that serialises sealing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import IN_COLLECTION, SHA256, UNSEALED, Base, UTCDateTime


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
