"""`evidence alerts`: the alerts outbox — what was queued, what was delivered, deliver now."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from rich.table import Table

from collector.cli.context import AppContext
from collector.output.machine import write_json_lines
from collector.output.tables import stdout_console
from storage.canonical import format_utc

COLUMNS = ("key", "target", "created_at", "attempts", "state", "delivered_at", "last_error",
           "summary")


def _state(delivered: datetime | None, next_at: datetime | None) -> str:
    if delivered is not None:
        return "delivered"
    return "pending" if next_at is not None else "given up"


@click.command()
@click.option("--deliver", is_flag=True, help="Send the alerts that are due now.")
@click.option("--now", "all_now", is_flag=True,
              help="With --deliver: treat every pending alert as due (skip the backoff).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def alerts(app: AppContext, deliver: bool, all_now: bool, fmt: str) -> None:
    """List queued alerts, or deliver the due ones (--deliver).

    Alerts are queued in the transaction that seals their run and delivered after it, with
    retries and backoff; `evidence schedule` delivers at every tick. Each carries an
    idempotency key (X-Evidence-Delivery), the same on every retry.
    """
    if deliver:
        from collector.notify.service import deliver_due

        now = datetime.now(UTC)
        pending = [r.next_at for r in app.repo.outbox() if r.next_at is not None]
        due_by = max([now, *pending]) if all_now else now
        report = deliver_due(app.repo, app.loaded.settings, now, due_by)
        click.echo(json.dumps({"sent": report.sent, "deferred": report.deferred,
                               "given_up": report.given_up}))
        return
    rows = []
    for r in app.read_repo.outbox():
        body = json.loads(r.body)
        summary = ", ".join(f"{e['kind']} {e['count']}" for e in body["events"])
        rows.append({"key": r.key, "target": r.target, "created_at": format_utc(r.created_at),
                     "attempts": r.attempts, "state": _state(r.delivered_at, r.next_at),
                     "delivered_at": format_utc(r.delivered_at) if r.delivered_at else None,
                     "last_error": r.last_error, "summary": summary})
    if fmt == "json":
        write_json_lines(rows, sys.stdout)
        return
    table = Table(title=f"{len(rows)} alerts", title_justify="left")
    for col in ("Key", "Target", "Queued", "Attempts", "State", "Events", "Last error"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(str(row["key"])[:12], str(row["target"]), str(row["created_at"]),
                      str(row["attempts"]), str(row["state"]), str(row["summary"]),
                      str(row["last_error"]))
    stdout_console().print(table)
