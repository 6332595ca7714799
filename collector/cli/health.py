"""`evidence health`: exit 0 while collections keep completing on schedule (health checks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click

from collector.cli.context import AppContext
from collector.scheduler import next_fires, previous_fire
from storage import RunRecord
from storage.canonical import format_utc

SCAN = 1000
"""How many recent runs are searched for the last complete one."""


@dataclass(frozen=True)
class Health:
    """The verdict and its one-line reason."""

    ok: bool
    reason: str


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    return f"{days}d {rest // 60}h {rest % 60}m" if days else f"{rest // 60}h {rest % 60}m"


def judge(runs: list[RunRecord], expression: str, now: datetime,
          statuses: tuple[str, ...] = ("complete",)) -> Health:
    """Healthy when the last run with one of `statuses` started in the slot before the
    current one or later: i.e. at most one scheduled collection was missed or is in flight.

    For a regular cron this is "younger than twice the schedule interval"; unlike a fixed
    multiple of the next gap it stays right for irregular ones (weekdays only, a monthly day).
    """
    current = previous_fire(expression, now)
    before = previous_fire(expression, current - timedelta(minutes=1))
    interval = next_fires(expression, now, 2)
    gap = interval[1] - interval[0] if len(interval) == 2 else timedelta(0)
    last = next((r for r in runs if r.status in statuses and r.finished_at), None)
    wanted = "/".join(statuses)
    if last is None:
        latest = f" (latest run {runs[0].run_id} is {runs[0].status})" if runs else ""
        return Health(False, f"no {wanted} run in the database yet{latest}")
    assert last.finished_at is not None
    age = _ago(now - last.finished_at)
    if last.started_at >= before:
        return Health(True, f"last {wanted} run {last.run_id} finished {age} ago "
                            f"(schedule {expression!r}, every {_ago(gap)})")
    return Health(False, f"last {wanted} run {last.run_id} finished {age} ago, at "
                         f"{format_utc(last.finished_at)}; schedule {expression!r} expected one "
                         f"started since {format_utc(before)}")


@click.command()
@click.option("--allow-partial", is_flag=True,
              help="Count partial runs (some checks errored) as completed collections.")
@click.pass_obj
def health(app: AppContext, allow_partial: bool) -> int:
    """Exit 0 when collections keep completing on schedule, else 1 with the reason.

    Healthy while the last complete run is younger than about twice the schedule interval
    (precisely: it started in the previous slot of `schedule` or later). For the container's
    HEALTHCHECK; prints one line either way.
    """
    statuses = ("complete", "partial") if allow_partial else ("complete",)
    verdict = judge(app.repo.list_runs(SCAN), app.loaded.settings.schedule,
                    datetime.now(UTC), statuses)
    click.echo(f"evidence: {'healthy' if verdict.ok else 'unhealthy'}: {verdict.reason}",
               err=not verdict.ok)
    if app.loaded.settings.notify:  # a missed collection is also an alert (queued once)
        from collector.notify.service import deliver_due
        from collector.notify.watch import watch

        now = datetime.now(UTC)
        watch(app.repo, app.loaded.settings, now)
        deliver_due(app.repo, app.loaded.settings, now)
    return 0 if verdict.ok else 1
