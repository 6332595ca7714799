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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from collector.mapping import controls_in_force
from collector.report.accepted import Acceptance, known_on
from collector.report.coverage import last_slot, scheduled_days, split_attachments
from collector.report.daily import CODES, attached_spans, categories, progress, time_to_fix
from collector.report.exceptions import track_exceptions
from collector.report.gather import RunMappings, gather
from collector.report.history import Step, Walker, sealed_chain
from collector.report.model import AttachmentRow, Daily, PeriodReport, RunRow
from collector.report.rows import Period, check_rows, control_rows, criterion_rows
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
    later) ends a period in progress: later days and collections not yet due are neither
    expected nor gaps, and open exceptions end as ``_horizon`` says.
    ``frequencies`` gives check id -> frequency (from the installed checks) for stale days;
    unknown checks count as daily.
    ``remediations`` gives check id -> remediation (``Remediation.as_json()``) of the
    installed checks. ``book`` holds the accepted risks (default: the database's).
    ``only_run``: a one-run report (a Type I bundle): that run alone is read and expected.
    """
    window = _window(repo, settings, start, end, as_of, now, only_run)
    runs, upto, schedule, clock, last_day = (window.runs, window.upto, window.schedule,
                                             window.clock, window.last_day)
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

    period_end = _horizon(window, settings.schedule, start, only_run is not None)
    walk = acceptance.watch(Walker(repo, runs, rows, indexed), criteria_of)
    exceptions = acceptance.annotate(track_exceptions(walk, criteria_of, period_end))
    controls = controls_in_force(repo, runs, settings.controls)  # as the runs recorded them
    ev = gather(runs, rows, collection, mappings, controls, acceptance)
    attachments = [a for a in repo.list_attachments() if a.attached_at.date() <= last_day]
    valid, expired = split_attachments(attachments, last_day)
    period = Period(start, end, last_day, schedule, complete, ev, exceptions, controls,
                    frozenset(c.id for c in catalog.in_scope(settings.soc2.categories)),
                    valid, expired, attached_spans(attachments))
    freq = dict(frequencies or {})
    criteria, daily = criterion_rows(period, catalog, freq)
    return PeriodReport(
        start=start, end=end, as_of=last_day, schedule=settings.schedule,
        categories=categories(criteria, settings.soc2.categories),
        catalog_version=catalog.version, runs_expected=period.expected,
        collections=len(complete), collections_complete=sum(1 for v in complete.values() if v),
        criteria=criteria, checks=check_rows(period, freq, dict(remediations or {})),
        controls=control_rows(period), exceptions=tuple(exceptions),
        attachments=tuple(_attachment_rows(attachments, last_day)),
        runs=tuple(_run_row(r, rows.get(r.run_id, ())) for r in runs),
        head_manifest_sha256=runs[-1].manifest_sha256 if runs else None,
        progress=progress(start, end, clock.date()),
        daily=Daily(start, dict(CODES), daily),
        time_to_fix=time_to_fix(catalog.ids(), period.by_criterion),
        risks=acceptance.rows(start, end, last_day))


@dataclass(frozen=True)
class _Window:
    """The runs a report reads and the collections it expects, by the report's clock."""

    runs: list[RunRecord]
    """The period's sealed runs up to its last day, in chain order."""
    upto: list[RunRecord]
    """The chain up to the period's last run (earlier runs give each resource's history)."""
    schedule: dict[date, int]
    clock: datetime
    last_day: date


def _window(repo: Repository, settings: Settings, start: date, end: date, as_of: date | None,
            now: datetime | None, only_run: RunRecord | None) -> _Window:
    chain = [only_run] if only_run is not None else sealed_chain(repo)
    clock = (now or datetime.now(UTC)).astimezone(UTC)
    # a run of the period stamped later than the clock (a skewed host) proves its time came
    clock = max([clock, *(r.started_at for r in chain if start <= r.started_at.date() <= end)])
    last_day = min(resolve_period(start, end, as_of), clock.date())
    if only_run is not None:  # one run, no history: its blobs are read, the index untouched
        return _Window([only_run], [only_run], {only_run.started_at.date(): 1}, clock, last_day)
    runs = period_runs(chain, start, last_day)
    upto = chain[: chain.index(runs[-1]) + 1] if runs else []
    schedule = scheduled_days(settings.schedule, start, last_day,
                              clock if clock.date() <= last_day else None)
    return _Window(runs, upto, schedule, clock, last_day)


def _horizon(window: _Window, schedule: str, start: date, one_run: bool) -> datetime:
    """Where still-open exceptions end: the end of the last day; while that has not come, the
    latest collection due or the end of the latest run, whichever is later (not the minute the
    report is made: the same database gives the same report until a collection is due)."""
    day_end = datetime.combine(window.last_day + timedelta(days=1), time(), UTC)
    if window.clock >= day_end:
        return day_end
    due = [None if one_run else last_slot(schedule, start, window.clock),
           *(r.finished_at or r.started_at for r in window.runs)]
    return min(day_end, max((t for t in due if t is not None), default=window.clock))


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
