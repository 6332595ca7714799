"""Verification of the run hash chain (see :mod:`storage.chain` for the manifest format).

For every sealed run, in ``chain_seq`` order: the sequence has no gap, ``prev_sha256`` links to
the previous run's manifest hash, the manifest recomputed from what the run keeps (its packed
contents, result indexes and timings; or, sealed before revision 0004, its rows and stored
manifest bytes) hashes to its ``manifest_sha256``, and every blob it references (result sets,
call lists, and through them every call and response; the recorded criteria mapping and
controls when stored) exists and hashes to its key.
Then the chain head must name the last sealed run, and no run may have a final status without
being sealed. Then the records chained beside the runs: the ledger (``storage.ledger``) holds,
still holds the head each run sealed, and the attachments table matches it; and every sealed
run's change-index rows hash to the digest sealed with it (``storage.index``). The first
failure is reported, naming the run or record.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from storage.attachments import verified
from storage.blobs import call_record, chunks, read_blob, unpack
from storage.canonical import canonical_json, sha256_hex
from storage.chain import manifest_dict, read_manifest
from storage.errors import IndexTampered, LedgerTampered, StorageError
from storage.index import check_rows, legacy_digests, read_rows
from storage.ledger import check_sealed_head, walk
from storage.models import Attachment, Blob, Call, ChainHead, Run, table_of
from storage.records import ChainCheck, RunRecord
from storage.sealed import RunReader

BLOB_BATCH = 100
"""Blobs read per query when only their hash is checked (bounded memory, few round trips)."""


class _Broken(Exception):
    """Internal: the chain does not hold; ``run_id`` names the bad run when known."""

    def __init__(self, reason: str, run_id: str | None = None) -> None:
        """Carry a one-line reason and, optionally, the bad run's id."""
        super().__init__(reason)
        self.reason = reason
        self.run_id = run_id


class ChainVerifier:
    """Walks every sealed run in chain order inside one read transaction."""

    def __init__(self, conn: Connection) -> None:
        """Verify through ``conn`` (a read transaction)."""
        self._conn = conn
        self._reader = RunReader(conn)
        self._good_blobs: set[str] = set()
        self._good_calls: set[str] = set()
        self._digests: dict[str, str | None] = {}
        """Change-index digest sealed by each run (``None``: sealed before 0005, in the ledger)."""
        self._manifests: dict[str, str] = {}
        self._ledger_heads: dict[str, tuple[int, str | None]] = {}

    def verify(self) -> ChainCheck:
        """Check every sealed run, its rows, its blobs, its link and the chain head."""
        sealed = select(table_of(Run)).where(Run.chain_seq.is_not(None)).order_by(Run.chain_seq)
        prev: RunRecord | None = None
        checked = 0
        for row in self._conn.execute(sealed).all():
            try:
                prev = self._check_run(row, prev)
            except _Broken as e:
                return ChainCheck(False, checked, row.run_id, f"run {row.run_id}: {e.reason}")
            checked += 1
        try:
            self._check_head(prev)
            self._check_unsealed()
            self._check_records()
        except _Broken as e:
            return ChainCheck(False, checked, e.run_id, e.reason)
        return ChainCheck(True, checked, None, None)

    def _check_records(self) -> None:
        """The ledger, what sealed runs recorded of it, the attachments table against it, and
        every sealed run's change index against the digest sealed with it."""
        try:
            entries = walk(self._conn)
            for run_id, (seq, sha) in self._ledger_heads.items():
                check_sealed_head(entries, seq, sha, run_id)
            rows = self._conn.execute(select(table_of(Attachment))
                                      .order_by(Attachment.attachment_id)).all()
            verified(self._conn, list(rows), complete=True)
        except LedgerTampered as e:
            raise _Broken(str(e)) from e
        legacy = legacy_digests(entries)
        for run_id in self._digests:
            if self._digests[run_id] is None:
                entry = legacy.get(run_id)
                if entry is None or entry[0] != self._manifests[run_id]:
                    raise _Broken(f"run {run_id}: no change-index digest is sealed for it",
                                  run_id)
                self._digests[run_id] = entry[1]
        sealed = {k: v for k, v in self._digests.items() if v is not None}
        try:
            for batch in chunks(list(sealed)):
                check_rows(read_rows(self._conn, batch), sealed)
        except IndexTampered as e:
            raise _Broken(str(e)) from e

    def _check_run(self, row: Any, prev: RunRecord | None) -> RunRecord:
        """Raise _Broken if this sealed run does not hold; return its record."""
        try:
            run = self._reader.run(row)
        except StorageError as e:
            raise _Broken(f"its contents: {e}") from e
        expected_seq = 1 if prev is None else (prev.chain_seq or 0) + 1
        if run.chain_seq != expected_seq:
            raise _Broken(
                f"chain_seq is {run.chain_seq} where {expected_seq} was expected: "
                "a sealed run before it is missing"
            )
        expected_prev = None if prev is None else prev.manifest_sha256
        if run.prev_sha256 != expected_prev:
            raise _Broken("prev_sha256 does not link to the previous sealed run's manifest")
        if run.status == "running" or run.manifest_sha256 is None:
            raise _Broken(f"sealed run has status {run.status!r} and no final manifest")
        try:
            scopes, results = self._reader.records(row)
        except StorageError as e:
            raise _Broken(f"its contents: {e}") from e
        recomputed = manifest_dict(run, scopes, results)
        if sha256_hex(canonical_json(recomputed)) != run.manifest_sha256:
            raise _Broken(self._describe_change(run.run_id, recomputed))
        if row.contents_sha256 is None:
            self._check_manifest(run)
        self._digests[run.run_id] = run.changes_sha256
        self._manifests[run.run_id] = run.manifest_sha256
        if run.ledger_seq is not None:
            self._ledger_heads[run.run_id] = (run.ledger_seq, run.ledger_sha256)
        for scope in scopes:
            if scope.calls_sha256 is not None:
                where = f"{scope.provider}/{scope.scope}/{scope.region}"
                self._check_calls(scope.calls_sha256, f"the call list of scope {where}")
        sets: dict[str, str] = {}
        for r in results:
            sets.setdefault(r.result_set_sha256, f"the result set of {r.check_id} in "
                                                 f"{r.provider}/{r.scope}/{r.region}")
        self._check_blobs(sets)
        self._check_mapping(run.mapping_sha256)
        return run

    def _check_mapping(self, sha: str) -> None:
        """The criteria mapping a run recorded (criteria per check, criteria overrides and the
        controls in force; its hash is in the manifest) must hash to its key. An absent one is
        not judged here (runs stored without one through the storage API); readers need it and
        stop with BlobNotFound."""
        if sha in self._good_blobs:
            return
        try:
            found = read_blob(self._conn, sha)
        except StorageError as e:
            raise _Broken(f"the criteria mapping and controls it recorded: {e}") from e
        if found is not None:
            self._good_blobs.add(sha)

    def _describe_change(self, run_id: str, recomputed: dict[str, Any]) -> str:
        """Name which manifest fields no longer match the sealed manifest."""
        base = "what it keeps no longer matches its sealed manifest hash"
        try:
            stored = read_manifest(self._conn, run_id)
        except StorageError:
            stored = None
        if stored is None:
            return base
        sealed = json.loads(stored[1])
        now = json.loads(canonical_json(recomputed))
        changed = sorted(k for k in set(sealed) | set(now) if sealed.get(k) != now.get(k))
        return f"{base} (changed: {', '.join(changed)})" if changed else base

    def _check_manifest(self, run: RunRecord) -> None:
        """Raise _Broken unless the stored manifest bytes hash to the run's manifest_sha256."""
        try:
            stored = read_manifest(self._conn, run.run_id)
        except StorageError as e:
            raise _Broken(f"its stored manifest: {e}") from e
        if stored is None:
            raise _Broken("its stored manifest is missing")
        if stored[0] != run.manifest_sha256:
            raise _Broken(f"its stored manifest is {stored[0]}, not {run.manifest_sha256}")

    def _check_blob(self, sha: str, what: str) -> bytes | None:
        """Raise _Broken unless blob ``sha`` exists and hashes to its key; return its data."""
        if sha in self._good_blobs:
            return None
        try:
            data = read_blob(self._conn, sha)
        except StorageError as e:
            raise _Broken(f"{what}: {e}") from e
        if data is None:
            raise _Broken(f"{what}: blob {sha} is missing")
        self._good_blobs.add(sha)
        return data

    def _check_calls(self, sha: str, what: str) -> None:
        """Check a call-list blob, every call it names and their response blobs."""
        data = self._check_blob(sha, what)
        if data is None:
            return
        try:
            digests = json.loads(data)
            assert isinstance(digests, list) and all(isinstance(d, str) for d in digests)
        except (ValueError, AssertionError) as e:
            raise _Broken(f"{what}: blob {sha} is not a list of call digests") from e
        todo = [d for d in digests if d not in self._good_calls]
        for batch in chunks(todo):
            rows = self._conn.execute(select(table_of(Call)).where(Call.digest.in_(batch)))
            found = {row.digest: row for row in rows}
            responses: dict[str, str] = {}
            for digest in batch:
                row = found.get(digest)
                if row is None:
                    raise _Broken(f"{what}: call {digest} is missing")
                if call_record(row).digest() != digest:
                    raise _Broken(f"{what}: call {digest} was altered")
                if row.response_sha256 is not None:
                    responses.setdefault(row.response_sha256, f"the response of call {digest}")
            self._check_blobs(responses)
            self._good_calls.update(batch)

    def _check_blobs(self, wanted: dict[str, str]) -> None:
        """:meth:`_check_blob` for many blobs whose data is not needed (sha -> what), read a
        batch per query and dropped once hashed; a corrupt one is then re-read alone to be
        named."""
        todo = [sha for sha in wanted if sha not in self._good_blobs]
        for batch in chunks(todo, BLOB_BATCH):
            seen: set[str] = set()
            try:
                for sha, stored in self._conn.execute(
                        select(Blob.sha256, Blob.data).where(Blob.sha256.in_(batch))):
                    unpack(stored, sha, "blob")
                    seen.add(sha)
            except StorageError:
                for sha in batch:
                    self._check_blob(sha, wanted[sha])
            for sha in batch:
                if sha not in seen:
                    raise _Broken(f"{wanted[sha]}: blob {sha} is missing")
            self._good_blobs.update(batch)

    def _check_head(self, last: RunRecord | None) -> None:
        """Raise _Broken unless chain_head names the last sealed run."""
        head = self._conn.execute(
            select(ChainHead.seq, ChainHead.head_sha256).where(ChainHead.id == 1)
        ).one_or_none()
        if head is None:
            raise _Broken("the chain_head row is missing")
        seq = 0 if last is None else last.chain_seq
        sha = None if last is None else last.manifest_sha256
        if (head.seq, head.head_sha256) != (seq, sha):
            raise _Broken(
                f"the chain head is at seq {head.seq} but the last sealed run is at seq {seq}: "
                "sealed runs after it are missing or the head was altered"
            )

    def _check_unsealed(self) -> None:
        """Raise _Broken for a run with a final status that is not in the chain."""
        query = select(Run.run_id, Run.status).where(
            Run.chain_seq.is_(None), Run.status != "running"
        )
        row = self._conn.execute(query.order_by(Run.started_at, Run.run_id).limit(1)).first()
        if row is not None:
            raise _Broken(
                f"run {row.run_id}: status {row.status!r} but it was never sealed into the chain",
                row.run_id,
            )
