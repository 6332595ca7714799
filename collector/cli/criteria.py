"""`evidence criteria`: every SOC 2 criterion's evidence status as configured today."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

from collector.cli.context import AppContext
from collector.cli.report_tables import attachments_markup, status_markup
from collector.mapping import effective_criteria
from collector.output.tables import stdout_console
from collector.report.coverage import STATUS_HELP, coverage_status, split_attachments
from storage.attachments import AttachmentRecord
from storage.db import parse_url


def _stored_attachments(app: AppContext) -> list[AttachmentRecord]:
    """The attachments, without creating a SQLite database that does not exist yet."""
    url = parse_url(app.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return []
    return app.read_repo.list_attachments()


@click.command(help=f"""All SOC 2 criteria: automated checks, attachments and evidence status.

\b
Checks are the installed ones after config overrides; attachments are judged valid or
expired today (UTC). Criteria of categories out of scope (soc2.categories) are shown as
out of scope.

Status: {STATUS_HELP}""")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def criteria(app: AppContext, fmt: str) -> None:
    """Per-criterion coverage as configured today."""
    settings = app.loaded.settings
    covering: dict[str, list[str]] = {c.id: [] for c in app.catalog.criteria}
    for chk in app.registry:
        if settings.checks.selects(chk.id):
            for cid in effective_criteria(chk, settings):
                covering.setdefault(cid, []).append(chk.id)
    today = datetime.now(UTC).date()
    valid, expired = split_attachments(_stored_attachments(app), today)
    in_scope = {c.id for c in app.catalog.in_scope(settings.soc2.categories)}
    table = Table(title="SOC 2 criteria: evidence status", title_justify="left")
    for col in ("Criterion", "Category", "Title", "Status", "Checks", "Attachments"):
        table.add_column(col, overflow="fold")
    for c in app.catalog.criteria:
        ok = tuple(a.attachment_id for a in valid if a.criterion_id == c.id)
        old = tuple(a.attachment_id for a in expired if a.criterion_id == c.id)
        checks = sorted(covering[c.id])
        status = coverage_status(bool(checks), len(ok), c.evidence_mode)
        if fmt == "json":
            click.echo(json.dumps({
                "id": c.id, "category": c.category, "in_scope": c.id in in_scope,
                "title": c.title, "evidence_mode": c.evidence_mode, "checks": checks,
                "attachments_valid": list(ok), "attachments_expired": list(old),
                "status": status}))
            continue
        table.add_row(c.id, c.category, c.title, status_markup(status, c.id in in_scope),
                      ", ".join(checks) or "[dim]none[/dim]", attachments_markup(ok, old))
    if fmt != "json":
        stdout_console().print(table)
