"""Walking the run history cheaply: each result set's per-resource changes, in chain order.

A result set identical to the previous one for the same check x provider x scope x region
(same sha256) changes nothing and is not read. A changed one is read from the change index
(``storage.changes``) when it is indexed against the state we hold, else its blob is parsed (each
distinct blob at most once per walk). :func:`ensure_index` fills the index for every sealed run
that lacks it, which is what the runner would do after sealing a run; the index is derived data,
so building it lazily from a report is safe and idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from storage import Repository, ResultSetRecord, RunRecord
from storage.changes import ABSENT, ChangeState, IndexedSet, ResourceChange, ResultKey

ResourceState = ChangeState
"""(status, message, result scope or "", result region or "") of one resource in a result set."""
State = dict[str, ResourceState]
"""resource id -> its state, for one result set."""

_RANK = {"fail": 0, "error": 1, "pass": 2, "not_applicable": 3}
"""When a result set holds several results for one resource, the worst one stands for it."""
ALL_RUNS = 10**9
INDEX_BATCH = 500
"""Result sets indexed per write transaction."""


def key_of(rs: ResultSetRecord) -> ResultKey:
    """The (check, provider, scope, region) a result set is about."""
    return (rs.check_id, rs.provider, rs.scope, rs.region)


def parse_state(data: bytes) -> State:
    """A result-set blob (the runner's format) as resource id -> state."""
    state: State = {}
    for r in json.loads(data)["results"]:
        item = (str(r["status"]), str(r.get("message") or ""), str(r.get("scope") or ""),
                str(r.get("region") or ""))
        old = state.get(r["resource_id"])
        if old is None or _RANK.get(item[0], 9) < _RANK.get(old[0], 9):
            state[r["resource_id"]] = item
    return state


def diff_states(old: State, new: State) -> list[tuple[str, ResourceState]]:
    """Resources whose state differs, sorted by resource id (``absent`` for ones no longer
    listed: whether that is a deletion or unknown is the reader's call, by the new result set's
    errors; see ``collector.report.exceptions.observe``)."""
    out = [(rid, s) for rid, s in new.items() if old.get(rid) != s]
    out += [(rid, (ABSENT, "", "", "")) for rid in old if rid not in new]
    return sorted(out)


def sealed_chain(repo: Repository) -> list[RunRecord]:
    """Every sealed run, in chain order."""
    return sorted((r for r in repo.list_runs(ALL_RUNS) if r.sealed), key=lambda r: r.chain_seq or 0)


Indexed = dict[tuple[str, ResultKey], IndexedSet]
"""Sentinels by (run id, key)."""


def ensure_index(repo: Repository, chain: Sequence[RunRecord],
                 rows: Mapping[str, Sequence[ResultSetRecord]],
                 indexed: Indexed | None = None) -> int:
    """Index every changed result set of ``chain`` not yet indexed; return how many were.

    ``indexed`` (the sentinels already stored, read if not given) is updated in place."""
    if indexed is None:
        indexed = repo.indexed_sets([r.run_id for r in chain])
    last: dict[ResultKey, str] = {}
    todo: list[tuple[str, ResultSetRecord, str | None]] = []
    for run in chain:
        for rs in rows.get(run.run_id, ()):
            key = key_of(rs)
            prev = last.get(key)
            if rs.result_set_sha256 != prev and (run.run_id, key) not in indexed:
                todo.append((run.run_id, rs, prev))
            last[key] = rs.result_set_sha256
    current: dict[ResultKey, tuple[str, State]] = {}
    batch: list[tuple[IndexedSet, list[ResourceChange]]] = []
    for run_id, rs, prev in todo:
        key = key_of(rs)
        held = current.get(key)
        if prev is None:
            old: State = {}
        elif held is not None and held[0] == prev:
            old = held[1]
        else:
            old = parse_state(repo.get_blob(prev))
        new = parse_state(repo.get_blob(rs.result_set_sha256))
        current[key] = (rs.result_set_sha256, new)
        changes = [ResourceChange(run_id, key, rid, *s) for rid, s in diff_states(old, new)]
        batch.append((IndexedSet(run_id, key, prev), changes))
        indexed[(run_id, key)] = batch[-1][0]
        if len(batch) >= INDEX_BATCH:
            repo.put_changes(batch)
            batch = []
    repo.put_changes(batch)
    return len(todo)


def update_index(repo: Repository) -> int:
    """Index every sealed run not yet indexed (what the runner should call after sealing a
    run: only that run's changed result sets are parsed); return how many result sets were."""
    chain = sealed_chain(repo)
    return ensure_index(repo, chain, repo.result_sets_of_runs([r.run_id for r in chain]))


class Step(NamedTuple):
    """One result set of the walk and the resources it changed (a named tuple: a year's walk
    makes one per result set of every run)."""

    run: RunRecord
    result_set: ResultSetRecord
    key: ResultKey
    """The result set's (check, provider, scope, region)."""
    changes: tuple[tuple[str, ResourceState], ...]
    """(resource id, new state) for each resource that changed, sorted by resource id."""
    first: bool
    """True for the first result set of its key in the walk (changes = every resource)."""


class Walker:
    """Yields the steps of a sequence of runs (chain order), holding only current states."""

    def __init__(self, repo: Repository, runs: Sequence[RunRecord],
                 rows: Mapping[str, Sequence[ResultSetRecord]],
                 indexed: Indexed | None = None) -> None:
        """Walk ``runs`` (sealed, in chain order) whose result set rows are ``rows``;
        ``indexed`` holds their sentinels when the caller has already read them."""
        self.repo = repo
        self.runs = runs
        self.rows = rows
        ids = [r.run_id for r in runs]
        self._indexed = repo.indexed_sets(ids) if indexed is None else indexed
        self._changes = repo.changes_by_set(ids)
        self.states: dict[ResultKey, State] = {}
        """The current state of every key walked so far."""
        self._shas: dict[ResultKey, str] = {}
        self.blobs_parsed = 0
        """How many result-set blobs the walk had to parse (the rest came from the index)."""

    def __iter__(self) -> Iterator[Step]:
        """The steps, run by run in chain order, result sets in manifest order."""
        states, shas, indexed, stored = self.states, self._shas, self._indexed, self._changes
        for run in self.runs:
            run_id = run.run_id
            for rs in self.rows.get(run_id, ()):
                key = (rs.check_id, rs.provider, rs.scope, rs.region)
                held = shas.get(key)
                sha = rs.result_set_sha256
                if sha == held:
                    yield Step(run, rs, key, (), False)
                    continue
                state = states.get(key)
                first = state is None
                if state is None:
                    state = states[key] = {}
                sentinel = indexed.get((run_id, key))
                if sentinel is not None and sentinel.previous_sha256 == held:
                    changes = sorted(stored.get((run_id, key), ()))
                else:
                    self.blobs_parsed += 1
                    changes = diff_states(state, parse_state(self.repo.get_blob(sha)))
                for rid, s in changes:
                    if s[0] == ABSENT:
                        state.pop(rid, None)
                    else:
                        state[rid] = s
                shas[key] = sha
                yield Step(run, rs, key, tuple(changes), first)
