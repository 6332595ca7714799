"""The period report as one self-contained HTML page (inline CSS, no script, no network)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from collector.report.exceptions import ending, unknown_text
from collector.report.model import Coverage, PeriodReport
from storage.canonical import format_utc

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right}
.automated{color:#176317}.attached{color:#1f4f99}.partial{color:#9a6700}.none{color:#b42318}
.oos{color:#888}.expired{color:#b42318;font-weight:bold}.open{color:#b42318}
.unknown{color:#9a6700}
"""


def _cell(value: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    text = "" if value is None else str(value)
    return f"<td{attr}>{escape(text)}</td>"


def _table(head: Sequence[str], rows: Iterable[str]) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


_COV_HEAD = ("Runs expected", "Complete", "Partial", "Gap days", "Stale days", "Pass", "Fail",
             "Error", "Pass rate", "Exceptions", "Open")


def _cov(c: Coverage) -> str:
    values = (c.runs_expected, c.runs_complete, c.runs_partial, c.gap_days, c.stale_days,
              c.passed, c.failed, c.errors, _rate(c.pass_rate), c.exceptions, c.open_exceptions)
    return "".join(_cell(v, "n") for v in values)


def render_html(report: PeriodReport) -> str:
    """The whole page."""
    r = report
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>SOC 2 Type II evidence {r.start} to {r.end}</title><style>{_CSS}</style>",
        "</head><body>",
        f"<h1>SOC 2 Type II evidence: {r.start} to {r.end}</h1>",
        "<p>" + escape(
            f"State as of {r.as_of}. Schedule {r.schedule} (UTC): {r.runs_expected} collections "
            f"expected, {r.collections} collected, {r.collections_complete} complete. "
            f"Categories in scope: {', '.join(r.categories)}. "
            f"Criteria catalog {r.catalog_version}. "
            f"Last run's manifest: {r.head_manifest_sha256 or 'none'}.") + "</p>",
        "<h2>Criteria</h2>",
        _table(("Criterion", "Title", "Category", "Status", "Checks", "Controls", "Attachments",
                *_COV_HEAD),
               (_cell(c.id) + _cell(c.title) + _cell(c.category)
                + (_cell(c.status, c.status) if c.in_scope else _cell("out of scope", "oos"))
                + _cell(", ".join(c.checks)) + _cell(", ".join(c.controls))
                + _cell(_attachments(c.attachments_valid, c.attachments_expired),
                        "expired" if c.attachments_expired else "")
                + _cov(c.coverage) for c in r.criteria)),
    ]
    if r.controls:
        parts += ["<h2>Controls</h2>", _table(
            ("Control", "Title", "Criteria", "Frequency", "Status", "Checks", "Attachments",
             *_COV_HEAD),
            (_cell(c.id) + _cell(c.title) + _cell(", ".join(c.criteria)) + _cell(c.frequency)
             + _cell(c.status, c.status) + _cell(", ".join(c.checks))
             + _cell(_attachments(c.attachments_valid, c.attachments_expired),
                     "expired" if c.attachments_expired else "")
             + _cov(c.coverage) for c in r.controls))]
    parts += [
        "<h2>Checks</h2>",
        _table(("Check", "Title", "Criteria", "Frequency", *_COV_HEAD),
               (_cell(c.id) + _cell(c.title) + _cell(", ".join(c.criteria)) + _cell(c.frequency)
                + _cov(c.coverage) for c in r.checks)),
        f"<h2>Exceptions ({len(r.exceptions)})</h2>",
        "<p>" + escape(r.legend) + "</p>",
        _table(("Check", "Resource", "Scope", "Region", "First seen failing", "Fixed at",
                "Duration (h)", "Unknown", "Message"),
               (_cell(e.check_id) + _cell(e.resource_id) + _cell(e.scope) + _cell(e.region)
                + _cell(format_utc(e.first_seen) + (" (carried in)" if e.carried_in else ""))
                + _cell(*ending(e)) + _cell(f"{e.duration_s / 3600:.1f}", "n")
                + _cell(unknown_text(e), "unknown" if e.unknown else "") + _cell(e.message)
                for e in r.exceptions)),
        "<h2>Manual evidence</h2>",
        _table(("#", "Criterion", "Title", "File", "sha256", "Attached by", "Attached at",
                "Valid until", "State"),
               (_cell(a.attachment_id) + _cell(a.criterion_id) + _cell(a.title)
                + _cell(a.filename) + _cell(a.sha256) + _cell(a.attached_by)
                + _cell(format_utc(a.attached_at)) + _cell(a.valid_until or "no expiry")
                + (_cell("EXPIRED", "expired") if a.expired else _cell("valid"))
                for a in r.attachments)),
        f"<h2>Runs ({len(r.runs)})</h2>",
        _table(("Run", "Chain #", "Started", "Status", "Result sets", "Pass", "Fail", "Error",
                "Manifest sha256"),
               (_cell(x.run_id) + _cell(x.chain_seq, "n") + _cell(format_utc(x.started_at))
                + _cell(x.status) + _cell(x.result_sets, "n") + _cell(x.passed, "n")
                + _cell(x.failed, "n") + _cell(x.errors, "n") + _cell(x.manifest_sha256)
                for x in r.runs)),
        "</body></html>\n",
    ]
    return "".join(parts)


def _attachments(valid: Sequence[int], expired: Sequence[int]) -> str:
    text = f"{len(valid)} valid"
    if expired:
        text += f", {len(expired)} EXPIRED (#{', #'.join(str(i) for i in expired)})"
    return text
