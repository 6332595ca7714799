"""The terminal tables of `evidence report` and `evidence criteria`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from collector.report.exceptions import ending
from collector.report.model import Coverage, PeriodReport
from storage.canonical import format_utc

_END_STYLE = {"open": "red", "unknown": "yellow"}
_STATUS_STYLE = {"automated": "green", "attached": "blue", "partial": "yellow", "none": "red"}


def status_markup(text: str, in_scope: bool = True) -> str:
    """A coverage status in its colour (or "out of scope", dimmed)."""
    if not in_scope:
        return "[dim]out of scope[/dim]"
    style = _STATUS_STYLE.get(text, "")
    return f"[{style}]{text}[/{style}]" if style else text


def _cov_cols(table: Table) -> None:
    for col in ("Runs exp.", "Complete", "Partial", "Gap d", "Stale d", "Failed", "Accepted",
                "Pass rate", "Excl. acc.", "Exc.", "Open"):
        table.add_column(col, justify="right", no_wrap=True)


def rate_text(rate: float | None) -> str:
    """A pass rate as a percentage ("-" when nothing was judged)."""
    return "-" if rate is None else f"{rate:.1%}"


def _cov(c: Coverage) -> list[str]:
    """The coverage cells: failures accepted under a risk apart, and the pass rate with them
    (observed) and without them."""
    return [str(c.runs_expected), str(c.runs_complete), str(c.runs_partial), str(c.gap_days),
            str(c.stale_days), str(c.failed), str(c.failed_accepted), rate_text(c.pass_rate),
            rate_text(c.pass_rate_excluding_accepted), str(c.exceptions),
            str(c.open_exceptions)]


def attachments_markup(valid: tuple[int, ...], expired: tuple[int, ...]) -> str:
    """How many attachments are valid, and how many expired (in red)."""
    text = str(len(valid))
    return text + (f" [red]+{len(expired)} EXPIRED[/red]" if expired else "")


def print_report(console: Console, rep: PeriodReport) -> None:
    """The report as terminal tables."""
    console.print(f"[bold]SOC 2 Type II evidence {rep.start} to {rep.end}[/bold] "
                  f"(state as of {rep.as_of}): schedule {rep.schedule!r} expected "
                  f"{rep.runs_expected} collections; {rep.collections} collected, "
                  f"{rep.collections_complete} complete.")
    if rep.progress.in_progress:
        console.print(f"[yellow]{rep.progress.text()}[/yellow]: later days are neither "
                      "expected nor gaps.")
    crit = Table(title="By criterion", title_justify="left")
    for col in ("Criterion", "Status", "Checks", "Controls", "Attach."):
        crit.add_column(col, overflow="fold")
    _cov_cols(crit)
    for c in rep.criteria:
        crit.add_row(c.id, status_markup(c.status, c.in_scope), str(len(c.checks)),
                     ", ".join(c.controls),
                     attachments_markup(c.attachments_valid, c.attachments_expired),
                     *_cov(c.coverage))
    console.print(crit)
    if rep.controls:
        ctl = Table(title="By control", title_justify="left")
        for col in ("Control", "Title", "Frequency", "Status", "Checks", "Attach."):
            ctl.add_column(col, overflow="fold")
        _cov_cols(ctl)
        for k in rep.controls:
            ctl.add_row(k.id, k.title, k.frequency, status_markup(k.status), str(len(k.checks)),
                        attachments_markup(k.attachments_valid, k.attachments_expired),
                        *_cov(k.coverage))
        console.print(ctl)
    chk = Table(title="By check", title_justify="left")
    for col in ("Check", "Criteria"):
        chk.add_column(col, overflow="fold")
    _cov_cols(chk)
    for ch in rep.checks:
        chk.add_row(ch.id, ", ".join(ch.criteria), *_cov(ch.coverage))
    console.print(chk)
    exc = Table(title=f"Exceptions ({len(rep.exceptions)})", title_justify="left")
    for col in ("Check", "Resource", "Scope", "First seen failing", "Fixed at", "Duration",
                "Accepted risk"):
        exc.add_column(col, overflow="fold")
    for e in rep.exceptions:
        text, style = ending(e)
        exc.add_row(e.check_id, e.resource_id, e.scope, format_utc(e.first_seen),
                    f"[{_END_STYLE[style]}]{escape(text)}[/]" if style else text,
                    f"{e.duration_s / 86400:.1f} d"
                    + (f" ({e.unknown_s / 86400:.1f} d unknown)" if e.unknown else ""),
                    e.accepted_risk or "")
    console.print(exc)
    console.print(f"[dim]{escape(rep.legend)}[/dim]")
    if rep.risks:
        risks = Table(title=f"Accepted risks ({len(rep.risks)})", title_justify="left")
        for col in ("Risk", "Check", "Resource", "Approver", "Effective", "Expires", "Status",
                    "Accepted"):
            risks.add_column(col, overflow="fold")
        for r in rep.risks:
            risks.add_row(r.risk_id, r.check, r.resource, r.approver, str(r.effective_from),
                          str(r.expires), r.status + (" (back-dated)" if r.backdated else ""),
                          str(r.failed_accepted))
        console.print(risks)
    expired = [a for a in rep.attachments if a.expired]
    for a in expired:
        console.print(f"[red]EXPIRED[/red] attachment #{a.attachment_id} ({a.criterion_id}, "
                      f"{a.title!r}) was valid until {a.valid_until}")
