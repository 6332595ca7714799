"""`evidence schedule`: collect on the cron of evidence.yaml, for years, one run at a time.

APScheduler 3 (`BlockingScheduler`, UTC) fires a `CronTrigger` built from `schedule` through
`config.cron.apscheduler_fields` (APScheduler numbers weekdays from Monday; cron from Sunday).
The job coalesces missed fires into one, never runs twice at once, and still runs when it is
late by up to the misfire grace time. Across restarts the scheduler keeps no state of its own:
on start it seals the runs a dead process left `running` as `interrupted`, and if the latest
slot has no run yet (the container was down, or crashed mid-run) and is within the grace time,
or the database has never had a run, it collects at once ("catch-up").

Every run records its slot as its collection id (`2026-11-27T03:00Z`), so the shard runs of
one slot (`evidence collect --shard I/N` in an Indexed Job) and the runs of two replicas
form one collection without talking to each other.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.job import Job  # type: ignore[import-untyped]
from apscheduler.schedulers import SchedulerNotRunningError  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from collector.logs import log_context
from collector.plan import Selection
from collector.runner import Runner, RunOutcome
from collector.signals import DEFAULT_GRACE, GracefulStop, exit_now, seal_own_runs
from config.cron import apscheduler_fields, parse_cron
from config.settings import Settings
from storage import Repository
from storage.errors import StorageError

log = logging.getLogger("evidence.scheduler")
DEFAULT_MISFIRE_GRACE = 3600.0
"""Seconds a fire may be late (process busy, container down) and still run."""
JOB_ID = "collect"
_LOOKBACK_DAYS = 366 * 8  # covers any valid cron, even "29 Feb on a Monday"
COLLECTED = ("complete", "partial", "running")
"""Run statuses that count as "this slot was collected" (interrupted/failed runs do not)."""


def cron_trigger(expression: str) -> CronTrigger:
    """The UTC APScheduler trigger with cron's meaning of `expression`."""
    return CronTrigger(**apscheduler_fields(expression), timezone=UTC)


def next_fires(expression: str, after: datetime, count: int = 2) -> list[datetime]:
    """The next `count` fire times strictly after `after`."""
    trigger = cron_trigger(expression)
    fires: list[datetime] = []
    previous = after  # APScheduler then starts strictly after it
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, previous)
        if fire is None:
            break
        fires.append(fire.astimezone(UTC))
        previous = fire
    return fires


def previous_fire(expression: str, now: datetime) -> datetime:
    """The latest fire time at or before `now` (the slot `now` belongs to)."""
    minutes, hours, days, months, weekdays = parse_cron(expression)
    now = now.astimezone(UTC).replace(second=0, microsecond=0)
    for back in range(_LOOKBACK_DAYS):
        day = (now - timedelta(days=back)).date()
        if day.month not in months or day.day not in days or day.isoweekday() % 7 not in weekdays:
            continue
        for hour in sorted(hours, reverse=True):
            for minute in sorted(minutes, reverse=True):
                fire = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if fire <= now:
                    return fire
    raise ValueError(f"cron {expression!r} has not fired in the last {_LOOKBACK_DAYS} days")


def slot_id(slot: datetime) -> str:
    """The collection id of a schedule slot, e.g. `2026-11-27T03:00Z`."""
    return f"{slot.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def default_collection_id(expression: str, now: datetime | None = None) -> str:
    """The slot that `now` belongs to: what shard pods started for one slot agree on."""
    return slot_id(previous_fire(expression, now or datetime.now(UTC)))


def missed_slot(expression: str, now: datetime, last_collected: datetime | None,
                grace: timedelta) -> datetime | None:
    """The slot to catch up on at start, if any.

    `last_collected` is when the latest run that counts (COLLECTED) started. With none at
    all, collect now; otherwise only when the latest slot has no run and is within `grace`.
    """
    slot = previous_fire(expression, now)
    if last_collected is None:
        return slot
    if last_collected >= slot or now - slot > grace:
        return None
    return slot


def last_collected(repo: Repository, scan: int = 1000) -> datetime | None:
    """When the latest run that counts as a collection started (None: there is none)."""
    for run in repo.list_runs(scan):
        if run.status in COLLECTED:
            return run.started_at
    return None


WATCH_SECONDS = 900
"""How often `evidence schedule` looks for missed collections and expiring accepted risks and
delivers due alerts (collections deliver their own right after sealing)."""


class Scheduler:
    """Runs collections on a cron, one at a time, stoppable from a signal handler."""

    def __init__(self, repo: Repository, make_runner: Callable[[], Runner], base: Selection,
                 expression: str, *, misfire_grace: float = DEFAULT_MISFIRE_GRACE,
                 grace: float = DEFAULT_GRACE, settings: Settings | None = None) -> None:
        self.repo = repo
        self.expression = expression
        self.base = base
        self.misfire_grace = misfire_grace
        self.grace = grace
        self._make_runner = make_runner
        self._lock = threading.RLock()  # the signal handler may interrupt its own holder
        self._runner: Runner | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.stopping = threading.Event()
        self.outcomes: list[RunOutcome] = []
        self.scheduler = BlockingScheduler(timezone=UTC)
        self.job: Job = self.scheduler.add_job(
            self._fire, cron_trigger(expression), id=JOB_ID, name="evidence collect",
            coalesce=True, max_instances=1, misfire_grace_time=max(1, int(misfire_grace)))
        self.settings = settings
        if settings is not None and settings.notify:
            self.scheduler.add_job(self.watch, "interval", seconds=WATCH_SECONDS, id="watch",
                                   name="evidence alerts", coalesce=True, max_instances=1)

    def watch(self) -> None:
        """Queue missed-collection and accepted-risk alerts, deliver what is due; never
        raises (the schedule goes on)."""
        if self.settings is None or self.stopping.is_set():
            return
        from collector.notify.service import deliver_due
        from collector.notify.watch import watch

        try:
            now = datetime.now(UTC)
            watch(self.repo, self.settings, now)
            deliver_due(self.repo, self.settings, now)
        except StorageError as exc:
            log.warning("alerts watch skipped: %s", exc)

    def _fire(self) -> None:
        self.collect(slot_id(previous_fire(self.expression, datetime.now(UTC))))

    def collect(self, collection_id: str | None) -> RunOutcome | None:
        """One collection now (unless stopping); failures are logged, never raised."""
        with self._lock:
            if self.stopping.is_set():
                return None
            runner = self._runner = self._make_runner()
            self._idle.clear()
        try:
            with log_context(collection_id=collection_id):
                log.info("collection starting")
                outcome = runner.run(replace(self.base, collection_id=collection_id))
                counts = ", ".join(f"{n} {s}" for s, n in outcome.counts.items())
                log.log(logging.INFO if outcome.status == "complete" else logging.WARNING,
                        "run %s %s: %s", outcome.run_id, outcome.status, counts,
                        extra={"fields": {"run_id": outcome.run_id, "status": outcome.status}})
                for item in outcome.scope_errors:
                    log.warning("%s %s: %s: %s", item.provider, item.scope, item.code,
                                item.message, extra={"fields": {"run_id": outcome.run_id,
                                                                "scope": item.scope}})
            self.outcomes.append(outcome)
            return outcome
        except Exception:  # the schedule goes on; the run (if any) is sealed by the runner
            log.exception("collection failed")
            return None
        finally:
            with self._lock:
                self._runner = None
                self._idle.set()

    def stop(self) -> None:
        """Stop: no new collection starts, the one in flight stops cooperatively."""
        with self._lock:
            self.stopping.set()
            runner = self._runner
        if runner is not None:
            runner.stop()
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no collection is running (True) or `timeout` passes (False)."""
        return self._idle.wait(timeout)

    def serve(self, *, run_now: bool = False, catch_up: bool = True) -> None:
        """Until stopped: seal leftovers, catch up or `run_now`, then fire on the cron.

        Must run in the main thread for SIGTERM/SIGINT to stop it (see collector.signals)."""
        with GracefulStop(self.stop, partial(exit_now, self.repo, 0), self.grace):
            reaped = seal_own_runs(self.repo)
            if reaped:
                log.warning("sealed %d run(s) left running by a dead process as interrupted: "
                            "%s", len(reaped), ", ".join(reaped))
            now = datetime.now(UTC)
            slot = None
            if catch_up:
                slot = missed_slot(self.expression, now, last_collected(self.repo),
                                   timedelta(seconds=self.misfire_grace))
            self.watch()
            if slot is not None:
                log.info("slot %s has no run yet: collecting now", slot_id(slot))
                self.collect(slot_id(slot))
            elif run_now:
                self.collect(None)
            if not self.stopping.is_set():
                fires = next_fires(self.expression, datetime.now(UTC), 1)
                log.info("scheduled %r (UTC); next run at %s", self.expression,
                         fires[0].isoformat() if fires else "never")
                self.scheduler.start()
            self.wait_idle()
        log.info("scheduler stopped")
