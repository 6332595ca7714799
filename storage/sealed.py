"""Reading runs whichever way they are kept: staged rows, packed (sealed) or legacy.

* A **running** run's scopes and result sets are rows in ``run_scopes`` / ``run_results``.
* A run **sealed** by this version is packed (:mod:`storage.packing`): its rows are gone and its
  ``runs`` row names a contents blob and holds its timings.
* A run sealed before schema revision 0004 keeps its rows and its stored manifest bytes.

A :class:`RunReader` is bound to one connection and parses each shared blob once, so reading
a year of runs of an unchanged estate parses one contents blob, not 365.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from storage.blobs import chunks, read_blob, read_blobs
from storage.errors import RunNotFound, StorageError
from storage.models import Run, RunResult, RunScope, table_of
from storage.packing import (
    contents_of,
    header_of,
    index_hashes,
    index_of,
    sealed_record,
    timings_of,
    unpack,
)
from storage.records import ResultSetRecord, RunRecord, ScopeRecord
from storage.rows import result_record, run_record, scope_record

Records = tuple[list[ScopeRecord], list[ResultSetRecord]]


class RunReader:
    """Loads runs and their records through one connection, caching parsed shared blobs."""

    def __init__(self, conn: Connection) -> None:
        """Read through ``conn`` (inside the caller's transaction)."""
        self._conn = conn
        self._contents: dict[str, dict[str, Any]] = {}
        self._indexes: dict[str, list[dict[str, Any]]] = {}
        self._manifests: dict[int, str] = {}
        """manifest_sha256 by chain_seq, for the ``prev_sha256`` of packed runs."""

    def _blob(self, sha: str, what: str) -> bytes:
        data = read_blob(self._conn, sha)
        if data is None:
            raise StorageError(f"{what} {sha} is missing")
        return data

    def prefetch(self, rows: Iterable[Any], *, indexes: bool = True) -> None:
        """Read the contents (and result index) blobs of many packed runs in a few queries."""
        wanted = {r.contents_sha256 for r in rows if r.contents_sha256 is not None}
        for sha, data in read_blobs(self._conn, wanted - set(self._contents)).items():
            self._contents[sha] = contents_of(data, sha)
        if not indexes:
            return
        wanted_indexes = {i for sha in wanted if sha in self._contents
                   for i in index_hashes(self._contents[sha])}
        for sha, data in read_blobs(self._conn, wanted_indexes - set(self._indexes)).items():
            self._indexes[sha] = index_of(data, sha)

    def contents(self, sha: str) -> dict[str, Any]:
        """The parsed run contents blob ``sha`` (hash-checked)."""
        if sha not in self._contents:
            self._contents[sha] = contents_of(self._blob(sha, "run contents"), sha)
        return self._contents[sha]

    def index(self, sha: str) -> list[dict[str, Any]]:
        """The parsed result index blob ``sha`` (hash-checked)."""
        if sha not in self._indexes:
            self._indexes[sha] = index_of(self._blob(sha, "result index"), sha)
        return self._indexes[sha]

    def _prev(self, seq: int) -> str | None:
        """The manifest hash of the sealed run before chain position ``seq``."""
        if seq == 1:
            return None
        if seq - 1 not in self._manifests:
            query = select(Run.manifest_sha256).where(Run.chain_seq == seq - 1)
            found = self._conn.execute(query).scalar_one_or_none()
            if found is None:
                raise StorageError(f"the sealed run at chain position {seq - 1} is missing")
            self._manifests[seq - 1] = found
        return self._manifests[seq - 1]

    def run(self, row: Any) -> RunRecord:
        """The RunRecord of a ``runs`` row, completed for a packed run (see storage.packing)."""
        record = run_record(row)
        if row.contents_sha256 is None:
            return record
        header = header_of(self.contents(row.contents_sha256))
        timings = timings_of(row.run_id, row.timings)
        return sealed_record(record, header, timings, self._prev(row.chain_seq))

    def records(self, row: Any, run: RunRecord | None = None) -> Records:
        """A run's scopes and result sets, each in manifest order, however they are kept
        (``run``: the row's record when the caller already has it)."""
        if row.contents_sha256 is None:
            return staged_records(self._conn, row.run_id)
        run = run or self.run(row)
        timings = timings_of(row.run_id, row.timings)
        return unpack(run, self.contents(row.contents_sha256), timings, self.index)

    def runs(self, rows: Iterable[Any]) -> list[RunRecord]:
        """RunRecords of many ``runs`` rows, in order (previous hashes fetched in bulk)."""
        rows = list(rows)
        self.prefetch(rows, indexes=False)
        self._manifests.update((int(r.chain_seq), str(r.manifest_sha256))
                               for r in rows if r.chain_seq is not None)
        wanted = sorted({r.chain_seq - 1 for r in rows if r.contents_sha256 is not None}
                        - set(self._manifests) - {0})
        for batch in chunks(wanted):
            query = select(Run.chain_seq, Run.manifest_sha256).where(Run.chain_seq.in_(batch))
            for seq, sha in self._conn.execute(query):
                if seq is not None and sha is not None:
                    self._manifests[seq] = sha
        return [self.run(row) for row in rows]


def run_row(conn: Connection, run_id: str, *, lock: bool = False) -> Any:
    """The ``runs`` row of ``run_id`` (``FOR UPDATE`` when ``lock``); RunNotFound if absent."""
    query = select(table_of(Run)).where(Run.run_id == run_id)
    row = conn.execute(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise RunNotFound(f"no run {run_id!r} in the evidence database")
    return row


def staged_records(conn: Connection, run_id: str) -> Records:
    """A run's scope and result set rows (a running or legacy run), in manifest order."""
    scopes = [scope_record(r) for r in conn.execute(
        select(table_of(RunScope)).where(RunScope.run_id == run_id))]
    results = [result_record(r) for r in conn.execute(
        select(table_of(RunResult)).where(RunResult.run_id == run_id))]
    return sorted(scopes, key=ScopeRecord.sort_key), sorted(results, key=ResultSetRecord.sort_key)


def load_records(conn: Connection, run_id: str) -> Records:
    """A run's scopes and result sets, in manifest order, however the run is kept."""
    return RunReader(conn).records(run_row(conn, run_id))
