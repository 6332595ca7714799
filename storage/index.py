"""The change index, sealed: each run's index rows are computed when it is sealed and their
digest is sealed with it, so the index is verified (cheaply) before anything reads it.

The rows are those described in :mod:`storage.changes`: for each result set whose sha256
differs from the previous one of the same check x provider x scope x region in chain order, a
sentinel (``resource_id`` empty, ``status`` the previous result set's sha256 or ``-``) and one
row per resource whose state changed (``absent`` when it disappeared). The digest of a run's
rows is :func:`digest` of them; a run sealed from schema 0005 on records it in its manifest as
``changes_sha256``. For runs sealed before, migration 0005 rebuilt the index from the result sets
and recorded every such run's digest in one ledger entry of kind ``change_index``.

A read of the index for some runs (:meth:`storage.changes.ChangeStore.indexed_sets` and
friends) first checks each run's manifest still hashes to its sealed hash, then that its rows
hash to the sealed digest; otherwise :class:`storage.errors.IndexTampered` names the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from storage.blobs import chunks, read_blob
from storage.canonical import sha256_hex
from storage.errors import IndexTampered, StorageError
from storage.models import ResultChange, Run, table_of
from storage.records import ResultSetRecord, RunRecord
from storage.sealed import RunReader

ABSENT = "absent"
NO_PREVIOUS = "-"
KIND_INDEX_DIGESTS = "change_index"
"""Ledger kind of the digests of runs sealed before schema 0005."""
WALK_BATCH = 64

Key = tuple[str, str, str, str]
Row = tuple[str, str, str, str, str, str, str, str, str]
"""(check_id, provider, scope, region, resource_id, status, message, result_scope,
result_region): one index row, the order :func:`digest` hashes."""
COLUMNS = ("check_id", "provider", "scope", "region", "resource_id", "status", "message",
           "result_scope", "result_region")
_RANK = {"fail": 0, "error": 1, "pass": 2, "not_applicable": 3}
State = dict[str, tuple[str, str, str, str]]


def digest(rows: Iterable[Sequence[str]]) -> str:
    """The digest of a run's index rows (any order): sha256 of their sorted JSON array."""
    ordered = sorted(tuple(r) for r in rows)
    return sha256_hex(json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode())


EMPTY = digest(())
"""The digest of a run that changed nothing."""


def parse_state(data: bytes) -> State:
    """A result-set blob as resource id -> (status, message, scope, region), the worst result
    standing for a resource that has several (as the report's walk reads it); empty for bytes
    that are not a result set in the runner's format."""
    state: State = {}
    try:
        results = json.loads(data)["results"]
        assert isinstance(results, list) and all(isinstance(r, dict) for r in results)
    except (ValueError, TypeError, KeyError, AssertionError):
        return state  # not the runner's format: only the sentinel is indexed
    for r in results:
        item = (str(r["status"]), str(r.get("message") or ""), str(r.get("scope") or ""),
                str(r.get("region") or ""))
        old = state.get(r["resource_id"])
        if old is None or _RANK.get(item[0], 9) < _RANK.get(old[0], 9):
            state[r["resource_id"]] = item
    return state


def _state(conn: Connection, sha: str | None, cache: dict[str, State]) -> State:
    if sha is None:
        return {}
    if sha not in cache:
        data = read_blob(conn, sha)
        if data is None:
            raise StorageError(f"result set {sha} is missing")
        cache[sha] = parse_state(data)
    return cache[sha]


def set_rows(key: Key, previous: str | None, old: State, new: State) -> list[Row]:
    """The sentinel and per-resource rows of one changed result set."""
    rows: list[Row] = [(*key, "", previous or NO_PREVIOUS, "", "", "")]
    rows += [(*key, rid, *s) for rid, s in new.items() if old.get(rid) != s]
    rows += [(*key, rid, ABSENT, "", "", "") for rid in old if rid not in new]
    return rows


def previous_sets(conn: Connection, reader: RunReader, keys: set[Key], before: int
                  ) -> dict[Key, str]:
    """The last result set sha256 of each key among sealed runs at chain positions < ``before``
    (walking back from ``before - 1`` until every key is found)."""
    found: dict[Key, str] = {}
    hi = before - 1
    while hi >= 1 and len(found) < len(keys):
        lo = max(1, hi - WALK_BATCH + 1)
        rows = conn.execute(select(table_of(Run)).where(Run.chain_seq.between(lo, hi))
                            .order_by(Run.chain_seq.desc())).all()
        reader.prefetch(rows)
        for row in rows:
            for rs in reader.records(row)[1]:
                key = (rs.check_id, rs.provider, rs.scope, rs.region)
                if key in keys and key not in found:
                    found[key] = rs.result_set_sha256
        hi = lo - 1
    return found


def run_rows(conn: Connection, results: Sequence[ResultSetRecord], previous: dict[Key, str],
             cache: dict[str, State]) -> list[Row]:
    """The index rows of a run whose result sets are ``results``, given each key's previous
    result set; ``previous`` is updated to this run's."""
    rows: list[Row] = []
    for rs in results:
        key = (rs.check_id, rs.provider, rs.scope, rs.region)
        prev = previous.get(key)
        if rs.result_set_sha256 != prev:
            old = _state(conn, prev, cache)
            rows += set_rows(key, prev, old, _state(conn, rs.result_set_sha256, cache))
        previous[key] = rs.result_set_sha256
    return rows


def write_rows(conn: Connection, run_id: str, rows: Sequence[Row]) -> None:
    """Replace a run's index rows (inside the caller's transaction)."""
    table = table_of(ResultChange)
    conn.execute(delete(table).where(ResultChange.run_id == run_id))
    for batch in chunks([{"run_id": run_id, **dict(zip(COLUMNS, r, strict=True))}
                         for r in rows]):
        conn.execute(insert(table), list(batch))


def index_at_seal(conn: Connection, run: RunRecord, results: Sequence[ResultSetRecord],
                  seq: int) -> str:
    """Compute and store the index rows of a run being sealed at chain position ``seq``;
    return their digest (what the run's manifest seals)."""
    reader = RunReader(conn)
    keys = {(rs.check_id, rs.provider, rs.scope, rs.region) for rs in results}
    previous = previous_sets(conn, reader, keys, seq)
    rows = run_rows(conn, results, previous, {})
    write_rows(conn, run.run_id, rows)
    return digest(rows)


def read_rows(conn: Connection, run_ids: Sequence[str]) -> dict[str, list[Row]]:
    """Every index row of these runs, by run."""
    c = ResultChange
    query = select(c.run_id, c.check_id, c.provider, c.scope, c.region, c.resource_id,
                   c.status, c.message, c.result_scope, c.result_region)
    out: dict[str, list[Row]] = {r: [] for r in run_ids}
    for batch in chunks(list(run_ids)):
        for row in conn.execute(query.where(c.run_id.in_(batch))):
            out[row[0]].append(tuple(row[1:]))
    return out


def check_rows(rows: dict[str, list[Row]], sealed: dict[str, str]) -> None:
    """Raise IndexTampered for the first run whose rows do not hash to its sealed digest."""
    for run_id, found in rows.items():
        if digest(found) != sealed[run_id]:
            raise IndexTampered(
                f"the change index of run {run_id} no longer matches the digest sealed with it "
                f"({len(found)} row(s)): it was edited; the report and export stop here")


def legacy_digests(entries: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """run id -> (manifest sha256, index digest) from ``change_index`` ledger entries."""
    out: dict[str, tuple[str, str]] = {}
    for entry in entries:
        if entry.kind == KIND_INDEX_DIGESTS:
            for run_id, manifest, sealed in entry.body["runs"]:
                out[str(run_id)] = (str(manifest), str(sealed))
    return out


def rebuild_all(conn: Connection) -> list[list[str]]:
    """Rebuild the whole index from the result sets, in chain order (migration 0005: the rows
    that existed were outside the chain, so none is trusted); return ``[run id, manifest sha256,
    digest]`` for every sealed run."""
    reader = RunReader(conn)
    conn.execute(delete(table_of(ResultChange)))
    runs = conn.execute(select(table_of(Run)).where(Run.chain_seq.is_not(None))
                        .order_by(Run.chain_seq)).all()
    previous: dict[Key, str] = {}
    cache: dict[str, State] = {}
    out: list[list[str]] = []
    for batch in chunks(runs, WALK_BATCH):
        reader.prefetch(batch)
        for row in batch:
            results = reader.records(row)[1]
            rows = run_rows(conn, results, previous, cache)
            write_rows(conn, row.run_id, rows)
            out.append([row.run_id, row.manifest_sha256, digest(rows)])
        live = set(previous.values())
        for sha in [s for s in cache if s not in live]:
            del cache[sha]  # keep only the states later runs may diff against
    return out
