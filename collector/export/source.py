"""Which runs a bundle holds: the period's runs, and the contiguous stretch of chain around them.

Type II (``--from/--to``): every sealed run that started on a day of the period (UTC), whatever
its final status (a partial run's results are still evidence). Type I (``--as-of``): the latest
*complete* run that started on or before the day. Either way the bundle's ``runs/`` holds the
contiguous chain from the first to the last selected run, so every link can be checked offline
(a run sealed in between but started outside the period is carried for the chain only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from storage import Repository, ResultSetRecord, RunRecord

Kind = Literal["type1", "type2"]


class ExportError(Exception):
    """What was asked cannot be exported (no run in the period...): one line for the user."""


ALL_RUNS = 10**9
"""``list_runs`` limit meaning "every run"."""
RUN_BATCH = 32
"""Runs whose result-set rows are read in one query (memory stays one batch deep)."""


@dataclass(frozen=True)
class CheckInfo:
    """What a run's recorded mapping says about one check."""

    criteria: tuple[str, ...]
    """Criteria in force for the check in that run."""
    title: str
    """The check's title (its docstring's first line)."""


@dataclass(frozen=True)
class Selection:
    """The runs an export covers."""

    kind: Kind
    """``type2`` (a period) or ``type1`` (a point in time)."""
    start: date
    """First day of the period (Type I: the day of the run)."""
    end: date
    """Last day of the period (Type I: the ``--as-of`` day)."""
    runs: tuple[RunRecord, ...]
    """Runs whose results the bundle reports, in chain order."""
    chain: tuple[RunRecord, ...]
    """Contiguous sealed runs from the first to the last of ``runs`` (``runs/`` in the bundle)."""
    criteria: tuple[str, ...]
    """Criteria the export is restricted to (empty: all)."""

    @property
    def head(self) -> RunRecord:
        """The last run of the bundle's chain."""
        return self.chain[-1]


def _sealed(repo: Repository) -> list[RunRecord]:
    runs = [r for r in repo.list_runs(ALL_RUNS) if r.sealed]
    return sorted(runs, key=lambda r: r.chain_seq or 0)


def _chain_between(sealed: list[RunRecord], first: RunRecord, last: RunRecord) -> tuple[
        RunRecord, ...]:
    lo, hi = first.chain_seq or 0, last.chain_seq or 0
    return tuple(r for r in sealed if lo <= (r.chain_seq or 0) <= hi)


def select_period(repo: Repository, start: date, end: date,
                  criteria: tuple[str, ...] = ()) -> Selection:
    """Type II: every sealed run started between ``start`` and ``end`` (inclusive, UTC days)."""
    if end < start:
        raise ExportError(f"--to {end} is before --from {start}")
    sealed = _sealed(repo)
    runs = tuple(r for r in sealed if start <= r.started_at.date() <= end)
    if not runs:
        raise ExportError(f"no sealed run started between {start} and {end} (see `evidence runs`)")
    return Selection("type2", start, end, runs, _chain_between(sealed, runs[0], runs[-1]),
                     criteria)


def select_as_of(repo: Repository, as_of: date, criteria: tuple[str, ...] = ()) -> Selection:
    """Type I: the latest complete run started on or before ``as_of`` (UTC day)."""
    sealed = _sealed(repo)
    done = [r for r in sealed if r.status == "complete" and r.started_at.date() <= as_of]
    if not done:
        raise ExportError(f"no complete run on or before {as_of} (see `evidence runs`)")
    run = max(done, key=lambda r: (r.started_at, r.chain_seq or 0))
    return Selection("type1", run.started_at.date(), as_of, (run,), (run,), criteria)


class RunReader:
    """Reads the period's result sets with each run's recorded mapping (cached by hash)."""

    def __init__(self, repo: Repository, selection: Selection) -> None:
        """Read from ``repo`` the runs of ``selection``."""
        self.repo = repo
        self.selection = selection
        self._mappings: dict[str, Mapping[str, CheckInfo]] = {}

    def mapping(self, run: RunRecord) -> Mapping[str, CheckInfo]:
        """The mapping the run recorded: check id -> criteria and title."""
        cached = self._mappings.get(run.mapping_sha256)
        if cached is None:
            data = json.loads(self.repo.get_blob(run.mapping_sha256))
            cached = {cid: CheckInfo(tuple(v["criteria"]), str(v.get("title", "")))
                      for cid, v in data["checks"].items()}
            self._mappings[run.mapping_sha256] = cached
        return cached

    def criteria_of(self, run: RunRecord, check_id: str) -> tuple[str, ...]:
        """The criteria a check counted for in ``run``, restricted to the selection's."""
        info = self.mapping(run).get(check_id)
        found = info.criteria if info else ()
        wanted = self.selection.criteria
        return tuple(c for c in found if c in wanted) if wanted else found

    def result_sets(self) -> Iterator[tuple[RunRecord, ResultSetRecord, tuple[str, ...]]]:
        """Every result set of the period's runs with its criteria, in chain then manifest order.

        With a criteria restriction, result sets of checks outside it are skipped.
        """
        runs = self.selection.runs
        for start in range(0, len(runs), RUN_BATCH):
            batch = runs[start:start + RUN_BATCH]
            records = self.repo.result_sets_of_runs([r.run_id for r in batch])
            for run in batch:
                for rs in records[run.run_id]:
                    crit = self.criteria_of(run, rs.check_id)
                    if crit or not self.selection.criteria:
                        yield run, rs, crit

    def titles(self) -> dict[str, str]:
        """Check id -> title, the latest run's title winning."""
        out: dict[str, str] = {}
        for run in self.selection.runs:
            for cid, info in self.mapping(run).items():
                out[cid] = info.title
        return out
