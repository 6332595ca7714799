"""summary.html: the period report for people, in one self-contained file.

:func:`render_report` draws it from the one report model (``PeriodReport``) with the same
visual components as ``evidence report --format html`` (``collector.report.visual``): the
calendar heatmap, the exception timeline, time to fix, coverage per category and the tables.
Inline CSS and inline SVG only, under a Content-Security-Policy that lets nothing else load: no
script, font, image or link, so it reads the same offline, years later.

:func:`render` is the older page drawn from ``collector.export.model.PeriodSummary``; it goes
when the bundle is made from the report model (issue 16, item 1).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from collector.export.csv import percent
from collector.export.model import CriterionRow, ExceptionInterval, PeriodSummary, RunPoint
from collector.report.exceptions import LEGEND
from collector.report.model import PeriodReport
from collector.report.visual.page import render_page
from storage.canonical import format_utc

MAX_EXCEPTION_ROWS = 2000
"""Exceptions listed in the page; all of them are in results.csv."""
CHART_W, CHART_H = 360, 64
CSP = "default-src 'none'; style-src 'unsafe-inline'"
"""Nothing but the inline style may load (no script, font, image or connection)."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#1d2430;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #dde3ea;
padding-bottom:.3rem}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e6eaef;vertical-align:middle}
th{background:#f4f6f9}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.8rem}
.fact{background:#f4f6f9;border-radius:.4rem;padding:.7rem}.fact b{display:block;font-size:1.3rem}
.good{color:#116329}.bad{color:#b42318}.warn{color:#9a6700}.muted{color:#5b6675}
.pill{display:inline-block;border-radius:1rem;padding:0 .55rem;font-size:.8rem;background:#eef1f5}
svg text{font-size:9px;fill:#5b6675}code{font-size:.85rem;word-break:break-all}
"""


def _fmt_dt(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def human_duration(delta: timedelta) -> str:
    """A duration as people say it: "3 days 4 hours", "2 hours 5 minutes", "40 minutes"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins and not days:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return " ".join(parts[:2]) or "under a minute"


def chart(points: tuple[RunPoint, ...], start: datetime, end: datetime) -> str:
    """An inline SVG line of the pass rate per run across the period (0-100 %)."""
    span = max((end - start).total_seconds(), 1.0)
    left, right, top, bottom = 28, CHART_W - 4, 6, CHART_H - 14
    segs: list[list[str]] = [[]]
    for p in sorted(points, key=lambda p: p.at):
        rate = p.rate
        if rate is None:
            segs.append([])
            continue
        x = left + (right - left) * (p.at - start).total_seconds() / span
        y = bottom - (bottom - top) * rate
        segs[-1].append(f"{x:.1f},{y:.1f}")
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="#2563eb" stroke-width="1.6"/>'
        if len(s) > 1 else
        f'<circle cx="{s[0].split(",")[0]}" cy="{s[0].split(",")[1]}" r="2" fill="#2563eb"/>'
        for s in segs if s)
    return (
        f'<svg role="img" aria-label="pass rate over the period" width="{CHART_W}" '
        f'height="{CHART_H}" viewBox="0 0 {CHART_W} {CHART_H}" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{left}" y1="{top}" x2="{right}" y2="{top}" stroke="#e6eaef"/>'
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#c5ccd6"/>'
        f'<text x="0" y="{top + 4}">100%</text><text x="8" y="{bottom + 3}">0%</text>'
        f'<text x="{left}" y="{CHART_H - 2}">{start:%Y-%m-%d}</text>'
        f'<text x="{right}" y="{CHART_H - 2}" text-anchor="end">{end:%Y-%m-%d}</text>'
        f"{lines}</svg>")


def _rate_cell(row: CriterionRow) -> str:
    rate = row.pass_rate
    if rate is None:
        return '<td class="num muted">—</td>'
    css = "good" if rate >= 0.99 else "warn" if rate >= 0.9 else "bad"
    return f'<td class="num {css}">{percent(rate)} %</td>'


def _criteria_table(summary: PeriodSummary, start: datetime, end: datetime) -> str:
    rows = []
    for row in summary.rows:
        if not row.in_scope:
            continue
        checks = "<br>".join(f"<code>{escape(c)}</code>" for c in row.checks) or (
            '<span class="muted">none</span>')
        graph = chart(row.points, start, end) if row.points else (
            f'<span class="warn">{escape(row.gap)}</span>' if row.gap else "")
        rows.append(
            f'<tr class="criterion" data-criterion="{escape(row.criterion_id)}">'
            f"<td><b>{escape(row.criterion_id)}</b><br>{escape(row.title)}</td><td>{checks}</td>"
            f'<td class="num">{row.passed}</td><td class="num">{row.failed}</td>'
            f'{_rate_cell(row)}<td class="num">{row.exceptions}</td><td>{graph}</td></tr>')
    return ("<table><thead><tr><th>Criterion</th><th>Automated checks</th>"
            '<th class="num">Passed</th><th class="num">Failed</th><th class="num">Pass rate</th>'
            '<th class="num">Exceptions</th><th>Pass rate over the period</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _exception_row(e: ExceptionInterval, title: str) -> str:
    fixed = (f'<span class="good">{_fmt_dt(e.fixed_at)}</span>' if e.fixed_at else
             f'<span class="bad">open, unknown since {_fmt_dt(e.unknown_since)}</span>'
             if e.unknown_since else '<span class="bad">still failing</span>')
    return (f'<tr class="exception" data-check="{escape(e.check_id)}">'
            f"<td><code>{escape(e.resource_id)}</code><br>"
            f'<span class="muted">{escape(e.provider)} {escape(e.scope)} {escape(e.region)}'
            f"</span></td><td>{escape(title or e.check_id)}<br><code>{escape(e.check_id)}</code>"
            f"</td><td>{escape(', '.join(e.criteria))}</td><td>{_fmt_dt(e.first_seen)}</td>"
            f"<td>{fixed}</td><td>{human_duration(e.duration)}</td>"
            f"<td>{escape(e.message)}</td></tr>")


def _exceptions(summary: PeriodSummary) -> str:
    if not summary.exceptions:
        return '<p class="good">No resource failed an automated check during the period.</p>'
    shown = summary.exceptions[:MAX_EXCEPTION_ROWS]
    more = len(summary.exceptions) - len(shown)
    note = (f'<p class="muted">{more} more exception(s) are not listed here; every failing '
            "result is in results.csv.</p>" if more else "")
    body = "".join(_exception_row(e, summary.titles.get(e.check_id, "")) for e in shown)
    return ("<table><thead><tr><th>Resource</th><th>Check</th><th>Criteria</th>"
            "<th>First seen failing</th><th>Fixed</th><th>Duration</th><th>Last message</th>"
            f"</tr></thead><tbody>{body}</tbody></table>{note}")


def _gaps(summary: PeriodSummary) -> str:
    items = [f'<li class="gap" data-criterion="{escape(r.criterion_id)}"><b>'
             f"{escape(r.criterion_id)}</b> {escape(r.title)} — {escape(r.gap)}</li>"
             for r in summary.rows if r.in_scope and r.gap]
    missing = summary.runs_expected - summary.runs_collected
    if summary.selection.kind == "type2" and missing > 0:
        items.insert(0, f'<li class="gap">{missing} scheduled run(s) missing: '
                        f"{summary.runs_collected} collected of {summary.runs_expected} "
                        "expected by the schedule.</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No gaps.</p>"


def render(summary: PeriodSummary, tool_version: str) -> bytes:
    """The whole page."""
    sel = summary.selection
    start = min(r.started_at for r in sel.runs)
    end = summary.period_end
    covered = sum(1 for r in summary.rows if r.in_scope and r.checks)
    in_scope = sum(1 for r in summary.rows if r.in_scope)
    still = sum(1 for e in summary.exceptions if e.fixed_at is None)
    title = (f"SOC 2 Type II evidence, {sel.start} to {sel.end}" if sel.kind == "type2" else
             f"SOC 2 Type I evidence as of {sel.end}")
    out_of_scope = ", ".join(r.criterion_id for r in summary.rows if not r.in_scope) or "none"
    attachments = ("".join(f"<li>{escape(a)}</li>" for a in summary.attachments)
                   if summary.attachments else "")
    attach = (f"<ul>{attachments}</ul>" if attachments else
              '<p class="muted">No manual evidence is attached to this bundle.</p>')
    facts = [("Runs collected", f"{summary.runs_collected} of {summary.runs_expected} expected"),
             ("Complete runs", str(summary.runs_complete)),
             ("Criteria with automated checks", f"{covered} of {in_scope} in scope"),
             ("Exceptions", f"{len(summary.exceptions)} ({still} still open)")]
    fact_html = "".join(f'<div class="fact">{escape(k)}<b>{escape(v)}</b></div>'
                        for k, v in facts)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="muted">Collected automatically from cloud configuration by evidence
{escape(tool_version)}. First run {_fmt_dt(start)}, last run {_fmt_dt(end)}. Chain head
<code>{escape(sel.head.manifest_sha256 or "")}</code>.</p>
<div class="facts">{fact_html}</div>
<h2 id="criteria">Criteria coverage and pass rate</h2>
<p>Each row is a SOC 2 criterion in scope. The pass rate is the share of passing results among
passing and failing ones over every run of the period; the line shows it run by run.</p>
{_criteria_table(summary, start, end)}
<p class="muted">Out of scope (categories not selected): {escape(out_of_scope)}.</p>
<h2 id="exceptions">Exceptions</h2>
<p>{escape(LEGEND)}</p>
{_exceptions(summary)}
<h2 id="gaps">Gaps</h2>
{_gaps(summary)}
<h2 id="attachments">Attachments</h2>
{attach}
<p class="muted">Generated {format_utc(end)}; see README.txt for how to verify this bundle.</p>
</body></html>
"""
    return page.encode("utf-8")


def render_report(report: PeriodReport, tool_version: str, *, type1: bool = False,
                  attachments: tuple[str, ...] = ()) -> bytes:
    """summary.html from the report model: ``type1`` for a one-run (Type I) bundle;
    ``attachments`` describes the manual evidence files the bundle holds."""
    d = report.to_dict()
    title = (f"SOC 2 Type I evidence as of {d['as_of']}" if type1 else
             f"SOC 2 Type II evidence, {d['start']} to {d['end']}")
    intro = (f'<p class="muted">Collected automatically from cloud configuration by evidence '
             f"{escape(tool_version)}. Chain head <code>"
             f"{escape(d.get('head_manifest_sha256') or '')}</code>.</p>")
    files = "".join(f"<li>{escape(a)}</li>" for a in attachments)
    footer = ('<section id="bundle-files"><h2>Attachments in this bundle</h2>'
              + (f"<ul>{files}</ul>" if files else
                 '<p class="muted">No manual evidence is attached to this bundle.</p>')
              + '<p class="muted">Every failing result is in results.csv; see README.txt for '
              "how to verify this bundle.</p></section>")
    return render_page(d, heading=title, intro=intro, footer=footer, csp=True).encode("utf-8")
