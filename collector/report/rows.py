"""The period report's rows, one builder per row type: criteria, checks and controls.

`build_period_report` reads the database once into a `Period` (the schedule, which collections
completed, the gathered evidence, the exceptions, the controls in force and the attachments);
each builder turns it into its rows, with the one coverage rule they share (`Period.coverage`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from collector.report.coverage import coverage_status, gap_and_stale, pass_rate, shortest
from collector.report.daily import day_codes
from collector.report.exceptions import ExceptionInterval
from collector.report.gather import Acc, Evidence
from collector.report.model import CheckRow, ControlRow, Coverage, CriterionRow
from config.criteria import Catalog
from config.settings import Control
from storage.attachments import AttachmentRecord


@dataclass(frozen=True)
class Period:
    """What every row of one report is made from."""

    start: date
    end: date
    last_day: date
    schedule: Mapping[date, int]
    """Day -> collections expected that day (only those due by the report's clock)."""
    complete: Mapping[str, bool]
    """Collection id -> whether every run of it completed."""
    evidence: Evidence
    exceptions: Sequence[ExceptionInterval]
    controls: Sequence[Control]
    in_scope: frozenset[str]
    valid: tuple[AttachmentRecord, ...]
    expired: tuple[AttachmentRecord, ...]
    spans: Mapping[str, Sequence[tuple[date, date | None]]] = field(default_factory=dict)
    """Criterion id -> (attached on, valid until) of its manual evidence."""

    @property
    def expected(self) -> int:
        return sum(self.schedule.values())

    @cached_property
    def by_check(self) -> dict[str, list[ExceptionInterval]]:
        out: dict[str, list[ExceptionInterval]] = {}
        for x in self.exceptions:
            out.setdefault(x.check_id, []).append(x)
        return out

    @cached_property
    def by_criterion(self) -> dict[str, list[ExceptionInterval]]:
        out: dict[str, list[ExceptionInterval]] = {}
        for x in self.exceptions:
            for c in x.criteria:
                out.setdefault(c, []).append(x)
        return out

    def coverage(self, acc: Acc, frequency: str, mine: Sequence[ExceptionInterval],
                 counts_days: bool = True) -> Coverage:
        """Gap and stale days only count where automated evidence is expected: in scope, and
        not a manual-only criterion or control without checks."""
        done = sum(1 for c in acc.collections if self.complete[c])
        gaps, stale = gap_and_stale(acc.days, self.schedule, self.start, self.last_day,
                                    frequency)
        p, f, e, na, fa = acc.counts
        return Coverage(self.expected, done, len(acc.collections) - done,
                        gaps if counts_days else 0, stale if counts_days else 0, p, f, e, na,
                        pass_rate(p, f), len(mine), sum(1 for x in mine if x.fixed_at is None),
                        fa, pass_rate(p, f - fa))

    def attachment_ids(self, criteria: set[str]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(valid, expired) manual evidence attached to any of ``criteria``."""
        def ids(items: tuple[AttachmentRecord, ...]) -> tuple[int, ...]:
            return tuple(a.attachment_id for a in items if a.criterion_id in criteria)

        return ids(self.valid), ids(self.expired)


def criterion_rows(period: Period, catalog: Catalog, frequencies: Mapping[str, str]
                   ) -> tuple[tuple[CriterionRow, ...], dict[str, str]]:
    """A row per criterion of the catalog, and its day codes for the heatmap."""
    controls_of: dict[str, list[str]] = {}
    for control in period.controls:
        for c in control.criteria:
            controls_of.setdefault(c, []).append(control.id)
    rows, daily = [], {}
    for crit in catalog:
        acc = period.evidence.by_crit.get(crit.id, Acc())
        checks = sorted(acc.checks)
        ok, old = period.attachment_ids({crit.id})
        window = shortest([frequencies.get(c, "daily") for c in checks])
        in_scope = crit.id in period.in_scope
        rows.append(CriterionRow(
            crit.id, crit.title, crit.category, in_scope, crit.evidence_mode,
            tuple(checks), tuple(sorted(controls_of.get(crit.id, []))), ok, old,
            coverage_status(bool(checks), len(ok), crit.evidence_mode),
            period.coverage(acc, window, period.by_criterion.get(crit.id, []),
                            in_scope and (bool(checks) or crit.evidence_mode != "manual"))))
        daily[crit.id] = day_codes(period.evidence.per_day.get(crit.id, {}), period.start,
                                   period.end, period.last_day, in_scope=in_scope,
                                   scheduled=period.schedule,
                                   attached=period.spans.get(crit.id, ()))
    return tuple(rows), daily


def check_rows(period: Period, frequencies: Mapping[str, str],
               remediations: Mapping[str, dict[str, str] | None]) -> tuple[CheckRow, ...]:
    """A row per check with results in the period."""
    return tuple(
        CheckRow(cid, period.evidence.titles.get(cid, ""), tuple(sorted(acc.criteria)),
                 frequencies.get(cid, "daily"),
                 period.coverage(acc, frequencies.get(cid, "daily"), period.by_check.get(cid, [])),
                 remediations.get(cid))
        for cid, acc in sorted(period.evidence.by_check.items()))


def control_rows(period: Period) -> tuple[ControlRow, ...]:
    """A row per control in force (as the period's runs recorded them)."""
    rows = []
    for control in sorted(period.controls, key=lambda c: c.id):
        acc = period.evidence.by_control[control.id]
        ok, old = period.attachment_ids(set(control.criteria))
        status = coverage_status(bool(acc.checks), len(ok), "manual" if not control.checks
                                 else "automated")
        mine = [x for c in sorted(acc.checks) for x in period.by_check.get(c, [])]
        rows.append(ControlRow(
            control.id, control.title, tuple(control.criteria), control.frequency,
            tuple(sorted(acc.checks)), ok, old, status,
            period.coverage(acc, control.frequency, mine, bool(control.checks))))
    return tuple(rows)
