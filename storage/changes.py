"""The change index: which resources changed status between consecutive result sets.

A derived table (``result_changes``), rebuildable at any time from the result sets themselves,
so reports over long periods read O(changes) rows instead of parsing every run's result sets.
For a run x check x provider x scope x region whose result set differs from the previous sealed
run's (in chain order), it holds one *sentinel* row (``resource_id`` empty, ``status`` the
previous result set's sha256, or ``-`` when there was none) and one row per resource whose
status, message, scope or region changed (``status`` ``absent`` when it disappeared). An
unchanged result set adds nothing, so an unchanged estate costs no rows.

The index is never part of the hash chain: it is a cache of what the chain already proves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from storage.blobs import chunks, insert_ignore
from storage.db import read_tx, write_tx
from storage.models import ResultChange, Run, table_of
from storage.records import ResultSetRecord
from storage.sealed import RunReader

ABSENT = "absent"
"""Status of a resource that was in the previous result set and is no longer."""
NO_PREVIOUS = "-"
"""Sentinel status when the result set has no predecessor."""

ResultKey = tuple[str, str, str, str]
"""(check_id, provider, scope, region) of a result set."""
ChangeState = tuple[str, str, str, str]
"""(status, message, result scope, result region) of a resource in a changed result set."""
SetChanges = dict[tuple[str, ResultKey], list[tuple[str, ChangeState]]]
"""(run id, key) -> ``(resource id, new state)`` of each resource its result set changed."""


@dataclass(frozen=True)
class ResourceChange:
    """One resource's new state in a result set that changed."""

    run_id: str
    key: ResultKey
    resource_id: str
    status: str
    """``pass``/``fail``/``error``/``not_applicable``, or ``absent``."""
    message: str
    result_scope: str
    """The result's own scope when it differs from the check's (else empty)."""
    result_region: str
    """The result's own region when it differs from the check's (else empty)."""


@dataclass(frozen=True)
class IndexedSet:
    """The sentinel of an indexed result set: what it was diffed against."""

    run_id: str
    key: ResultKey
    previous_sha256: str | None
    """sha256 of the previous result set for the same key, ``None`` if there was none."""


class ChangeStore:
    """Repository methods for the change index (mixed into ``Repository``)."""

    _engine: Engine

    def result_sets_of_runs(self, run_ids: Sequence[str]) -> dict[str, list[ResultSetRecord]]:
        """The result set records of many runs in few queries, each run's in manifest order."""
        out: dict[str, list[ResultSetRecord]] = {}
        with read_tx(self._engine, "reading result sets") as conn:
            reader = RunReader(conn)
            for batch in chunks(list(run_ids)):
                rows = conn.execute(select(table_of(Run)).where(Run.run_id.in_(batch))).all()
                reader.prefetch(rows)
                # runs() reads the previous runs' manifest hashes in one query
                for row, run in zip(rows, reader.runs(rows), strict=True):
                    out[row.run_id] = reader.records(row, run)[1]
        return {r: out.get(r, []) for r in run_ids}

    def indexed_sets(self, run_ids: Sequence[str]) -> dict[tuple[str, ResultKey], IndexedSet]:
        """The sentinels of these runs' indexed result sets, by (run id, key)."""
        out: dict[tuple[str, ResultKey], IndexedSet] = {}
        c = ResultChange
        query = select(c.run_id, c.check_id, c.provider, c.scope, c.region, c.status)
        with read_tx(self._engine, "reading the change index") as conn:
            for batch in chunks(list(run_ids)):
                rows = conn.execute(query.where(c.run_id.in_(batch), c.resource_id == ""))
                for run_id, check_id, provider, scope, region, status in rows:
                    key = (check_id, provider, scope, region)
                    prev = None if status == NO_PREVIOUS else status
                    out[(run_id, key)] = IndexedSet(run_id, key, prev)
        return out

    def resource_changes(self, run_ids: Sequence[str]) -> list[ResourceChange]:
        """Every indexed resource change of these runs (sentinels excluded)."""
        c = ResultChange
        query = select(c.run_id, c.check_id, c.provider, c.scope, c.region, c.resource_id,
                       c.status, c.message, c.result_scope, c.result_region)
        out: list[ResourceChange] = []
        with read_tx(self._engine, "reading the change index") as conn:
            for batch in chunks(list(run_ids)):
                rows = conn.execute(query.where(c.run_id.in_(batch), c.resource_id != ""))
                out.extend(ResourceChange(r[0], (r[1], r[2], r[3], r[4]), r[5], r[6], r[7],
                                          r[8], r[9]) for r in rows)
        return out

    def changes_by_set(self, run_ids: Sequence[str]) -> SetChanges:
        """Every indexed resource change of these runs, grouped by result set, in no particular
        order (what :meth:`resource_changes` returns, as plain tuples: a year's walk reads tens
        of thousands)."""
        c = ResultChange
        query = select(c.run_id, c.check_id, c.provider, c.scope, c.region, c.resource_id,
                       c.status, c.message, c.result_scope, c.result_region)
        out: SetChanges = {}
        with read_tx(self._engine, "reading the change index") as conn:
            for batch in chunks(list(run_ids)):
                rows = conn.execute(query.where(c.run_id.in_(batch), c.resource_id != ""))
                for (run_id, check_id, provider, scope, region, rid, status, message, res_scope,
                     res_region) in rows:
                    group = (run_id, (check_id, provider, scope, region))
                    found = out.get(group)
                    if found is None:
                        found = out[group] = []
                    found.append((rid, (status, message, res_scope, res_region)))
        return out

    def put_changes(self, sets: Iterable[tuple[IndexedSet, Iterable[ResourceChange]]]) -> None:
        """Store result sets' sentinels and changes in one transaction (idempotent, race-safe).

        Each sentinel is written with its changes, so a result set is indexed whole or not at
        all."""
        rows: list[dict[str, str]] = []
        for indexed, changes in sets:
            check_id, provider, scope, region = indexed.key
            base = {"run_id": indexed.run_id, "check_id": check_id, "provider": provider,
                    "scope": scope, "region": region}
            rows.append({**base, "resource_id": "",
                         "status": indexed.previous_sha256 or NO_PREVIOUS, "message": "",
                         "result_scope": "", "result_region": ""})
            rows += [{**base, "resource_id": ch.resource_id, "status": ch.status,
                      "message": ch.message, "result_scope": ch.result_scope,
                      "result_region": ch.result_region} for ch in changes]
        if rows:
            with write_tx(self._engine, "indexing result changes") as conn:
                insert_ignore(conn, table_of(ResultChange), list(rows))
