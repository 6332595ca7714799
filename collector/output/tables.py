"""Rich tables for the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console
from rich.table import Table

from collector.plugin import Check, Remediation
from collector.results import ResultRow
from collector.risks.book import RiskBook
from collector.summary import RunSummary, Tally
from config.criteria import Catalog
from storage.canonical import format_utc
from storage.records import RunRecord

VERDICT_STYLE = {"pass": "green", "fail": "red", "error": "yellow", "n/a": "dim",
                 "no resources": "dim", "not_applicable": "dim"}


def stdout_console() -> Console:
    """The console for tables on stdout: the terminal's width, or 160 columns when piped."""
    probe = Console()
    return probe if probe.is_terminal else Console(width=160)


def _verdict(text: str) -> str:
    style = VERDICT_STYLE.get(text, "")
    return f"[{style}]{text}[/{style}]" if style else text


def _rate(t: Tally) -> str:
    rate = t.pass_rate
    return "-" if rate is None else f"{rate:.0%}"


def print_summary(console: Console, summary: RunSummary, catalog: Catalog) -> None:
    run = summary.run
    crit = Table(title=f"Run {run.run_id} — by SOC 2 criterion", title_justify="left")
    crit.add_column("Criterion", no_wrap=True)
    crit.add_column("Title", max_width=50, no_wrap=True, overflow="ellipsis")
    for col in ("Checks", "Pass", "Fail", "Error", "N/A", "Pass rate"):
        crit.add_column(col, justify="right", no_wrap=True)
    crit.add_column("Verdict", no_wrap=True)
    order = {c.id: i for i, c in enumerate(catalog.criteria)}
    for cid in sorted(summary.by_criterion, key=lambda c: order.get(c, 999)):
        t = summary.by_criterion[cid]
        title = catalog.get(cid).title if cid in catalog else ""
        crit.add_row(cid, title, str(len(t.checks)), str(t.passed), str(t.failed),
                     str(t.errors), str(t.not_applicable), _rate(t), _verdict(t.verdict))
    console.print(crit)
    checks = Table(title="By check", title_justify="left")
    checks.add_column("Check", no_wrap=True)
    checks.add_column("Criteria")
    for col in ("Pass", "Fail", "Error", "N/A"):
        checks.add_column(col, justify="right", no_wrap=True)
    checks.add_column("Verdict", no_wrap=True)
    for check_id, t in summary.by_check.items():
        checks.add_row(check_id, ", ".join(summary.criteria.get(check_id, ())), str(t.passed),
                       str(t.failed), str(t.errors), str(t.not_applicable), _verdict(t.verdict))
    console.print(checks)
    total = summary.total
    status = {"complete": "[green]complete[/green]", "partial": "[yellow]partial[/yellow]"}.get(
        run.status, f"[red]{run.status}[/red]")
    accepted = f" ({total.accepted} accepted as risks)" if total.accepted else ""
    console.print(f"Run [bold]{run.run_id}[/bold] {status}: "
                  f"{total.passed} pass, {total.failed} fail{accepted}, {total.errors} error, "
                  f"{total.not_applicable} not applicable")


def print_runs(console: Console, runs: Iterable[RunRecord]) -> None:
    table = Table(title="Runs (newest first)", title_justify="left")
    for col in ("Run", "Status", "Started (UTC)", "Finished (UTC)", "Chain #", "Identities"):
        table.add_column(col)
    for r in runs:
        table.add_row(r.run_id, r.status, format_utc(r.started_at),
                      format_utc(r.finished_at) if r.finished_at else "-",
                      "-" if r.chain_seq is None else str(r.chain_seq),
                      "\n".join(r.identities))
    console.print(table)


def print_results(console: Console, rows: Iterable[ResultRow],
                  fixes: Mapping[str, Remediation] | None = None,
                  risks: RiskBook | None = None) -> None:
    """Results as a table; failing ones with how to fix them (when the check says) and the
    accepted risk covering them, if any."""
    listed = list(rows)
    fixes = fixes or {}
    guide = any(r.status == "fail" and r.check_id in fixes for r in listed)
    table = Table(title="Results", title_justify="left")
    for col in ("Check", "Scope", "Region", "Resource", "Status", "Message"):
        table.add_column(col, overflow="fold")
    if guide:
        table.add_column("How to fix", overflow="fold")
    for r in listed:
        accepted = r.accepted_by(risks)
        status = _verdict(r.status) + (f" (accepted: {accepted})" if accepted else "")
        cells = [r.check_id, r.scope, r.region, r.resource_id, status, r.full_message]
        if guide:
            fix = fixes.get(r.check_id) if r.status == "fail" else None
            cells.append(fix.one_line() if fix else "")
        table.add_row(*cells)
    console.print(table)


def print_checks(console: Console, checks: Sequence[Check]) -> None:
    table = Table(title=f"{len(checks)} checks", title_justify="left")
    for col in ("Check", "Title", "Criteria", "Scope", "Params", "Origin"):
        table.add_column(col, overflow="fold")
    for c in checks:
        params = ", ".join(f"{p.name}={p.default!r}" for p in c.params) or "-"
        table.add_row(c.id, c.title, ", ".join(c.criteria), c.scoping, params, c.origin)
    console.print(table)
