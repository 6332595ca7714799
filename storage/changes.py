"""The change index: which resources changed status between consecutive result sets.

A derived table (``result_changes``), rebuildable at any time from the result sets themselves,
so reports over long periods read O(changes) rows instead of parsing every run's result sets.
For a run x check x provider x scope x region whose result set differs from the previous sealed
run's (in chain order), it holds one *sentinel* row (``resource_id`` empty, ``status`` the
previous result set's sha256, or ``-`` when there was none) and one row per resource whose
status, message, scope or region changed (``status`` ``absent`` when it disappeared). An
unchanged result set adds nothing, so an unchanged estate costs no rows.

Sealing a run writes its rows and seals their digest with it (:mod:`storage.index`); every read
below verifies the runs' rows against those digests first, so an edited index stops the report
or export (``IndexTampered``) instead of changing what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from storage.blobs import chunks
from storage.db import read_tx
from storage.index import NO_PREVIOUS, Row, check_rows, read_rows
from storage.models import Run, table_of
from storage.records import ResultSetRecord
from storage.sealed import RunReader
from storage.sealing import sealed_digests

ABSENT = "absent"
"""Status of a resource that was in the previous result set and is no longer."""

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

    def _verified_rows(self, conn: Connection, run_ids: Sequence[str]) -> dict[str, list[Row]]:
        """The index rows of sealed runs, each run's checked against the digest sealed with it
        (IndexTampered naming the run otherwise)."""
        # sealed runs and their index are immutable: what was verified once in this process
        # (the sealed digests, and the rows that matched them) is kept and handed out again
        cache: dict[str, str] = self.__dict__.setdefault("_sealed_index_digests", {})
        held: dict[str, list[Row]] = self.__dict__.setdefault("_verified_index_rows", {})
        todo = [r for r in dict.fromkeys(run_ids) if r not in held]
        if todo:
            cache.update(sealed_digests(conn, [r for r in todo if r not in cache]))
            rows = read_rows(conn, todo)
            check_rows(rows, cache)
            held.update(rows)
        return {r: held[r] for r in run_ids}

    def verified_changes(self, run_ids: Sequence[str]) -> dict[str, list[Row]]:
        """Every index row of these sealed runs, verified against the digests sealed with
        them (:mod:`storage.index`): what report, sample and export may rely on. Raises
        IndexTampered naming the first run whose index was edited."""
        with read_tx(self._engine, "reading the change index") as conn:
            return self._verified_rows(conn, run_ids)

    def indexed_sets(self, run_ids: Sequence[str]) -> dict[tuple[str, ResultKey], IndexedSet]:
        """The sentinels of these runs' indexed result sets, by (run id, key), once the runs'
        index is verified (IndexTampered otherwise)."""
        out: dict[tuple[str, ResultKey], IndexedSet] = {}
        for run_id, rows in self.verified_changes(run_ids).items():
            for check_id, provider, scope, region, rid, status, *_ in rows:
                if rid == "":
                    key = (check_id, provider, scope, region)
                    prev = None if status == NO_PREVIOUS else status
                    out[(run_id, key)] = IndexedSet(run_id, key, prev)
        return out

    def resource_changes(self, run_ids: Sequence[str]) -> list[ResourceChange]:
        """Every indexed resource change of these runs (sentinels excluded), verified."""
        return [ResourceChange(run_id, (r[0], r[1], r[2], r[3]), r[4], r[5], r[6], r[7], r[8])
                for run_id, rows in self.verified_changes(run_ids).items()
                for r in rows if r[4] != ""]

    def changes_by_set(self, run_ids: Sequence[str]) -> SetChanges:
        """Every indexed resource change of these runs, grouped by result set, in no particular
        order (what :meth:`resource_changes` returns, as plain tuples: a year's walk reads tens
        of thousands), verified against the digests sealed with the runs."""
        out: SetChanges = {}
        for run_id, rows in self.verified_changes(run_ids).items():
            for (check_id, provider, scope, region, rid, status, message, res_scope,
                 res_region) in rows:
                if rid == "":
                    continue
                group = (run_id, (check_id, provider, scope, region))
                found = out.get(group)
                if found is None:
                    found = out[group] = []
                found.append((rid, (status, message, res_scope, res_region)))
        return out
