"""`evidence report`: Type II coverage of a period."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click

from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import DAY
from collector.report.model import PeriodReport
from collector.report.period import ReportError, build_period_report


def period_report(app: AppContext, start: date, end: date, as_of: date | None,
                  now: datetime | None = None) -> PeriodReport:
    """Build the report for the CLI (bad periods become one-line usage errors).

    The installed checks give each check's frequency (stale days) and remediation (checks no
    longer installed count as daily and have none); discovering them imports no cloud SDK.
    ``now`` defaults to the clock (a period in progress ends today)."""
    registry = app.registry
    try:
        return build_period_report(
            app.read_repo, app.catalog, app.loaded.settings, start, end, as_of=as_of,
            frequencies={c.id: c.frequency for c in registry},
            remediations={c.id: c.remediation.as_json() for c in registry if c.remediation},
            now=now)
    except ReportError as exc:
        raise UserError(str(exc)) from None


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause CPython's cycle collector. A year's report allocates a few hundred thousand
    objects that hold no reference cycles (records, tuples, dicts); the collector would
    traverse the growing heap again and again to find nothing (about a tenth of the
    command's time). Memory is still freed as usual, by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@click.command()
@click.option("--from", "start", type=DAY, required=True, metavar="YYYY-MM-DD",
              help="First day of the period (UTC).")
@click.option("--to", "end", type=DAY, required=True, metavar="YYYY-MM-DD",
              help="Last day of the period (UTC, inclusive).")
@click.option("--as-of", "as_of", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Show the state on this day: later runs and attachments are ignored and "
                   "expiry is judged on it.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table",
              show_default=True, help="html: one self-contained page (no network).")
@click.pass_obj
def report(app: AppContext, start: datetime, end: datetime, as_of: datetime | None,
           fmt: str) -> None:
    """Type II coverage of a period, per criterion, control and check.

    For each: collections expected from the schedule vs collected complete vs partial; gap days
    (scheduled days without results) and stale days (evidence older than the frequency allows);
    pass rate; exceptions as intervals (resource, check, first seen failing, fixed at or still
    failing, duration); manual evidence, with expired attachments flagged. Each run is read
    with the criteria mapping it recorded. Criteria of categories out of scope are shown as out
    of scope, never as gaps. Failures an accepted risk covered (in force that day) stay failures
    and are counted apart, with the pass rate without them beside the observed one. A period
    that ends after today is in progress: later days are neither expected nor gaps.
    """
    with no_cycle_collection():
        rep = period_report(app, start.date(), end.date(), as_of.date() if as_of else None)
        if fmt == "json":
            # no indent: json's C encoder is used only without one (seconds on a year's report)
            sys.stdout.write(json.dumps(rep.to_dict(), sort_keys=True) + "\n")
        elif fmt == "html":  # each renderer is imported for its format only (start-up time)
            from collector.report.html import render_html

            sys.stdout.write(render_html(rep))
        else:
            from collector.cli.report_tables import print_report
            from collector.output.tables import stdout_console

            print_report(stdout_console(), rep)
