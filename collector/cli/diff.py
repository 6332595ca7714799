"""`evidence diff RUN_A RUN_B`: what changed between two runs."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from collector.cli.context import AppContext
from collector.output.tables import stdout_console
from collector.report.diff import DiffItem, diff_runs


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def diff(app: AppContext, run_a: str, run_b: str, fmt: str) -> None:
    """List what changed from RUN_A to RUN_B (ids, or `latest`): new failures, fixes,
    resources added and removed, resources RUN_B could not judge (unknown: an error, never a
    fix or a removal), and checks that ran in only one of them."""
    d = diff_runs(app.read_repo, run_a, run_b)
    if fmt == "json":
        sys.stdout.write(json.dumps(d.to_dict(), indent=1, sort_keys=True) + "\n")
        return
    console = stdout_console()
    console.print(f"[bold]{d.run_a} -> {d.run_b}[/bold]: {len(d.new_failures)} new failures, "
                  f"{len(d.fixes)} fixes, {len(d.added)} resources added, "
                  f"{len(d.removed)} removed, {len(d.unknown)} unknown")
    for title, items in (("New failures", d.new_failures), ("Fixes", d.fixes),
                         ("Resources added", d.added), ("Resources removed", d.removed),
                         ("Unknown in run B (error, or not listed by an errored check)",
                          d.unknown)):
        if items:
            console.print(_table(title, items))
    for label, keys in (("only in run A", d.checks_removed), ("only in run B", d.checks_added)):
        for key in keys:
            console.print(f"check {label}: {key}")


def _table(title: str, items: tuple[DiffItem, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("Check", "Scope", "Region", "Resource", "Before", "After", "Message"):
        table.add_column(col, overflow="fold")
    for i in items:
        table.add_row(i.check_id, i.scope, i.region, i.resource_id, i.before or "-",
                      i.after or "-", i.message)
    return table
