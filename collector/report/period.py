"""The Type II report: did each control operate throughout the period?

Reads only the database: the period's sealed runs (started on a UTC day of ``start``..``end``,
or up to ``as_of``), each run's *recorded* criteria mapping (never today's), the change index
for per-resource history (see ``collector.report.history``), and the attachments. Identical
inputs give an identical report: nothing depends on the clock or on iteration order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fnmatch import fnmatchcase

from collector.report.coverage import (
    coverage_status,
    gap_and_stale,
    pass_rate,
    scheduled_days,
    shortest,
    split_attachments,
)
from collector.report.exceptions import ExceptionInterval, track_exceptions
from collector.report.history import Step, Walker, ensure_index, sealed_chain
from collector.report.model import (
    AttachmentRow,
    CheckRow,
    ControlRow,
    Coverage,
    CriterionRow,
    PeriodReport,
    RunRow,
)
from config.criteria import Catalog
from config.settings import Control, Settings
from storage import Repository, ResultSetRecord, RunRecord
from storage.attachments import AttachmentRecord
from storage.errors import StorageError

logger = logging.getLogger("evidence.report")


class ReportError(ValueError):
    """A report that cannot be made as asked (bad period); one line."""


@dataclass
class _Acc:
    """Evidence gathered for one item while walking the period."""

    collections: set[str] = field(default_factory=set)
    days: set[date] = field(default_factory=set)
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    checks: set[str] = field(default_factory=set)
    criteria: set[str] = field(default_factory=set)

    def add(self, rs: ResultSetRecord, collection: str, day: date) -> None:
        """Count one result set of a run of ``collection`` started on ``day``."""
        self.collections.add(collection)
        self.days.add(day)
        self.checks.add(rs.check_id)
        counts = self.counts
        counts[0] += rs.n_pass
        counts[1] += rs.n_fail
        counts[2] += rs.n_error
        counts[3] += rs.n_na


@dataclass
class _Evidence:
    """What the period's result sets add up to, per check, criterion and control."""

    by_check: dict[str, _Acc] = field(default_factory=dict)
    by_crit: dict[str, _Acc] = field(default_factory=dict)
    by_control: dict[str, _Acc] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    """Check id -> its title in the last run whose mapping gave one."""


def _gather(runs: Sequence[RunRecord], rows: Mapping[str, Sequence[ResultSetRecord]],
            collection: Mapping[str, str], mappings: RunMappings,
            controls: Sequence[Control]) -> _Evidence:
    """Count every result set of ``runs`` (in chain order) for its check, for the criteria
    its run's recorded mapping gives it and for the controls whose patterns match it."""
    ev = _Evidence(by_control={c.id: _Acc() for c in controls})
    by_check, by_crit, titles = ev.by_check, ev.by_crit, ev.titles
    matching: dict[str, list[_Acc]] = {}
    for run in runs:
        coll, day, mapping = collection[run.run_id], run.started_at.date(), mappings.of(run)
        for rs in rows.get(run.run_id, ()):
            cid = rs.check_id
            crit, title = mapping.get(cid, ((), ""))
            titles[cid] = title or titles.get(cid, "")
            acc = by_check.get(cid)
            if acc is None:
                acc = by_check[cid] = _Acc()
                matching[cid] = [ev.by_control[c.id] for c in controls
                                 if any(fnmatchcase(cid, p) for p in c.checks)]
            acc.add(rs, coll, day)
            acc.criteria.update(crit)
            for c in crit:
                found = by_crit.get(c)
                if found is None:
                    found = by_crit[c] = _Acc()
                found.add(rs, coll, day)
            for control_acc in matching[cid]:
                control_acc.add(rs, coll, day)
    return ev


def resolve_period(start: date, end: date, as_of: date | None) -> date:
    """The last day the report covers; ReportError for a period that runs backwards."""
    if start > end:
        raise ReportError(f"--from {start} is after --to {end}")
    if as_of is not None and as_of < start:
        raise ReportError(f"--as-of {as_of} is before --from {start}")
    return min(end, as_of) if as_of is not None else end


def period_runs(chain: list[RunRecord], start: date, last_day: date) -> list[RunRecord]:
    """Sealed runs that started on a day of ``start``..``last_day`` (UTC), in chain order."""
    return [r for r in chain if start <= r.started_at.date() <= last_day]


class RunMappings:
    """Each run's recorded mapping (check id -> criteria, title), read once per hash."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self._cache: dict[str, Mapping[str, tuple[tuple[str, ...], str]]] = {}

    def of(self, run: RunRecord) -> Mapping[str, tuple[tuple[str, ...], str]]:
        found = self._cache.get(run.mapping_sha256)
        if found is None:
            data = json.loads(self.repo.get_blob(run.mapping_sha256))
            found = {cid: (tuple(v["criteria"]), str(v.get("title", "")))
                     for cid, v in data["checks"].items()}
            self._cache[run.mapping_sha256] = found
        return found


def build_period_report(repo: Repository, catalog: Catalog, settings: Settings, start: date,
                        end: date, *, as_of: date | None = None,
                        frequencies: Mapping[str, str] | None = None) -> PeriodReport:
    """The report of ``start``..``end`` (inclusive UTC days) as it stood on ``as_of``.

    ``frequencies`` gives check id -> frequency (from the installed checks) for stale days;
    unknown checks count as daily.
    """
    last_day = resolve_period(start, end, as_of)
    chain = sealed_chain(repo)
    runs = period_runs(chain, start, last_day)
    upto = chain[: chain.index(runs[-1]) + 1] if runs else []
    rows = repo.result_sets_of_runs([r.run_id for r in upto])
    indexed = repo.indexed_sets([r.run_id for r in upto])
    try:
        ensure_index(repo, upto, rows, indexed)
    except StorageError as exc:  # e.g. a read-only replica: walk by parsing blobs instead
        logger.warning("the change index could not be updated (%s); reading result sets", exc)
        indexed = repo.indexed_sets([r.run_id for r in upto])
    mappings = RunMappings(repo)
    collection = {r.run_id: r.collection_id or r.run_id for r in runs}
    complete: dict[str, bool] = {}
    for r in runs:
        complete[collection[r.run_id]] = complete.get(collection[r.run_id], True) and (
            r.status == "complete")
    ev = _gather(runs, rows, collection, mappings, settings.controls)
    by_check, by_crit, by_control, titles = ev.by_check, ev.by_crit, ev.by_control, ev.titles

    def criteria_of(step: Step) -> tuple[str, ...]:
        return mappings.of(step.run).get(step.key[0], ((), ""))[0]

    period_end = datetime.combine(last_day + timedelta(days=1), time(), UTC)
    exceptions = track_exceptions(Walker(repo, runs, rows, indexed), criteria_of, period_end)
    schedule = scheduled_days(settings.schedule, start, last_day)
    expected = sum(schedule.values())
    freq = dict(frequencies or {})
    attachments = [a for a in repo.list_attachments() if a.attached_at.date() <= last_day]
    valid, expired = split_attachments(attachments, last_day)

    def coverage(acc: _Acc, frequency: str, mine: list[ExceptionInterval],
                 counts_days: bool = True) -> Coverage:
        """Gap and stale days only count where automated evidence is expected: in scope, and
        not a manual-only criterion or control without checks."""
        done = sum(1 for c in acc.collections if complete[c])
        gaps, stale = gap_and_stale(acc.days, schedule, start, last_day, frequency)
        p, f, e, na = acc.counts
        return Coverage(expected, done, len(acc.collections) - done,
                        gaps if counts_days else 0, stale if counts_days else 0, p, f, e, na,
                        pass_rate(p, f), len(mine), sum(1 for x in mine if x.fixed_at is None))

    def ids(items: tuple[AttachmentRecord, ...], criteria: set[str]) -> tuple[int, ...]:
        return tuple(a.attachment_id for a in items if a.criterion_id in criteria)

    by_check_exc: dict[str, list[ExceptionInterval]] = {}
    by_crit_exc: dict[str, list[ExceptionInterval]] = {}
    for x in exceptions:
        by_check_exc.setdefault(x.check_id, []).append(x)
        for c in x.criteria:
            by_crit_exc.setdefault(c, []).append(x)
    in_scope = {c.id for c in catalog.in_scope(settings.soc2.categories)}
    controls_of: dict[str, list[str]] = {}
    for control in settings.controls:
        for c in control.criteria:
            controls_of.setdefault(c, []).append(control.id)
    criteria_rows = []
    for crit in catalog:
        acc = by_crit.get(crit.id, _Acc())
        checks = sorted(acc.checks)
        mine = by_crit_exc.get(crit.id, [])
        ok, old = ids(valid, {crit.id}), ids(expired, {crit.id})
        window = shortest([freq.get(c, "daily") for c in checks])
        criteria_rows.append(CriterionRow(
            crit.id, crit.title, crit.category, crit.id in in_scope, crit.evidence_mode,
            tuple(checks), tuple(sorted(controls_of.get(crit.id, []))), ok, old,
            coverage_status(bool(checks), len(ok), crit.evidence_mode),
            coverage(acc, window, mine, crit.id in in_scope
                     and (bool(checks) or crit.evidence_mode != "manual"))))
    check_rows = tuple(
        CheckRow(cid, titles.get(cid, ""), tuple(sorted(acc.criteria)), freq.get(cid, "daily"),
                 coverage(acc, freq.get(cid, "daily"),
                          by_check_exc.get(cid, [])))
        for cid, acc in sorted(by_check.items()))
    control_rows = []
    for control in sorted(settings.controls, key=lambda c: c.id):
        acc = by_control[control.id]
        crits = set(control.criteria)
        ok, old = ids(valid, crits), ids(expired, crits)
        status = coverage_status(bool(acc.checks), len(ok), "manual" if not control.checks
                                 else "automated")
        control_rows.append(ControlRow(
            control.id, control.title, tuple(control.criteria), control.frequency,
            tuple(sorted(acc.checks)), ok, old, status,
            coverage(acc, control.frequency,
                     [x for c in sorted(acc.checks) for x in by_check_exc.get(c, [])],
                     bool(control.checks))))
    return PeriodReport(
        start=start, end=end, as_of=last_day, schedule=settings.schedule,
        categories=tuple(settings.soc2.categories), catalog_version=catalog.version,
        runs_expected=expected, collections=len(complete),
        collections_complete=sum(1 for v in complete.values() if v),
        criteria=tuple(criteria_rows), checks=check_rows, controls=tuple(control_rows),
        exceptions=tuple(exceptions), attachments=tuple(_attachment_rows(attachments, last_day)),
        runs=tuple(_run_row(r, rows.get(r.run_id, ())) for r in runs),
        head_manifest_sha256=runs[-1].manifest_sha256 if runs else None)


def _attachment_rows(attachments: list[AttachmentRecord], on: date) -> list[AttachmentRow]:
    return [AttachmentRow(a.attachment_id, a.criterion_id, a.title, a.filename, a.sha256, a.size,
                          a.attached_by, a.attached_at, a.valid_until, a.expired(on))
            for a in attachments]


def _run_row(run: RunRecord, records: Sequence[ResultSetRecord]) -> RunRow:
    return RunRow(
        run.run_id, run.collection_id, run.chain_seq or 0, run.started_at, run.finished_at,
        run.status, len(records), sum(r.n_pass for r in records),
        sum(r.n_fail for r in records), sum(r.n_error for r in records),
        sum(r.n_na for r in records), run.manifest_sha256 or "")
