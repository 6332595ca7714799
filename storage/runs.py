"""Runs: starting, recording, sealing, reaping and reading them.

Each write commits at once, so a killed collector keeps everything it had written; the run then
stays ``running`` until :meth:`RunStore.reap_interrupted` seals it as ``interrupted``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, select, update

from storage.blobs import existing_keys, store_evidence
from storage.chain import lock_head, manifest_of, seal
from storage.db import read_tx, write_tx
from storage.errors import BlobNotFound, RunNotFound, RunStateError, StorageError
from storage.models import Blob, Run, RunResult, RunScope, table_of
from storage.outbox import Queued, queue
from storage.records import (
    FINAL_STATUSES,
    Evidence,
    ResultSetRecord,
    RunRecord,
    RunStatus,
    ScopeRecord,
    to_utc,
)
from storage.rows import json_text, load_run, result_row, scope_row
from storage.sealed import RunReader, load_records, run_row, staged_records

LATEST = "latest"
"""Run id alias for the most recently started run."""


def _lock_running(conn: Connection, run_id: str) -> None:
    """Share-lock a run (PostgreSQL) and check it is still running."""
    query = select(Run.status, Run.chain_seq).where(Run.run_id == run_id)
    row = conn.execute(query.with_for_update(read=True)).one_or_none()
    if row is None:
        raise RunNotFound(f"no run {run_id!r} in the evidence database")
    if row.status != "running" or row.chain_seq is not None:
        raise RunStateError(f"run {run_id} is already sealed with status {row.status!r}")


def _require_blobs(conn: Connection, hashes: Iterable[str | None], what: str) -> None:
    """Raise BlobNotFound unless every non-None hash is a stored blob."""
    wanted = sorted({h for h in hashes if h is not None})
    missing = set(wanted) - existing_keys(conn, Blob.sha256, wanted)
    if missing:
        raise BlobNotFound(f"{what}: blob {min(missing)} is not stored; put_blob it first")


class RunStore:
    """Repository methods for runs (mixed into ``Repository``)."""

    _engine: Engine

    def start_run(
        self,
        run_id: str,
        *,
        started_at: datetime,
        tool_version: str,
        config_hash: str,
        mapping_sha256: str,
        host: str,
        pid: int,
        collection_id: str | None = None,
    ) -> None:
        """Record a new run with status ``running`` (heartbeat = ``started_at``).

        ``collection_id`` names the collection the run belongs to (see RunRecord)."""
        started = to_utc(started_at)
        with write_tx(self._engine, f"starting run {run_id}") as conn:
            if load_run(conn, run_id) is not None:
                raise RunStateError(f"run {run_id} already exists")
            conn.execute(
                insert(table_of(Run)).values(
                    run_id=run_id,
                    status="running",
                    started_at=started,
                    finished_at=None,
                    heartbeat_at=started,
                    host=host,
                    pid=pid,
                    tool_version=tool_version,
                    config_hash=config_hash,
                    mapping_sha256=mapping_sha256,
                    identities=json_text([]),
                    chain_seq=None,
                    prev_sha256=None,
                    manifest_sha256=None,
                    collection_id=collection_id,
                )
            )

    def heartbeat(self, run_id: str, at: datetime) -> None:
        """Record that the run's process is alive at ``at``; raises if the run is sealed."""
        with write_tx(self._engine, f"heartbeat of run {run_id}") as conn:
            done = conn.execute(
                update(table_of(Run))
                .where(Run.run_id == run_id, Run.status == "running", Run.chain_seq.is_(None))
                .values(heartbeat_at=to_utc(at))
            )
            if done.rowcount != 1:
                _lock_running(conn, run_id)  # raises the precise error

    def add_scope(self, run_id: str, record: ScopeRecord) -> None:
        """Record one provider x scope x region of a running run (once each)."""
        where = f"{record.provider}/{record.scope}/{record.region}"
        with write_tx(self._engine, f"recording scope {where} of run {run_id}") as conn:
            _lock_running(conn, run_id)
            _require_blobs(conn, [record.calls_sha256], f"scope {where}")
            key = (RunScope.provider, RunScope.scope, RunScope.region)
            exists = conn.execute(
                select(RunScope.run_id).where(
                    RunScope.run_id == run_id,
                    *(c == v for c, v in zip(key, record.sort_key(), strict=True)),
                )
            ).first()
            if exists:
                raise StorageError(f"scope {where} is already recorded for run {run_id}")
            conn.execute(insert(table_of(RunScope)).values(**scope_row(run_id, record)))

    def add_result_set(self, run_id: str, record: ResultSetRecord,
                       evidence: Evidence | None = None) -> None:
        """Record one check's results in one provider x scope x region of a running run.

        ``evidence`` (the result set's blob, the responses and calls it cites) is stored in
        the same transaction: the result set and what it cites commit together or not at all.
        """
        where = f"{record.check_id} in {record.provider}/{record.scope}/{record.region}"
        with write_tx(self._engine, f"recording results of {where} for run {run_id}") as conn:
            if evidence:
                store_evidence(conn, evidence)
            _lock_running(conn, run_id)
            _require_blobs(conn, [record.result_set_sha256], f"result set of {where}")
            exists = conn.execute(
                select(RunResult.run_id).where(
                    RunResult.run_id == run_id,
                    RunResult.check_id == record.check_id,
                    RunResult.provider == record.provider,
                    RunResult.scope == record.scope,
                    RunResult.region == record.region,
                )
            ).first()
            if exists:
                raise StorageError(f"results of {where} are already recorded for run {run_id}")
            conn.execute(insert(table_of(RunResult)).values(**result_row(run_id, record)))

    def finish_run(
        self,
        run_id: str,
        *,
        status: RunStatus,
        finished_at: datetime,
        identities: Iterable[str],
        outbox: Sequence[Queued] = (),
    ) -> str:
        """Seal a running run into the chain with a final status; return its manifest hash.

        ``identities`` are stored sorted and distinct. ``outbox``: alerts about the run, queued
        in the same transaction (a crash after sealing loses none). Raises RunStateError if the
        run is already sealed.
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"final status must be one of {', '.join(FINAL_STATUSES)}")
        finished = to_utc(finished_at)
        ids = tuple(sorted(set(identities)))
        with write_tx(self._engine, f"sealing run {run_id}") as conn:
            digest = seal(conn, run_id, status=status, finished_at=finished, identities=ids)
            queue(conn, outbox)
            return digest

    def reap_interrupted(
        self,
        *,
        now: datetime,
        host: str,
        is_alive: Callable[[int], bool],
        stale_after: timedelta,
    ) -> list[str]:
        """Seal as ``interrupted`` the running runs whose process is gone; return their ids.

        A run is gone when it ran on ``host`` and ``is_alive(pid)`` is false, or when its last
        heartbeat is older than ``now - stale_after``. It keeps the scopes and result sets it
        had; ``finished_at`` is its last heartbeat and its identities are its scopes'.
        """
        cutoff = to_utc(now) - stale_after

        def gone(run: RunRecord) -> bool:
            if run.host == host and not is_alive(run.pid):
                return True
            return run.heartbeat_at < cutoff

        with read_tx(self._engine, "finding interrupted runs") as conn:
            running = conn.execute(
                select(Run.run_id).where(Run.status == "running", Run.chain_seq.is_(None))
            ).scalars()
            candidates = sorted(running)
        reaped: list[str] = []
        for run_id in candidates:
            with write_tx(self._engine, f"sealing interrupted run {run_id}") as conn:
                lock_head(conn)  # before the run row, as every sealer does
                run = load_run(conn, run_id, lock=True)  # re-read under the locks
                if run is None or run.status != "running" or not gone(run):
                    continue
                scopes, _ = staged_records(conn, run_id)
                ids = tuple(sorted({s.identity for s in scopes}))
                last = run.heartbeat_at
                seal(conn, run_id, status="interrupted", finished_at=last, identities=ids)
            reaped.append(run_id)
        return reaped

    def get_run(self, run_id: str) -> RunRecord:
        """The run with this id, or the most recently started one for ``"latest"``."""
        with read_tx(self._engine, "reading a run") as conn:
            if run_id == LATEST:
                query = select(table_of(Run)).order_by(Run.started_at.desc(), Run.run_id.desc())
                row = conn.execute(query.limit(1)).one_or_none()
                if row is None:
                    raise RunNotFound("there are no runs in the evidence database yet")
            else:
                row = run_row(conn, run_id)
            return RunReader(conn).run(row)

    def list_runs(self, limit: int = 50) -> list[RunRecord]:
        """The ``limit`` most recently started runs, newest first."""
        query = select(table_of(Run)).order_by(Run.started_at.desc(), Run.run_id.desc())
        with read_tx(self._engine, "listing runs") as conn:
            return RunReader(conn).runs(conn.execute(query.limit(limit)).all())

    def scopes(self, run_id: str) -> list[ScopeRecord]:
        """A run's scope records, ordered by provider, scope, region."""
        run = self.get_run(run_id)
        with read_tx(self._engine, "reading scopes") as conn:
            return load_records(conn, run.run_id)[0]

    def result_sets(self, run_id: str) -> list[ResultSetRecord]:
        """A run's result set records, ordered by check id, provider, scope, region."""
        run = self.get_run(run_id)
        with read_tx(self._engine, "reading result sets") as conn:
            return load_records(conn, run.run_id)[1]

    def manifest_bytes(self, run_id: str) -> bytes:
        """The exact manifest bytes of a sealed run (what ``runs/<run_id>.json`` holds),
        checked against its sealed hash."""
        run = self.get_run(run_id)
        with read_tx(self._engine, "reading a manifest") as conn:
            return manifest_of(conn, run.run_id)
