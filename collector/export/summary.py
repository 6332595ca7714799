"""The period summary a bundle shows (summary.html, summary.csv, OSCAL findings).

Type II: the numbers are the period report's (``collector.report.period.build_period_report``:
coverage, pass rates, exception intervals, gaps), so the bundle and `evidence report` agree.
Type I: the bundle's one run, counted the same way. Either way the per-run points of the
pass-rate chart come from the result-set rows of each run (no blob is read).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from collector.export.intervals import single_run_intervals
from collector.export.model import CriterionRow, ExceptionInterval, PeriodSummary, RunPoint
from collector.export.source import RunReader, Selection
from collector.report.period import build_period_report
from config.criteria import Catalog
from config.settings import Settings

_Counts = dict[str, list[int]]


class _Tally:
    """Per-criterion counts, checks and chart points from the period's result-set rows."""

    def __init__(self, reader: RunReader) -> None:
        self.counts: _Counts = defaultdict(lambda: [0, 0, 0, 0])
        self.points: dict[str, dict[str, list[int]]] = defaultdict(dict)
        self.checks: dict[str, set[str]] = defaultdict(set)
        self.items = list(reader.result_sets()) if reader.selection.kind == "type1" else []
        source = self.items or reader.result_sets()
        for run, rs, crits in source:
            for c in crits:
                self.checks[c].add(rs.check_id)
                total = self.counts[c]
                for i, n in enumerate((rs.n_pass, rs.n_fail, rs.n_error, rs.n_na)):
                    total[i] += n
                point = self.points[c].setdefault(run.run_id, [0, 0])
                point[0] += rs.n_pass
                point[1] += rs.n_fail

    def run_points(self, criterion: str, sel: Selection) -> tuple[RunPoint, ...]:
        when = {r.run_id: r.started_at for r in sel.runs}
        return tuple(RunPoint(rid, when[rid], v[0], v[1])
                     for rid, v in self.points[criterion].items())


def _report_gap(status: str, evidence_mode: str, gap_days: int) -> str:
    reasons = []
    if status == "none":
        reasons.append("no automated check and no valid attachment" + (
            " (needs manual evidence)" if evidence_mode == "manual" else ""))
    elif status == "partial":
        reasons.append("checks cover it, but the manual evidence it also needs has no valid "
                       "attachment")
    if gap_days:
        reasons.append(f"{gap_days} scheduled day(s) without a result")
    return "; ".join(reasons)


def _wanted(sel: Selection, criteria: tuple[str, ...]) -> bool:
    return not sel.criteria or bool(set(criteria) & set(sel.criteria))


def _type2(reader: RunReader, catalog: Catalog, settings: Settings,
           tally: _Tally) -> PeriodSummary:
    sel = reader.selection
    report = build_period_report(reader.repo, catalog, settings, sel.start, sel.end)
    rows = tuple(
        CriterionRow(c.id, c.title, c.category, c.in_scope, c.checks, c.coverage.passed,
                     c.coverage.failed, c.coverage.errors, c.coverage.not_applicable,
                     c.coverage.exceptions,
                     _report_gap(c.status, c.evidence_mode, c.coverage.gap_days)
                     if c.in_scope else "", tally.run_points(c.id, sel))
        for c in report.criteria if not sel.criteria or c.id in sel.criteria)
    exceptions = tuple(
        ExceptionInterval(e.check_id, e.resource_id, e.provider, e.scope, e.region,
                          e.criteria, e.first_seen, e.fixed_at, e.duration_s, e.message,
                          e.fixed_by, e.unknown_s, e.unknown_since)
        for e in report.exceptions if _wanted(sel, e.criteria))
    return PeriodSummary(sel, report.runs_expected, len(sel.runs),
                         sum(1 for r in sel.runs if r.status == "complete"), rows, exceptions,
                         reader.titles())


def _type1(reader: RunReader, catalog: Catalog, settings: Settings,
           tally: _Tally) -> PeriodSummary:
    sel = reader.selection
    in_scope = {c.id for c in catalog.in_scope(settings.soc2.categories)}
    rows = []
    for crit in catalog:
        if sel.criteria and crit.id not in sel.criteria:
            continue
        n_pass, n_fail, n_error, n_na = tally.counts[crit.id]
        checks = tuple(sorted(tally.checks[crit.id]))
        gap = ""
        if crit.id in in_scope and not checks:
            gap = _report_gap("none", crit.evidence_mode, 0)
        rows.append(CriterionRow(crit.id, crit.title, crit.category, crit.id in in_scope, checks,
                                 n_pass, n_fail, n_error, n_na, 0, gap,
                                 tally.run_points(crit.id, sel)))
    end = datetime.combine(sel.end + timedelta(days=1), time(), UTC)
    exceptions = single_run_intervals(reader, tally.items, end)
    per: dict[str, int] = defaultdict(int)
    for e in exceptions:
        for c in e.criteria:
            per[c] += 1
    rows = [replace(r, exceptions=per[r.criterion_id]) for r in rows]
    return PeriodSummary(sel, 1, 1, 1, tuple(rows), exceptions, reader.titles())


def summarise_period(reader: RunReader, catalog: Catalog, settings: Settings) -> PeriodSummary:
    """Compute the summary of ``reader``'s selection."""
    tally = _Tally(reader)
    if reader.selection.kind == "type1":
        return _type1(reader, catalog, settings, tally)
    return _type2(reader, catalog, settings, tally)
