"""The `evidence` command group and its inspection commands (runs, results, checks, criteria)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from collector import __version__
from collector.cli.attach import attach, attachments
from collector.cli.collect import collect
from collector.cli.context import AppContext
from collector.cli.demo import demo
from collector.cli.diff import diff
from collector.cli.export import export
from collector.cli.health import health
from collector.cli.keygen import keygen
from collector.cli.permissions import permissions
from collector.cli.report import criteria, report
from collector.cli.sample import sample
from collector.cli.schedule import schedule
from collector.cli.verify import verify
from collector.logs import setup_logging
from collector.mapping import effective_criteria
from collector.output.machine import write_csv, write_json_lines
from collector.output.tables import (
    print_checks,
    print_results,
    print_runs,
    stdout_console,
)
from collector.results import CONTRACT_COLUMNS, result_rows
from storage.canonical import format_utc

EPILOG = """\b
Exit codes:
  0  success
  1  the run completed with failing checks and --fail-on fail was given
  2  usage or configuration error (one line says which file, key and what was expected)
  3  the run was partial: some scopes or checks errored (see their results)
  4  verify found the bundle altered or unverifiable
"""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              envvar="EVIDENCE_CONFIG", show_envvar=True,
              help="Configuration file [default: ./evidence.yaml if present].")
@click.option("--db", "db_url", envvar="EVIDENCE_DB_URL", show_envvar=True, metavar="URL",
              help="Database URL: sqlite:///path.db or postgresql+psycopg://user@host/db "
                   "[default: database_url from the config, else sqlite:///evidence.db].")
@click.option("--log-format", type=click.Choice(["json", "text"]), envvar="EVIDENCE_LOG_FORMAT",
              show_envvar=True, help="Log lines on stderr [default: json unless stderr is a "
                                     "terminal]; each carries run id, scope and check.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"],
                                               case_sensitive=False),
              envvar="EVIDENCE_LOG_LEVEL", show_envvar=True,
              help="[default: info for json, warning for text]")
@click.version_option(__version__, prog_name="evidence")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, db_url: str | None,
        log_format: str | None, log_level: str | None) -> None:
    """Collect tamper-evident SOC 2 evidence of cloud configuration.

    Checks read AWS, GCP and Azure settings with read-only access, map each result to SOC 2
    Trust Services Criteria, and store every run (raw responses, how they were obtained,
    results) content-addressed and hash-chained in a database. Over a Type II period: report,
    sample, attach manual evidence, and export a signed bundle the auditor verifies offline.
    """
    setup_logging("json" if log_format == "json" else "text" if log_format else None, log_level)
    ctx.obj = AppContext(config_path, db_url)


@cli.command()
@click.option("--limit", default=20, show_default=True, help="How many runs to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def runs(app: AppContext, limit: int, fmt: str) -> None:
    """List collection runs, newest first, with status and chain position."""
    records = app.repo.list_runs(limit)
    if fmt == "json":
        write_json_lines(({"run_id": r.run_id, "status": r.status,
                           "started_at": format_utc(r.started_at),
                           "finished_at": format_utc(r.finished_at) if r.finished_at else None,
                           "chain_seq": r.chain_seq, "manifest_sha256": r.manifest_sha256,
                           "tool_version": r.tool_version, "identities": list(r.identities)}
                          for r in records), sys.stdout)
        return
    print_runs(stdout_console(), records)


@cli.command()
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
    """Print every result of a run (the results contract's columns)."""
    import fnmatch

    run = app.repo.get_run(run_id)
    rows = (r for r in result_rows(app.repo, run)
            if (not statuses or r.status in statuses)
            and fnmatch.fnmatchcase(r.check_id, check_glob))
    if fmt == "json":
        write_json_lines((r.contract() for r in rows), sys.stdout)
    elif fmt == "csv":
        write_csv((r.contract() for r in rows), CONTRACT_COLUMNS, sys.stdout)
    else:
        print_results(stdout_console(), rows)


@cli.command()
@click.option("--provider", type=click.Choice(["aws", "gcp", "azure"]), default=None)
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
                           "params": {**c.defaults(), **settings.checks.params.get(c.id, {})},
                           "origin": c.origin}
                          for c in selected), sys.stdout)
        return
    print_checks(stdout_console(), selected)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(app: AppContext) -> None:
    """Apply pending schema migrations (also done automatically on first use)."""
    revision = app.repo.upgrade()
    click.echo(json.dumps({"database": "ok", "revision": revision}))


cli.add_command(collect)
cli.add_command(demo)
cli.add_command(permissions)
cli.add_command(schedule)
cli.add_command(health)
cli.add_command(export)
cli.add_command(verify)
cli.add_command(keygen)
cli.add_command(criteria)
cli.add_command(report)
cli.add_command(attach)
cli.add_command(attachments)
cli.add_command(sample)
cli.add_command(diff)
# (new commands are registered here, one line each)
