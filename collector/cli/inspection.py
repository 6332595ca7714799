"""`evidence runs`, `evidence results` and `evidence checks`: what is stored and installed."""

from __future__ import annotations

import sys

import click

from collector.cli.context import AppContext
from collector.cli.params import PROVIDER
from collector.mapping import effective_criteria
from collector.output.machine import write_csv, write_json_lines
from collector.output.tables import (
    print_checks,
    print_results,
    print_runs,
    stdout_console,
)
from collector.results import OUTPUT_COLUMNS, result_rows
from collector.risks.store import load_book
from storage.canonical import format_utc


@click.command()
@click.option("--limit", default=20, show_default=True, help="How many runs to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def runs(app: AppContext, limit: int, fmt: str) -> None:
    """List collection runs, newest first, with status and chain position."""
    records = app.read_repo.list_runs(limit)
    if fmt == "json":
        write_json_lines(({"run_id": r.run_id, "status": r.status,
                           "started_at": format_utc(r.started_at),
                           "finished_at": format_utc(r.finished_at) if r.finished_at else None,
                           "chain_seq": r.chain_seq, "manifest_sha256": r.manifest_sha256,
                           "tool_version": r.tool_version, "identities": list(r.identities)}
                          for r in records), sys.stdout)
        return
    print_runs(stdout_console(), records)


@click.command()
@click.option("--run", "run_id", default="latest", show_default=True, metavar="ID|latest",
              help="Which run.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="json: one object per line; csv: same columns.")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["pass", "fail", "error", "not_applicable"]),
              help="Only results with this status (repeatable).")
@click.option("--check", "check_glob", default="*", metavar="GLOB", help="Only these checks.")
@click.pass_obj
def results(app: AppContext, run_id: str, fmt: str, statuses: tuple[str, ...],
            check_glob: str) -> None:
    """Print every result of a run (the results contract's columns).

    Failing results carry `remediation` (what to change and how) and `accepted_risk` (the id
    of an accepted risk in force that covers them; they stay `fail`).
    """
    import fnmatch

    run = app.read_repo.get_run(run_id)
    rows = (r for r in result_rows(app.read_repo, run)
            if (not statuses or r.status in statuses)
            and fnmatch.fnmatchcase(r.check_id, check_glob))
    fixes = {c.id: c.remediation for c in app.registry if c.remediation is not None}
    book = load_book(app.read_repo)
    if fmt == "json":
        write_json_lines((r.output(fixes.get(r.check_id), book) for r in rows), sys.stdout)
    elif fmt == "csv":
        write_csv((r.output(fixes.get(r.check_id), book, flat=True) for r in rows),
                  OUTPUT_COLUMNS, sys.stdout)
    else:
        print_results(stdout_console(), rows, fixes, book)


@click.command()
@click.option("--provider", type=PROVIDER, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def checks(app: AppContext, provider: str | None, fmt: str) -> None:
    """List installed checks: id, title, criteria, scope, parameters and origin package.

    Criteria and parameters are shown as the configuration sets them.
    """
    settings = app.loaded.settings
    selected = app.registry.select(providers=[provider] if provider else None)
    if fmt == "json":
        write_json_lines(({"id": c.id, "title": c.title, "provider": c.provider,
                           "criteria": list(effective_criteria(c, settings)),
                           "permissions": list(c.permissions), "scoping": c.scoping,
                           "frequency": c.frequency, "version": c.version,
                           "judgement": c.judgement,
                           "params": {**c.defaults(), **settings.checks.params.get(c.id, {})},
                           "origin": c.origin}
                          for c in selected), sys.stdout)
        return
    print_checks(stdout_console(), selected)
