"""Conversions between database rows and records, and the loaders built on them."""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Connection, select

from storage.canonical import canonical_json
from storage.models import Run, table_of
from storage.records import ResultSetRecord, RunRecord, RunStatus, ScopeRecord


def json_text(value: Any) -> str:
    """Canonical JSON as text, for JSON columns."""
    return canonical_json(value).decode("utf-8")


def run_record(row: Any) -> RunRecord:
    """A RunRecord from a ``runs`` row as it is (a packed run's header fields are empty)."""
    return RunRecord(
        run_id=row.run_id,
        status=cast(RunStatus, row.status),
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat_at=row.heartbeat_at,
        host=row.host,
        pid=row.pid,
        tool_version=row.tool_version,
        config_hash=row.config_hash,
        mapping_sha256=row.mapping_sha256,
        identities=tuple(json.loads(row.identities)),
        chain_seq=row.chain_seq,
        prev_sha256=row.prev_sha256,
        manifest_sha256=row.manifest_sha256,
        collection_id=row.collection_id,
    )


def scope_row(run_id: str, record: ScopeRecord) -> dict[str, Any]:
    """The ``run_scopes`` row for a record."""
    row = record.as_dict()
    row["errors"] = json_text(row["errors"])
    row["run_id"] = run_id
    return row


def scope_record(row: Any) -> ScopeRecord:
    """A ScopeRecord from a ``run_scopes`` row."""
    return ScopeRecord(
        provider=row.provider,
        scope=row.scope,
        region=row.region,
        identity=row.identity,
        started_at=row.started_at,
        finished_at=row.finished_at,
        requests=row.requests,
        retries=row.retries,
        errors=tuple((code, message) for code, message in json.loads(row.errors)),
        calls_sha256=row.calls_sha256,
    )


def result_row(run_id: str, record: ResultSetRecord) -> dict[str, Any]:
    """The ``run_results`` row for a record."""
    row = record.as_dict()
    row["run_id"] = run_id
    return row


def result_record(row: Any) -> ResultSetRecord:
    """A ResultSetRecord from a ``run_results`` row."""
    return ResultSetRecord(
        check_id=row.check_id,
        check_version=row.check_version,
        provider=row.provider,
        scope=row.scope,
        region=row.region,
        observed_at=row.observed_at,
        result_set_sha256=row.result_set_sha256,
        n_pass=row.n_pass,
        n_fail=row.n_fail,
        n_error=row.n_error,
        n_na=row.n_na,
    )


def load_run(conn: Connection, run_id: str, *, lock: bool = False) -> RunRecord | None:
    """The run with this id (``FOR UPDATE`` on PostgreSQL when ``lock``), or ``None``.

    The row as it is: for a sealed run use ``storage.sealed.RunReader``, which fills in the
    header a packed run keeps in its contents blob."""
    query = select(table_of(Run)).where(Run.run_id == run_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).one_or_none()
    return None if row is None else run_record(row)
