"""SQLAlchemy models of the evidence database (schema revision 0006): ``base`` (types, the
declarative base), ``chain`` (the hash chain's tables) and ``beside`` (ledger, checkpoints,
attachments, change index, outbox).

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

from storage.models.base import (
    IN_COLLECTION,
    NAMING_CONVENTION,
    SHA256,
    UNSEALED,
    Base,
    UTCDateTime,
    table_of,
)
from storage.models.beside import Attachment, Checkpoint, LedgerEntry, OutboxMessage, ResultChange
from storage.models.chain import Blob, Call, ChainHead, Run, RunManifest, RunResult, RunScope

__all__ = [
    "IN_COLLECTION",
    "NAMING_CONVENTION",
    "SHA256",
    "TABLES",
    "UNSEALED",
    "Attachment",
    "Base",
    "Blob",
    "Call",
    "ChainHead",
    "Checkpoint",
    "LedgerEntry",
    "OutboxMessage",
    "ResultChange",
    "Run",
    "RunManifest",
    "RunResult",
    "RunScope",
    "UTCDateTime",
    "table_of",
]

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
