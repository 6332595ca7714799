"""`evidence report` (Type II coverage over a period) and `evidence criteria` (coverage now)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from collector.cli.attach import DAY
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.mapping import effective_criteria
from collector.output.tables import stdout_console
from collector.report.coverage import STATUS_HELP, coverage_status, split_attachments
from collector.report.html import render_html
from collector.report.model import Coverage, PeriodReport
from collector.report.period import ReportError, build_period_report
from storage.attachments import AttachmentRecord
from storage.canonical import format_utc
from storage.db import parse_url

_STATUS_STYLE = {"automated": "green", "attached": "blue", "partial": "yellow", "none": "red"}


def _status(text: str, in_scope: bool = True) -> str:
    if not in_scope:
        return "[dim]out of scope[/dim]"
    style = _STATUS_STYLE.get(text, "")
    return f"[{style}]{text}[/{style}]" if style else text


def period_report(app: AppContext, start: date, end: date, as_of: date | None) -> PeriodReport:
    """Build the report for the CLI (bad periods become one-line usage errors).

    Checks count as daily for stale days (every built-in check is daily); the installed
    registry is not loaded, which keeps the report fast (importing every provider's SDK costs
    seconds)."""
    try:
        return build_period_report(
            app.repo, app.catalog, app.loaded.settings, start, end, as_of=as_of)
    except ReportError as exc:
        raise UserError(str(exc)) from None


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
    of scope, never as gaps.
    """
    rep = period_report(app, start.date(), end.date(), as_of.date() if as_of else None)
    if fmt == "json":
        # no indent: json's C encoder is used only without one (seconds on a year's report)
        sys.stdout.write(json.dumps(rep.to_dict(), sort_keys=True) + "\n")
    elif fmt == "html":
        sys.stdout.write(render_html(rep))
    else:
        print_report(stdout_console(), rep)


def _cov_cols(table: Table) -> None:
    for col in ("Runs exp.", "Complete", "Partial", "Gap d", "Stale d", "Pass rate", "Exc.",
                "Open"):
        table.add_column(col, justify="right", no_wrap=True)


def _cov(c: Coverage) -> list[str]:
    rate = "-" if c.pass_rate is None else f"{c.pass_rate:.1%}"
    return [str(c.runs_expected), str(c.runs_complete), str(c.runs_partial), str(c.gap_days),
            str(c.stale_days), rate, str(c.exceptions), str(c.open_exceptions)]


def _att(valid: tuple[int, ...], expired: tuple[int, ...]) -> str:
    text = str(len(valid))
    return text + (f" [red]+{len(expired)} EXPIRED[/red]" if expired else "")


def print_report(console: Console, rep: PeriodReport) -> None:
    """The report as terminal tables."""
    console.print(f"[bold]SOC 2 Type II evidence {rep.start} to {rep.end}[/bold] "
                  f"(state as of {rep.as_of}): schedule {rep.schedule!r} expected "
                  f"{rep.runs_expected} collections; {rep.collections} collected, "
                  f"{rep.collections_complete} complete.")
    crit = Table(title="By criterion", title_justify="left")
    for col in ("Criterion", "Status", "Checks", "Controls", "Attach."):
        crit.add_column(col, overflow="fold")
    _cov_cols(crit)
    for c in rep.criteria:
        crit.add_row(c.id, _status(c.status, c.in_scope), str(len(c.checks)),
                     ", ".join(c.controls), _att(c.attachments_valid, c.attachments_expired),
                     *_cov(c.coverage))
    console.print(crit)
    if rep.controls:
        ctl = Table(title="By control", title_justify="left")
        for col in ("Control", "Title", "Frequency", "Status", "Checks", "Attach."):
            ctl.add_column(col, overflow="fold")
        _cov_cols(ctl)
        for k in rep.controls:
            ctl.add_row(k.id, k.title, k.frequency, _status(k.status), str(len(k.checks)),
                        _att(k.attachments_valid, k.attachments_expired), *_cov(k.coverage))
        console.print(ctl)
    chk = Table(title="By check", title_justify="left")
    for col in ("Check", "Criteria"):
        chk.add_column(col, overflow="fold")
    _cov_cols(chk)
    for ch in rep.checks:
        chk.add_row(ch.id, ", ".join(ch.criteria), *_cov(ch.coverage))
    console.print(chk)
    exc = Table(title=f"Exceptions ({len(rep.exceptions)})", title_justify="left")
    for col in ("Check", "Resource", "Scope", "First seen failing", "Fixed at", "Duration"):
        exc.add_column(col, overflow="fold")
    for e in rep.exceptions:
        fixed = format_utc(e.fixed_at) if e.fixed_at else "[red]still failing[/red]"
        exc.add_row(e.check_id, e.resource_id, e.scope, format_utc(e.first_seen), fixed,
                    f"{e.duration_s / 86400:.1f} d")
    console.print(exc)
    expired = [a for a in rep.attachments if a.expired]
    for a in expired:
        console.print(f"[red]EXPIRED[/red] attachment #{a.attachment_id} ({a.criterion_id}, "
                      f"{a.title!r}) was valid until {a.valid_until}")


def _stored_attachments(app: AppContext) -> list[AttachmentRecord]:
    """The attachments, without creating a SQLite database that does not exist yet."""
    url = parse_url(app.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return []
    return app.repo.list_attachments()


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
        table.add_row(c.id, c.category, c.title, _status(status, c.id in in_scope),
                      ", ".join(checks) or "[dim]none[/dim]", _att(ok, old))
    if fmt != "json":
        stdout_console().print(table)
