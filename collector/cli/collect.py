"""`evidence collect`: one run now, with a progress bar and a summary per criterion and check."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from collector.cli.context import AppContext
from collector.cli.errors import EXIT_FAILING, EXIT_OK, EXIT_PARTIAL, UserError
from collector.cli.params import PROVIDER, Seconds
from collector.cloud.base import UnavailableScope
from collector.locks import ScopeLocks
from collector.output.tables import print_summary, stdout_console
from collector.plan import Selection, select_checks
from collector.plugin import Check
from collector.runner import Runner, RunOutcome
from collector.scheduler import default_collection_id
from collector.shard import Shard, ShardError
from collector.signals import DEFAULT_GRACE, GracefulStop, exit_now
from collector.summary import summarise

DEFAULT_LOCK_WAIT = 60.0


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Shard | None:
    try:
        return Shard.parse(value) if value is not None else None
    except ShardError as exc:
        raise click.BadParameter(str(exc)) from None


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--lock-wait and --grace: how a run shares scopes and how it stops (collect, schedule)."""
    command = click.option(
        "--grace", type=Seconds(), default=DEFAULT_GRACE, show_default=True,
        envvar="EVIDENCE_STOP_GRACE", show_envvar=True, metavar="SECONDS",
        help="On SIGTERM/SIGINT: how long the checks in flight may take to finish before the "
             "run is sealed as interrupted.")(command)
    return click.option(
        "--lock-wait", type=Seconds(), default=DEFAULT_LOCK_WAIT, show_default=True,
        envvar="EVIDENCE_LOCK_WAIT", show_envvar=True, metavar="SECONDS",
        help="How long to wait for a scope that another collector is collecting before "
             "skipping it (recorded as ScopeBusy).")(command)


@click.command()
@click.option("--check", "check_globs", multiple=True, metavar="GLOB",
              help="Only checks whose id matches (repeatable), e.g. 'aws_s3_*'.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Only these regions (repeatable); global checks always run.")
@click.option("--provider", "providers", multiple=True,
              type=PROVIDER, help="Only these providers.")
@click.option("--fail-on", type=click.Choice(["fail", "never"]), default="never",
              show_default=True, help="fail: exit 1 when any check fails.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="json: one summary object on stdout.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr [default: when stderr is a terminal].")
@click.option("--shard", callback=_shard, metavar="I/N",
              help="Collect only shard I of N (0-based): a stable, disjoint share of the scopes, "
                   "e.g. --shard $JOB_COMPLETION_INDEX/8 in a Kubernetes Indexed Job.")
@click.option("--collection-id", metavar="ID", envvar="EVIDENCE_COLLECTION_ID", show_envvar=True,
              help="Recorded on the run; runs sharing it form one collection [default with "
                   "--shard: the schedule slot, e.g. 2026-11-27T03:00Z].")
@run_options
@click.pass_obj
def collect(app: AppContext, check_globs: tuple[str, ...], regions: tuple[str, ...],
            providers: tuple[str, ...], fail_on: str, fmt: str, progress: bool | None,
            shard: Shard | None, collection_id: str | None, lock_wait: float,
            grace: float) -> int:
    """Collect evidence now: one run against the clouds in the configuration.

    Every distinct API request is made once; responses, their provenance and the results are
    stored content-addressed and the run is sealed into the hash chain. Exit code 3 when the
    run is partial (some scopes or checks errored), 1 with --fail-on fail when a check failed.
    """
    if shard is not None and collection_id is None:
        collection_id = default_collection_id(app.loaded.settings.schedule, datetime.now(UTC))
    sel = Selection(check_globs, regions, providers, shard, collection_id)
    chosen = select_checks(app.registry, app.loaded, sel)
    if not chosen:
        raise UserError("no check matches the selection (see `evidence checks`)")
    outcome = run_with_progress(app, chosen, sel, progress, fmt, lock_wait=lock_wait,
                                grace=grace)
    return exit_code(outcome, fail_on)


def run_with_progress(app: AppContext, chosen: list[Check], sel: Selection,
                      progress: bool | None, fmt: str, *, lock_wait: float = DEFAULT_LOCK_WAIT,
                      grace: float = DEFAULT_GRACE) -> RunOutcome:
    err = Console(stderr=True)
    show = err.is_terminal if progress is None else progress
    with Progress(TextColumn("[bold]collecting[/bold]"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"), console=err,
                  disable=not show, transient=True) as bar:
        task = bar.add_task("", total=0)

        def on_progress(added: int, label: str) -> None:
            if added:
                bar.update(task, total=(bar.tasks[0].total or 0) + added)
            else:
                bar.update(task, advance=1, description=label)

        runner = Runner(app.repo, app.loaded, app.catalog, chosen, progress=on_progress,
                        gate=ScopeLocks(app.repo, wait=lock_wait))
        force = partial(exit_now, app.repo, EXIT_PARTIAL, partial(_report_sealed, app, fmt))
        with GracefulStop(runner.stop, force, grace):
            outcome = runner.run(sel)
    for item in outcome.scope_errors:
        err.print(f"[yellow]evidence: {item.provider} {item.scope}: {item.code}: "
                  f"{item.message}[/yellow]", highlight=False, soft_wrap=True)
    print_outcome(app, outcome.run_id, fmt, outcome.scope_errors)
    return outcome


def print_outcome(app: AppContext, run_id: str, fmt: str,
                  scope_errors: Sequence[UnavailableScope] = ()) -> None:
    """The run's summary on stdout: one JSON object (``--format json``) or the tables."""
    from collector.risks.store import load_book

    run = app.repo.get_run(run_id)
    summary = summarise(app.repo, run, load_book(app.repo))
    if fmt == "json":
        total = summary.total
        click.echo(json.dumps({
            "run_id": run.run_id, "status": run.status,
            "manifest_sha256": run.manifest_sha256,
            "pass": total.passed, "fail": total.failed, "fail_accepted": total.accepted,
            "error": total.errors,
            "not_applicable": total.not_applicable,
            "scope_errors": [vars(s) for s in scope_errors]}))
    else:
        print_summary(stdout_console(), summary, app.catalog)


def _report_sealed(app: AppContext, fmt: str, sealed: list[str]) -> None:
    """After a forced stop (grace over, second signal): the summary of the run just sealed,
    so a script reading ``--format json`` still gets its object."""
    for run_id in sealed:
        print_outcome(app, run_id, fmt)


def exit_code(outcome: RunOutcome, fail_on: str) -> int:
    """3 for a partial or failed run takes precedence over 1 for failing checks."""
    if outcome.status != "complete":
        return EXIT_PARTIAL
    if fail_on == "fail" and outcome.counts.get("fail", 0):
        return EXIT_FAILING
    return EXIT_OK
