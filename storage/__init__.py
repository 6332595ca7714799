"""Storage of evidence: content-addressed blobs and calls, runs, and the run hash chain.

Open a database with :meth:`Repository.open` (``sqlite:///evidence.db`` by default,
``postgresql+psycopg://...`` for teams); its schema is migrated on first use.
"""

from storage.blobs import KIND_CALLS, KIND_MAPPING, KIND_RESPONSE, KIND_RESULT_SET
from storage.canonical import canonical_json, format_utc, sha256_hex
from storage.chain import MANIFEST_FORMAT
from storage.errors import (
    BlobNotFound,
    CallNotFound,
    RunNotFound,
    RunStateError,
    StorageError,
)
from storage.records import (
    FINAL_STATUSES,
    RUN_STATUSES,
    CallRecord,
    ChainCheck,
    Evidence,
    ResultSetRecord,
    RunRecord,
    RunStatus,
    ScopeRecord,
)
from storage.repository import Repository

__all__ = [
    "FINAL_STATUSES",
    "KIND_CALLS",
    "KIND_MAPPING",
    "KIND_RESPONSE",
    "KIND_RESULT_SET",
    "MANIFEST_FORMAT",
    "RUN_STATUSES",
    "BlobNotFound",
    "CallNotFound",
    "CallRecord",
    "ChainCheck",
    "Evidence",
    "Repository",
    "ResultSetRecord",
    "RunNotFound",
    "RunRecord",
    "RunStateError",
    "RunStatus",
    "ScopeRecord",
    "StorageError",
    "canonical_json",
    "format_utc",
    "sha256_hex",
]
