"""Run manifests and the hash chain that links them.

A sealed run's manifest is the canonical JSON of::

    {"format": "evidence-run-manifest/1", "run_id", "chain_seq", "status", "started_at",
     "finished_at", "tool_version", "config_hash", "mapping_sha256", "identities",
     "scopes": [ScopeRecord fields, sorted by provider, scope, region],
     "result_sets": [ResultSetRecord fields, sorted by check_id, provider, scope, region],
     "prev_sha256"}

plus ``"collection_id"`` when the run belongs to a named collection (runs without one keep
exactly the manifest they had before the key existed, so older chains still verify), and for
runs sealed from schema 0005 on ``"changes_sha256"`` (the digest of the run's change-index rows,
:mod:`storage.index`) and ``"ledger": {"seq", "head_sha256"}`` (the ledger head when the run was
sealed, :mod:`storage.ledger`).

``manifest_sha256`` is the sha256 of those bytes. Sealing packs the run (:mod:`storage.packing`):
its scopes and result sets move into shared, content-addressed blobs plus a few bytes of timings
of its own, and the manifest bytes are rebuilt from them when needed (an export writes them as
``runs/<run_id>.json``), so 365 runs of an unchanged estate do not store 365 manifests. Runs
sealed before schema revision 0004 keep their rows and stored manifest bytes (``run_manifests``).
Each manifest names the previous sealed run's hash, so altering, removing or re-ordering any
sealed run breaks every later link.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, select, update

from storage.blobs import store_blob, unpack
from storage.canonical import canonical_json, sha256_hex
from storage.errors import RunNotFound, RunStateError, StorageError
from storage.index import index_at_seal
from storage.ledger import ledger_head
from storage.models import ChainHead, Run, RunManifest, RunResult, RunScope, table_of
from storage.packing import (
    Packed,
    contents_of,
    header_of,
    index_of,
    pack,
    sealed_record,
    timings_of,
)
from storage.packing import unpack as unpack_records
from storage.records import ResultSetRecord, RunRecord, RunStatus, ScopeRecord
from storage.rows import json_text, load_run
from storage.sealed import RunReader, run_row, staged_records

MANIFEST_FORMAT = "evidence-run-manifest/1"


def manifest_dict(
    run: RunRecord, scopes: list[ScopeRecord], results: list[ResultSetRecord]
) -> dict[str, Any]:
    """The manifest of a sealed run as a dict (see the module docstring)."""
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "run_id": run.run_id,
        "chain_seq": run.chain_seq,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "tool_version": run.tool_version,
        "config_hash": run.config_hash,
        "mapping_sha256": run.mapping_sha256,
        "identities": list(run.identities),
        "scopes": [s.as_dict() for s in sorted(scopes, key=ScopeRecord.sort_key)],
        "result_sets": [r.as_dict() for r in sorted(results, key=ResultSetRecord.sort_key)],
        "prev_sha256": run.prev_sha256,
    }
    if run.collection_id is not None:
        manifest["collection_id"] = run.collection_id
    if run.changes_sha256 is not None:
        manifest["changes_sha256"] = run.changes_sha256
    if run.ledger_seq is not None:
        manifest["ledger"] = {"seq": run.ledger_seq, "head_sha256": run.ledger_sha256}
    return manifest


def build_manifest(
    run: RunRecord, scopes: list[ScopeRecord], results: list[ResultSetRecord]
) -> bytes:
    """The canonical manifest bytes of a sealed run."""
    return canonical_json(manifest_dict(run, scopes, results))


def read_manifest(conn: Connection, run_id: str) -> tuple[str, bytes] | None:
    """The manifest bytes a legacy run stored at sealing, with their hash; ``None`` if absent."""
    query = select(RunManifest.sha256, RunManifest.data).where(RunManifest.run_id == run_id)
    row = conn.execute(query).one_or_none()
    if row is None:
        return None
    return row.sha256, unpack(row.data, row.sha256, "manifest")


def manifest_of(conn: Connection, run_id: str, reader: RunReader | None = None) -> bytes:
    """A sealed run's manifest bytes: rebuilt from its packed form, or as a legacy run stored
    them. Raises StorageError when they do not hash to the run's sealed ``manifest_sha256``."""
    row = run_row(conn, run_id)
    if row.manifest_sha256 is None:
        raise RunStateError(f"run {run_id} is still running: it has no manifest yet")
    if row.contents_sha256 is None:
        stored = read_manifest(conn, run_id)
        if stored is None:
            raise StorageError(f"the stored manifest of run {run_id} is missing")
        data = stored[1]
    else:
        reader = reader or RunReader(conn)
        data = build_manifest(reader.run(row), *reader.records(row))
    if sha256_hex(data) != row.manifest_sha256:
        raise StorageError(f"the manifest of run {run_id} no longer hashes to its sealed hash")
    return data


def _packed_manifest(run: RunRecord, packed: Packed) -> bytes:
    """The manifest rebuilt from a packed form, as reading it back will (a self-check)."""
    blobs = {sha256_hex(data): data for _, data in packed.blobs}
    contents = contents_of(blobs[packed.contents_sha256], packed.contents_sha256)
    timings = timings_of(run.run_id, packed.timings)
    bare = replace(run, tool_version="", config_hash="", mapping_sha256="", identities=(),
                   finished_at=None, prev_sha256=None, changes_sha256=None, ledger_seq=None,
                   ledger_sha256=None)  # what the runs row will hold
    read = sealed_record(bare, header_of(contents), timings, run.prev_sha256)
    records = unpack_records(read, contents, timings, lambda sha: index_of(blobs[sha], sha))
    return build_manifest(read, *records)


def lock_head(conn: Connection) -> Row[int, str | None]:
    """Lock and return the chain head row (seq, head_sha256).

    Sealers always take this lock before any run row lock, so they cannot deadlock.
    """
    head_query = select(ChainHead.seq, ChainHead.head_sha256).where(ChainHead.id == 1)
    head = conn.execute(head_query.with_for_update()).one_or_none()
    if head is None:
        raise StorageError("the chain_head row is missing: run `evidence db upgrade`")
    return head


def seal(
    conn: Connection,
    run_id: str,
    *,
    status: RunStatus,
    finished_at: datetime,
    identities: tuple[str, ...],
) -> str:
    """Seal a running run into the chain inside the caller's write transaction.

    Locks ``chain_head`` then the run (``FOR UPDATE`` on PostgreSQL; SQLite's write transaction
    already holds the database lock), appends the run after the head, stores its manifest and
    moves the head; the run's rows are packed (see the module docstring). The run's change-index
    rows are written and their digest sealed in its manifest (``changes_sha256``), as is the
    ledger's head (``ledger``). Returns the manifest hash.
    """
    head = lock_head(conn)
    run = load_run(conn, run_id, lock=True)
    if run is None:
        raise RunNotFound(f"no run {run_id!r} in the evidence database")
    if run.status != "running" or run.sealed:
        raise RunStateError(f"run {run_id} is already sealed with status {run.status!r}")
    scopes, results = staged_records(conn, run_id)
    ledger_seq, ledger_sha = ledger_head(conn)
    sealed = replace(
        run,
        status=status,
        finished_at=finished_at,
        identities=identities,
        chain_seq=head.seq + 1,
        prev_sha256=head.head_sha256,
        changes_sha256=index_at_seal(conn, run, results, head.seq + 1),
        ledger_seq=ledger_seq,
        ledger_sha256=ledger_sha,
    )
    manifest = build_manifest(sealed, scopes, results)
    sha = sha256_hex(manifest)
    packed = pack(sealed, scopes, results)
    if _packed_manifest(sealed, packed) != manifest:
        raise StorageError(f"run {run_id} cannot be packed faithfully; it was not sealed")
    for kind, data in packed.blobs:
        store_blob(conn, kind, data)
    conn.execute(
        update(table_of(Run))
        .where(Run.run_id == run_id, Run.status == "running", Run.chain_seq.is_(None))
        .values(
            status=sealed.status,
            chain_seq=sealed.chain_seq,
            manifest_sha256=sha,
            contents_sha256=packed.contents_sha256,
            timings=packed.timings,
            # kept in the timings, or derived from the chain (storage.packing)
            finished_at=None,
            prev_sha256=None,
            # kept in the contents blob from now on (shared while they do not change)
            tool_version="",
            config_hash="",
            mapping_sha256="",
            identities=json_text([]),
        )
    )
    conn.execute(delete(table_of(RunResult)).where(RunResult.run_id == run_id))
    conn.execute(delete(table_of(RunScope)).where(RunScope.run_id == run_id))
    conn.execute(
        update(table_of(ChainHead))
        .where(ChainHead.id == 1)
        .values(seq=sealed.chain_seq, head_sha256=sha)
    )
    return sha
