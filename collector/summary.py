"""A run's outcome per check and per SOC 2 criterion (the tables `collect` and `demo` print)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from collector.mapping import criteria_by_check, titles_by_check
from collector.results import result_rows
from collector.risks.book import RiskBook
from storage import Repository
from storage.records import RunRecord


@dataclass
class Tally:
    """Result counts by status."""

    passed: int = 0
    failed: int = 0
    errors: int = 0
    not_applicable: int = 0
    checks: set[str] = field(default_factory=set)
    accepted: int = 0
    """Of `failed`, those covered by an accepted risk in force (they stay failures)."""

    def add(self, other: Tally) -> None:
        self.passed += other.passed
        self.failed += other.failed
        self.errors += other.errors
        self.not_applicable += other.not_applicable
        self.accepted += other.accepted

    @property
    def verdict(self) -> str:
        if self.errors:
            return "error"
        if self.failed:
            return "fail"
        if self.passed:
            return "pass"
        return "n/a" if self.not_applicable else "no resources"

    @property
    def pass_rate(self) -> float | None:
        judged = self.passed + self.failed
        return self.passed / judged if judged else None


@dataclass(frozen=True)
class RunSummary:
    run: RunRecord
    by_check: dict[str, Tally]
    by_criterion: dict[str, Tally]
    titles: dict[str, str]
    criteria: dict[str, tuple[str, ...]]

    @property
    def total(self) -> Tally:
        t = Tally()
        for tally in self.by_check.values():
            t.add(tally)
        return t


def summarise(repo: Repository, run: RunRecord, risks: RiskBook | None = None) -> RunSummary:
    """Counts per check and criterion; with `risks`, failures they cover are counted as
    accepted too (still failures)."""
    blob = repo.get_blob(run.mapping_sha256)
    mapping, titles = criteria_by_check(blob), titles_by_check(blob)
    by_check: dict[str, Tally] = defaultdict(Tally)
    for rs in repo.result_sets(run.run_id):
        by_check[rs.check_id].add(Tally(rs.n_pass, rs.n_fail, rs.n_error, rs.n_na))
    if risks:
        for row in result_rows(repo, run):
            if row.accepted_by(risks):
                by_check[row.check_id].accepted += 1
    by_criterion: dict[str, Tally] = defaultdict(Tally)
    for check_id, tally in by_check.items():
        for crit in mapping.get(check_id, ()):
            by_criterion[crit].add(tally)
            by_criterion[crit].checks.add(check_id)
    return RunSummary(run, dict(sorted(by_check.items())), dict(by_criterion), dict(titles),
                      dict(mapping))
