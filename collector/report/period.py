"""The Type II report: did each control operate throughout the period?

Reads only the database: the period's sealed runs (started on a UTC day of ``start``..``end``,
or up to ``as_of``), each run's *recorded* criteria mapping (never today's), the change index
for per-resource history (see ``collector.report.history``), the attachments and the accepted
risks (``collector.report.accepted``). Identical inputs give an identical report: nothing
depends on iteration order, and the clock only ends a period still in progress (days and
scheduled collections still to come are neither expected nor gaps; ``now`` can be given); there
an exception still open is measured to the latest collection due (or the latest run's end).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from collector.mapping import controls_in_force
from collector.report.accepted import Acceptance, known_on
from collector.report.coverage import (
    coverage_status,
    gap_and_stale,
    last_slot,
    pass_rate,
    scheduled_days,
    shortest,
    split_attachments,
)
from collector.report.daily import (
    CODES,
    attached_spans,
    categories,
    day_codes,
    progress,
    time_to_fix,
)
from collector.report.exceptions import ExceptionInterval, track_exceptions
from collector.report.gather import Acc, RunMappings, gather
from collector.report.history import Step, Walker, sealed_chain
from collector.report.model import (
    AttachmentRow,
    CheckRow,
    ControlRow,
    Coverage,
    CriterionRow,
    Daily,
    PeriodReport,
    RunRow,
)
from collector.risks.book import RiskBook
from collector.risks.store import load_book
from config.criteria import Catalog
from config.settings import Settings
from storage import Repository, ResultSetRecord, RunRecord
from storage.attachments import AttachmentRecord

__all__ = ["ReportError", "RunMappings", "build_period_report", "period_runs", "resolve_period"]


class ReportError(ValueError):
    """A report that cannot be made as asked (bad period); one line."""


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


def build_period_report(repo: Repository, catalog: Catalog, settings: Settings, start: date,
                        end: date, *, as_of: date | None = None,
                        frequencies: Mapping[str, str] | None = None,
                        remediations: Mapping[str, dict[str, str] | None] | None = None,
                        now: datetime | None = None, book: RiskBook | None = None,
                        only_run: RunRecord | None = None) -> PeriodReport:
    """The report of ``start``..``end`` (inclusive UTC days) as it stood on ``as_of``.

    ``now`` (UTC; default: the clock, or the latest run of the period when that started
    later) ends a period in progress: later days are neither expected nor gaps.
    ``frequencies`` gives check id -> frequency (from the installed checks) for stale days;
    unknown checks count as daily.
    ``remediations`` gives check id -> remediation (``Remediation.as_json()``) of the
    installed checks. ``book`` holds the accepted risks (default: the database's).
    ``only_run``: a one-run report (a Type I bundle): that run alone is read and expected.
    """
    chain = [only_run] if only_run is not None else sealed_chain(repo)
    clock = (now or datetime.now(UTC)).astimezone(UTC)
    # a run of the period stamped later than the clock (a skewed host) proves its time came
    clock = max([clock, *(r.started_at for r in chain if start <= r.started_at.date() <= end)])
    today = clock.date()
    last_day = min(resolve_period(start, end, as_of), today)
    if only_run is not None:  # one run, no history: its blobs are read, the index untouched
        runs = upto = [only_run]
        schedule = {only_run.started_at.date(): 1}
    else:
        runs = period_runs(chain, start, last_day)
        upto = chain[: chain.index(runs[-1]) + 1] if runs else []
        schedule = scheduled_days(settings.schedule, start, last_day,
                                  clock if today <= last_day else None)
    rows = repo.result_sets_of_runs([r.run_id for r in upto])
    indexed = repo.indexed_sets([r.run_id for r in upto])
    mappings = RunMappings(repo)
    collection = {r.run_id: r.collection_id or r.run_id for r in runs}
    complete: dict[str, bool] = {}
    for r in runs:
        complete[collection[r.run_id]] = complete.get(collection[r.run_id], True) and (
            r.status == "complete")
    acceptance = Acceptance(repo, known_on(load_book(repo) if book is None else book,
                                           last_day))

    def criteria_of(step: Step) -> tuple[str, ...]:
        return mappings.of(step.run).get(step.key[0], ((), ""))[0]

    # still-open exceptions run to the end of the last day; while that has not come, to the
    # latest collection due or the end of the latest run, whichever is later (not the minute
    # the report is made: the same database gives the same report until a collection is due)
    day_end = datetime.combine(last_day + timedelta(days=1), time(), UTC)
    due = [last_slot(settings.schedule, start, clock) if only_run is None else None,
           *(r.finished_at or r.started_at for r in runs)]
    period_end = day_end if clock >= day_end else min(
        day_end, max((t for t in due if t is not None), default=clock))
    walk = acceptance.watch(Walker(repo, runs, rows, indexed), criteria_of)
    exceptions = acceptance.annotate(track_exceptions(walk, criteria_of, period_end))
    controls = controls_in_force(repo, runs, settings.controls)  # as the runs recorded them
    ev = gather(runs, rows, collection, mappings, controls, acceptance)
    by_check, by_crit, by_control, titles = ev.by_check, ev.by_crit, ev.by_control, ev.titles
    expected = sum(schedule.values())
    freq = dict(frequencies or {})
    fixes = dict(remediations or {})
    attachments = [a for a in repo.list_attachments() if a.attached_at.date() <= last_day]
    valid, expired = split_attachments(attachments, last_day)

    def coverage(acc: Acc, frequency: str, mine: list[ExceptionInterval],
                 counts_days: bool = True) -> Coverage:
        """Gap and stale days only count where automated evidence is expected: in scope, and
        not a manual-only criterion or control without checks."""
        done = sum(1 for c in acc.collections if complete[c])
        gaps, stale = gap_and_stale(acc.days, schedule, start, last_day, frequency)
        p, f, e, na, fa = acc.counts
        return Coverage(expected, done, len(acc.collections) - done,
                        gaps if counts_days else 0, stale if counts_days else 0, p, f, e, na,
                        pass_rate(p, f), len(mine), sum(1 for x in mine if x.fixed_at is None),
                        fa, pass_rate(p, f - fa))

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
    for control in controls:
        for c in control.criteria:
            controls_of.setdefault(c, []).append(control.id)
    spans = attached_spans(attachments)
    criteria_rows, daily = [], {}
    for crit in catalog:
        acc = by_crit.get(crit.id, Acc())
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
        daily[crit.id] = day_codes(ev.per_day.get(crit.id, {}), start, end, last_day,
                                   in_scope=crit.id in in_scope, scheduled=schedule,
                                   attached=spans.get(crit.id, ()))
    check_rows = tuple(
        CheckRow(cid, titles.get(cid, ""), tuple(sorted(acc.criteria)), freq.get(cid, "daily"),
                 coverage(acc, freq.get(cid, "daily"), by_check_exc.get(cid, [])),
                 fixes.get(cid))
        for cid, acc in sorted(by_check.items()))
    control_rows = []
    for control in sorted(controls, key=lambda c: c.id):
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
        categories=categories(criteria_rows, settings.soc2.categories),
        catalog_version=catalog.version, runs_expected=expected, collections=len(complete),
        collections_complete=sum(1 for v in complete.values() if v),
        criteria=tuple(criteria_rows), checks=check_rows, controls=tuple(control_rows),
        exceptions=tuple(exceptions), attachments=tuple(_attachment_rows(attachments, last_day)),
        runs=tuple(_run_row(r, rows.get(r.run_id, ())) for r in runs),
        head_manifest_sha256=runs[-1].manifest_sha256 if runs else None,
        progress=progress(start, end, today),
        daily=Daily(start, dict(CODES), daily),
        time_to_fix=time_to_fix(catalog.ids(), by_crit_exc),
        risks=acceptance.rows(start, end, last_day))


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
