"""Content-addressed storage: blobs (zlib-compressed bytes) and call records.

Both are keyed by a sha256 of their content and inserted with ``ON CONFLICT DO NOTHING``, so
storing what is already there costs one read and no write (nothing is compressed for it), and
concurrent writers of the same content (threads or processes) never fail. A batch of evidence
is one transaction: the check of what is already stored and the inserts commit together.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, select

from storage.canonical import canonical_json, sha256_hex
from storage.db import read_tx, write_tx
from storage.errors import BlobNotFound, CallNotFound, StorageError
from storage.models import Blob, Call, table_of
from storage.records import CallRecord, Evidence

CHUNK = 500
"""Keys per ``IN (...)`` query and rows per insert batch."""

KIND_RESPONSE = "response"
KIND_RESULT_SET = "result_set"
KIND_CALLS = "calls"
KIND_MAPPING = "mapping"


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping any whose primary key already exists (race-safe)."""
    if not rows:
        return
    # each dialect's module is imported only when used (PostgreSQL's costs ~0.05 s of start-up)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    for batch in chunks(rows):
        conn.execute(insert(table).on_conflict_do_nothing(), list(batch))


def blob_row(kind: str, data: bytes, sha: str | None = None) -> dict[str, Any]:
    """The ``blobs`` row for ``data`` (``sha``: its sha256, when already known)."""
    return {
        "sha256": sha or sha256_hex(data),
        "kind": kind,
        "size": len(data),
        "data": zlib.compress(data, 6),
    }


def store_blob(conn: Connection, kind: str, data: bytes) -> str:
    """Insert a blob inside the caller's transaction; return its sha256."""
    row = blob_row(kind, data)
    insert_ignore(conn, table_of(Blob), [row])
    return str(row["sha256"])


def unpack(stored: bytes, sha: str, what: str) -> bytes:
    """Decompress stored data and check it hashes to ``sha``; StorageError naming ``what``."""
    try:
        data = zlib.decompress(stored)
    except zlib.error as e:
        raise StorageError(f"{what} {sha} is corrupt: it does not decompress ({e})") from e
    if sha256_hex(data) != sha:
        raise StorageError(f"{what} {sha} is corrupt: its content hashes to {sha256_hex(data)}")
    return data


def read_blob(conn: Connection, sha: str) -> bytes | None:
    """Decompressed blob data, ``None`` if absent; StorageError if corrupt."""
    stored = conn.execute(select(Blob.data).where(Blob.sha256 == sha)).scalar_one_or_none()
    return None if stored is None else unpack(stored, sha, "blob")


def read_blobs(conn: Connection, shas: Iterable[str]) -> dict[str, bytes]:
    """Decompressed data of the stored blobs among ``shas`` (absent ones are left out)."""
    found: dict[str, bytes] = {}
    for batch in chunks(sorted(set(shas))):
        for sha, stored in conn.execute(select(Blob.sha256, Blob.data).where(
                Blob.sha256.in_(batch))):
            found[sha] = unpack(stored, sha, "blob")
    return found


def existing_keys(conn: Connection, column: Any, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` exist in ``column``."""
    found: set[str] = set()
    for batch in chunks(keys):
        found.update(conn.execute(select(column).where(column.in_(batch))).scalars())
    return found


def call_row(record: CallRecord, digest: str | None = None) -> dict[str, Any]:
    """The ``calls`` row for a record (``digest``: its digest, when already known)."""
    row = record.as_dict()
    row["params"] = canonical_json(row["params"]).decode("utf-8")
    row["digest"] = digest or record.digest()
    return row


def store_evidence(conn: Connection, evidence: Evidence) -> tuple[list[str], list[str]]:
    """Insert, inside the caller's transaction, the blobs and then the calls of ``evidence``
    that are not stored yet; return the blob hashes and call digests, in input order."""
    hashes = [sha256_hex(data) for _, data in evidence.blobs]
    blobs: dict[str, tuple[str, bytes]] = {}
    for sha, (kind, data) in zip(hashes, evidence.blobs, strict=True):
        blobs.setdefault(sha, (kind, data))  # the first kind stored wins
    # rows go in key order: two writers inserting the same keys then lock them in the same
    # order (PostgreSQL would otherwise be free to deadlock one against the other)
    present = existing_keys(conn, Blob.sha256, list(blobs))
    insert_ignore(conn, table_of(Blob), [blob_row(kind, bytes(data), sha)
                                          for sha, (kind, data) in sorted(blobs.items())
                                          if sha not in present])
    digests = [record.digest() for record in evidence.calls]
    calls = dict(zip(digests, evidence.calls, strict=True))
    present = existing_keys(conn, Call.digest, list(calls))
    insert_ignore(conn, table_of(Call), [call_row(record, digest)
                                         for digest, record in sorted(calls.items())
                                         if digest not in present])
    return hashes, digests


def call_record(row: Any) -> CallRecord:
    """A CallRecord from a ``calls`` row."""
    return CallRecord(
        provider=row.provider,
        service=row.service,
        operation=row.operation,
        params=json.loads(row.params),
        scope=row.scope,
        region=row.region,
        identity=row.identity,
        http_status=row.http_status,
        error_code=row.error_code,
        pages=row.pages,
        complete=bool(row.complete),
        response_sha256=row.response_sha256,
    )


class BlobStore:
    """Repository methods for blobs and call records (mixed into ``Repository``)."""

    _engine: Engine

    def put_blob(self, kind: str, data: bytes) -> str:
        """Store ``data`` once under its sha256 and return the hash.

        If the blob already exists nothing is written (the first ``kind`` stored wins).
        """
        return self.put_blobs([(kind, data)])[0]

    def put_blobs(self, items: Iterable[tuple[str, bytes]]) -> list[str]:
        """Store many ``(kind, data)`` blobs in one transaction; return their hashes in order."""
        evidence = Evidence(blobs=tuple((kind, bytes(data)) for kind, data in items))
        if not evidence:
            return []
        with write_tx(self._engine, "storing blobs") as conn:
            return store_evidence(conn, evidence)[0]

    def put_evidence(self, evidence: Evidence) -> None:
        """Store a batch of responses and the calls citing them, in one transaction."""
        if evidence:
            with write_tx(self._engine, "storing evidence") as conn:
                store_evidence(conn, evidence)

    def get_blob(self, sha: str) -> bytes:
        """The decompressed bytes of a blob, checked against its hash."""
        with read_tx(self._engine, "reading a blob") as conn:
            data = read_blob(conn, sha)
        if data is None:
            raise BlobNotFound(f"no blob {sha} in the evidence database")
        return data

    def has_blob(self, sha: str) -> bool:
        """Whether a blob with this sha256 is stored."""
        with read_tx(self._engine, "checking a blob") as conn:
            return bool(existing_keys(conn, Blob.sha256, [sha]))

    def put_calls(self, calls: Iterable[CallRecord]) -> list[str]:
        """Store call records once each; return their digests in input order.

        A call's ``response_sha256`` blob must already be stored.
        """
        evidence = Evidence(calls=tuple(calls))
        if not evidence:
            return []
        with write_tx(self._engine, "storing calls") as conn:
            return store_evidence(conn, evidence)[1]

    def put_call_list(self, digests: Iterable[str]) -> str:
        """Store the sorted, distinct list of call digests of a scope as a ``calls`` blob.

        Returns the blob hash to put in :attr:`ScopeRecord.calls_sha256`. Every digest must
        already be stored with :meth:`put_calls`.
        """
        ordered = sorted(set(digests))
        with read_tx(self._engine, "checking calls") as conn:
            missing = set(ordered) - existing_keys(conn, Call.digest, ordered)
        if missing:
            raise CallNotFound(f"{len(missing)} call(s) not stored, e.g. {min(missing)}")
        return self.put_blob(KIND_CALLS, canonical_json(ordered))

    def get_call(self, digest: str) -> CallRecord:
        """The call record stored under ``digest``."""
        return self.get_calls([digest])[0]

    def get_calls(self, digests: Iterable[str]) -> list[CallRecord]:
        """The call records stored under ``digests``, in the same order."""
        wanted = list(digests)
        found: dict[str, CallRecord] = {}
        with read_tx(self._engine, "reading calls") as conn:
            for batch in chunks(list(dict.fromkeys(wanted))):
                for row in conn.execute(select(Call).where(Call.digest.in_(batch))):
                    found[row.digest] = call_record(row)
        missing = [d for d in wanted if d not in found]
        if missing:
            raise CallNotFound(f"no call {missing[0]} in the evidence database")
        return [found[d] for d in wanted]
