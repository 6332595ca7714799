"""Run manifests and the hash chain that links them.

A sealed run's manifest is the canonical JSON of::

    {"format": "evidence-run-manifest/1", "run_id", "chain_seq", "status", "started_at",
     "finished_at", "tool_version", "config_hash", "mapping_sha256", "identities",
     "scopes": [ScopeRecord fields, sorted by provider, scope, region],
     "result_sets": [ResultSetRecord fields, sorted by check_id, provider, scope, region],
     "prev_sha256"}

plus ``"collection_id"`` when the run belongs to a named collection (runs without one keep
exactly the manifest they had before the key existed, so older chains still verify).

``manifest_sha256`` is the sha256 of those bytes, and the bytes are kept in ``run_manifests`` so
an export can write ``runs/<run_id>.json`` byte-identical. (They are not a shared ``blobs`` row:
a manifest belongs to exactly one run, and ``blobs`` grows only when the estate changes.)
Each manifest names the previous sealed run's hash, so altering, removing or re-ordering any
sealed run breaks every later link.
"""

from __future__ import annotations

import zlib
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from storage.blobs import unpack
from storage.canonical import canonical_json, sha256_hex
from storage.errors import RunNotFound, RunStateError, StorageError
from storage.models import ChainHead, Run, RunManifest, table_of
from storage.records import ResultSetRecord, RunRecord, RunStatus, ScopeRecord
from storage.rows import json_text, load_results, load_run, load_scopes

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
    return manifest


def build_manifest(
    run: RunRecord, scopes: list[ScopeRecord], results: list[ResultSetRecord]
) -> bytes:
    """The canonical manifest bytes of a sealed run."""
    return canonical_json(manifest_dict(run, scopes, results))


def read_manifest(conn: Connection, run_id: str) -> tuple[str, bytes] | None:
    """A sealed run's ``(manifest sha256, bytes)``, checked against its hash; ``None`` if absent."""
    query = select(RunManifest.sha256, RunManifest.data).where(RunManifest.run_id == run_id)
    row = conn.execute(query).one_or_none()
    if row is None:
        return None
    return row.sha256, unpack(row.data, row.sha256, "manifest")


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
    moves the head. Returns the manifest hash.
    """
    head = lock_head(conn)
    run = load_run(conn, run_id, lock=True)
    if run is None:
        raise RunNotFound(f"no run {run_id!r} in the evidence database")
    if run.status != "running" or run.sealed:
        raise RunStateError(f"run {run_id} is already sealed with status {run.status!r}")
    sealed = replace(
        run,
        status=status,
        finished_at=finished_at,
        identities=identities,
        chain_seq=head.seq + 1,
        prev_sha256=head.head_sha256,
    )
    manifest = build_manifest(sealed, load_scopes(conn, run_id), load_results(conn, run_id))
    sha = sha256_hex(manifest)
    conn.execute(
        insert(table_of(RunManifest)).values(
            run_id=run_id, sha256=sha, size=len(manifest), data=zlib.compress(manifest, 6)
        )
    )
    conn.execute(
        update(table_of(Run))
        .where(Run.run_id == run_id, Run.status == "running", Run.chain_seq.is_(None))
        .values(
            status=sealed.status,
            finished_at=sealed.finished_at,
            identities=json_text(list(sealed.identities)),
            chain_seq=sealed.chain_seq,
            prev_sha256=sealed.prev_sha256,
            manifest_sha256=sha,
        )
    )
    conn.execute(
        update(table_of(ChainHead))
        .where(ChainHead.id == 1)
        .values(seq=sealed.chain_seq, head_sha256=sha)
    )
    return sha
