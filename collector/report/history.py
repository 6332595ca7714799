"""Walking the run history cheaply: each result set's per-resource changes, in chain order.

A result set identical to the previous one for the same check x provider x scope x region
(same sha256) changes nothing and is not read. A changed one is read from the change index
(``storage.changes``) when it is indexed against the state we hold, else its blob is parsed (each
distinct blob at most once per walk). Sealing a run writes its index rows and seals their digest
(``storage.index``), so every sealed run is indexed and a report never writes the index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from storage import Repository, ResultSetRecord, RunRecord
from storage.changes import ABSENT, ChangeState, IndexedSet, ResultKey
from storage.index import parse_state

ResourceState = ChangeState
"""(status, message, result scope or "", result region or "") of one resource in a result set."""
State = dict[str, ResourceState]
"""resource id -> its state, for one result set."""

ALL_RUNS = 10**9


def key_of(rs: ResultSetRecord) -> ResultKey:
    """The (check, provider, scope, region) a result set is about."""
    return (rs.check_id, rs.provider, rs.scope, rs.region)


def diff_states(old: State, new: State) -> list[tuple[str, ResourceState]]:
    """Resources whose state differs, sorted by resource id (``absent`` for ones no longer
    listed: whether that is a deletion or unknown is the reader's call, by the new result set's
    errors; see ``collector.report.exceptions.observe``)."""
    out = [(rid, s) for rid, s in new.items() if old.get(rid) != s]
    out += [(rid, (ABSENT, "", "", "")) for rid in old if rid not in new]
    return sorted(out)


Indexed = dict[tuple[str, ResultKey], IndexedSet]
"""Sentinels by (run id, key)."""


def sealed_chain(repo: Repository) -> list[RunRecord]:
    """Every sealed run, in chain order."""
    return sorted((r for r in repo.list_runs(ALL_RUNS) if r.sealed), key=lambda r: r.chain_seq or 0)


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
