"""The `evidence` command group; each command lives in its own module, imported when used."""

from __future__ import annotations

from pathlib import Path

import click

from collector import __version__
from collector.cli.context import AppContext
from collector.cli.lazy import LazyGroup
from collector.logs import setup_logging

EPILOG = """\b
Exit codes:
  0  success
  1  the run completed with failing checks and --fail-on fail was given
  2  usage, configuration or output error (one line says which file, key and what was
     expected)
  3  the run was partial: some scopes or checks errored (see their results)
  4  verify found the bundle altered or unverifiable; export found the database's chain altered
  5  the database became unavailable during the command (retry when it is back; nothing
     stored is lost, a cut-off run is sealed interrupted)
"""

COMMANDS = {
    "runs": "collector.cli.inspection:runs",
    "results": "collector.cli.inspection:results",
    "checks": "collector.cli.inspection:checks",
    "db": "collector.cli.db:db",
    "collect": "collector.cli.collect:collect",
    "demo": "collector.cli.demo:demo",
    "permissions": "collector.cli.permissions:permissions",
    "schedule": "collector.cli.schedule:schedule",
    "health": "collector.cli.health:health",
    "export": "collector.cli.export:export",
    "verify": "collector.cli.verify:verify",
    "keygen": "collector.cli.keygen:keygen",
    "criteria": "collector.cli.criteria:criteria",
    "report": "collector.cli.report:report",
    "attach": "collector.cli.attach:attach",
    "attachments": "collector.cli.attach:attachments",
    "sample": "collector.cli.sample:sample",
    "diff": "collector.cli.diff:diff",
    "accept": "collector.cli.risks:accept",
    "risks": "collector.cli.risks:risks",
    "alerts": "collector.cli.alerts:alerts",
    # (new commands are registered here, one line each: name -> "module:function")
}
"""Every subcommand and where it is defined (its module is imported only when it is used)."""


@click.group(cls=LazyGroup, lazy=COMMANDS, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
