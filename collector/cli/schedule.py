"""`evidence schedule`: the long-running container command (collects on the config's cron)."""

from __future__ import annotations

import click

from collector.cli.collect import run_options
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import Seconds
from collector.locks import ScopeLocks
from collector.plan import Selection, select_checks
from collector.runner import Runner
from collector.scheduler import DEFAULT_MISFIRE_GRACE, Scheduler


@click.command()
@click.option("--run-now", is_flag=True, help="Also collect once at start.")
@click.option("--misfire-grace", type=Seconds(1, 7 * 86400), default=DEFAULT_MISFIRE_GRACE,
              show_default=True, metavar="SECONDS",
              help="A fire that is late by up to this much (busy, or the container was down) "
                   "still runs, once; also bounds the catch-up at start.")
@click.option("--catch-up/--no-catch-up", default=True, show_default=True,
              help="At start, collect at once if the latest slot has no run (or the database "
                   "has none at all).")
@run_options
@click.pass_obj
def schedule(app: AppContext, run_now: bool, misfire_grace: float, catch_up: bool,
             lock_wait: float, grace: float) -> None:
    """Collect on the cron in `schedule` (UTC) until stopped; the container's default command.

    One collection at a time; missed fires are coalesced into one. SIGTERM or SIGINT: no new
    check starts, checks in flight get --grace seconds to finish, the run is sealed as
    `interrupted` (everything collected is kept) and the command exits 0. Runs left `running`
    by a dead process are sealed as `interrupted` at start.
    """
    settings = app.loaded.settings
    chosen = select_checks(app.registry, app.loaded, Selection())
    if not chosen:
        raise UserError("no check is selected by checks.include/exclude (see `evidence checks`)")
    repo = app.repo

    def make_runner() -> Runner:
        return Runner(repo, app.loaded, app.catalog, chosen,
                      gate=ScopeLocks(repo, wait=lock_wait))

    Scheduler(repo, make_runner, Selection(), settings.schedule, misfire_grace=misfire_grace,
              grace=grace, settings=settings).serve(run_now=run_now, catch_up=catch_up)
