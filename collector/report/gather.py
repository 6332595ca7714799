"""Adding up a period's result sets per check, criterion and control (and per criterion per day).

Counts come from the result-set rows (``n_pass``, ``n_fail``...), never from blobs; accepted
failures from the walk (``collector.report.accepted``), which runs first. Each run is counted
with the criteria mapping it recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase

from collector.report.accepted import Acceptance
from config.settings import Control
from storage import Repository, ResultSetRecord, RunRecord


@dataclass
class Acc:
    """Evidence gathered for one item while walking the period."""

    collections: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    """passed, failed, errors, not applicable, failed and accepted."""
    checks: set[str] = field(default_factory=set)
    criteria: set[str] = field(default_factory=set)

    def add(self, rs: ResultSetRecord, collection: str, day: date, accepted: int) -> None:
        """Count one result set of a run of ``collection`` started on ``day``."""
        self.collections.add(collection)
        self.days.add(day)
        self.checks.add(rs.check_id)
        counts = self.counts
        counts[0] += rs.n_pass
        counts[1] += rs.n_fail
        counts[2] += rs.n_error
        counts[3] += rs.n_na
        counts[4] += accepted


@dataclass
class Evidence:
    """What the period's result sets add up to, per check, criterion and control."""

    by_check: dict[str, Acc] = field(default_factory=dict)
    by_crit: dict[str, Acc] = field(default_factory=dict)
    by_control: dict[str, Acc] = field(default_factory=dict)
    per_day: dict[str, dict[date, list[int]]] = field(default_factory=dict)
    """Criterion -> day -> [passed, failed, errors, failed and accepted]."""
    titles: dict[str, str] = field(default_factory=dict)
    """Check id -> its title in the last run whose mapping gave one."""


class RunMappings:
    """Each run's recorded mapping (check id -> criteria, title), read once per hash."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._cache: dict[str, Mapping[str, tuple[tuple[str, ...], str]]] = {}

    def of(self, run: RunRecord) -> Mapping[str, tuple[tuple[str, ...], str]]:
        """The mapping ``run`` recorded."""
        found = self._cache.get(run.mapping_sha256)
        if found is None:
            data = json.loads(self.repo.get_blob(run.mapping_sha256))
            found = {cid: (tuple(v["criteria"]), str(v.get("title", "")))
                     for cid, v in data["checks"].items()}
            self._cache[run.mapping_sha256] = found
        return found


def gather(runs: Sequence[RunRecord], rows: Mapping[str, Sequence[ResultSetRecord]],
           collection: Mapping[str, str], mappings: RunMappings,
           controls: Sequence[Control], acceptance: Acceptance) -> Evidence:
    """Count every result set of ``runs`` (in chain order) for its check, for the criteria
    its run's recorded mapping gives it and for the controls whose patterns match it."""
    ev = Evidence(by_control={c.id: Acc() for c in controls})
    by_check, by_crit, titles, per_day = ev.by_check, ev.by_crit, ev.titles, ev.per_day
    matching: dict[str, list[Acc]] = {}
    count = acceptance.accepted if acceptance.counts else None  # no accepted failure
    for run in runs:
        coll, day, mapping = collection[run.run_id], run.started_at.date(), mappings.of(run)
        for rs in rows.get(run.run_id, ()):
            cid = rs.check_id
            crit, title = mapping.get(cid, ((), ""))
            titles[cid] = title or titles.get(cid, "")
            accepted = count(run.run_id, rs) if count is not None and rs.n_fail else 0
            acc = by_check.get(cid)
            if acc is None:
                acc = by_check[cid] = Acc()
                matching[cid] = [ev.by_control[c.id] for c in controls
                                 if any(fnmatchcase(cid, p) for p in c.checks)]
            acc.add(rs, coll, day, accepted)
            acc.criteria.update(crit)
            for c in crit:
                found = by_crit.get(c)
                if found is None:
                    found = by_crit[c] = Acc()
                    per_day[c] = {}
                found.add(rs, coll, day, accepted)
                today = per_day[c].get(day)
                if today is None:
                    today = per_day[c][day] = [0, 0, 0, 0]
                today[0] += rs.n_pass
                today[1] += rs.n_fail
                today[2] += rs.n_error
                today[3] += accepted
            for control_acc in matching[cid]:
                control_acc.add(rs, coll, day, accepted)
    return ev
