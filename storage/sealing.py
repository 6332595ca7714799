"""What a sealed run vouches for, read back and checked: the digest of its change-index rows.

:func:`sealed_digests` gives, for sealed runs, the index digest each sealed - from its manifest
for runs sealed from schema 0005 on (after checking the manifest rebuilt from what the run keeps
still hashes to its sealed hash), or from the verified ledger for runs sealed before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from storage.blobs import chunks
from storage.canonical import sha256_hex
from storage.chain import build_manifest
from storage.errors import IndexTampered, StorageError
from storage.index import legacy_digests
from storage.ledger import walk
from storage.models import Run, table_of
from storage.sealed import RunReader


def sealed_digests(conn: Connection, run_ids: Sequence[str]) -> dict[str, str]:
    """run id -> the change-index digest it sealed; IndexTampered naming the first run whose
    manifest no longer holds or that has no sealed digest."""
    reader = RunReader(conn)
    legacy: dict[str, tuple[str, str]] | None = None
    out: dict[str, str] = {}
    for batch in chunks(list(run_ids)):
        rows = conn.execute(select(table_of(Run)).where(Run.run_id.in_(batch))).all()
        if len(rows) != len(set(batch)):
            missing = sorted(set(batch) - {r.run_id for r in rows})
            raise IndexTampered(f"run {missing[0]} is missing from the evidence database")
        reader.prefetch(rows)
        for row, run in zip(rows, reader.runs(rows), strict=True):
            if row.manifest_sha256 is None:
                raise IndexTampered(f"run {row.run_id} is not sealed: it has no change index")
            if run.changes_sha256 is not None:
                try:
                    rebuilt = build_manifest(run, *reader.records(row, run))
                except StorageError as e:
                    raise IndexTampered(f"run {row.run_id}: its contents: {e}") from e
                if sha256_hex(rebuilt) != row.manifest_sha256:
                    raise IndexTampered(f"run {row.run_id} no longer matches its sealed "
                                        "manifest hash, so its change index cannot be trusted")
                out[row.run_id] = run.changes_sha256
                continue
            if legacy is None:
                legacy = legacy_digests(walk(conn))
            entry = legacy.get(row.run_id)
            if entry is None or entry[0] != row.manifest_sha256:
                raise IndexTampered(f"run {row.run_id} has no change-index digest sealed for it "
                                    "(in its manifest or the ledger)")
            out[row.run_id] = entry[1]
    return out
