"""The report's tables, narrow enough for a 1400 px page (at most eight columns, text wraps).

Rendered from the report's JSON form (``PeriodReport.to_dict()``), so each number is the one
``report --format json`` prints; numeric cells carry it again in ``data-v``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from collector.report.visual.svg import esc
from collector.report.visual.timeline import span_text

Obj = Mapping[str, Any]


def cell(value: object, cls: str = "") -> str:
    """A text cell (``None`` is empty)."""
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{'' if value is None else esc(value)}</td>"


def ncell(value: object, shown: str | None = None, cls: str = "n") -> str:
    """A numeric cell: ``shown`` (default: the value) and the exact value in ``data-v``."""
    text = "" if value is None else str(value) if shown is None else shown
    return f'<td class="{cls}" data-v="{esc(jtext(value))}">{esc(text)}</td>'


def jtext(value: object) -> str:
    """``value`` as ``report --format json`` writes it (``null``, ``true``, ``12``, ``0.5``)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)


def rate(value: object) -> str:
    """A pass rate for people: ``97.3%`` or ``-`` when nothing was judged."""
    return "-" if value is None else f"{float(str(value)):.1%}"


def table(head: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    """A table; ``rows`` are rendered ``<tr>`` elements."""
    header = "".join(f"<th>{esc(h)}</th>" for h in head)
    attr = f' class="{cls}"' if cls else ""
    return (f"<table{attr}><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table>")


def _name(ident: str, title: str) -> str:
    return f"<td><b>{esc(ident)}</b><br><span class=\"muted\">{esc(title)}</span></td>"


def _accepted(cov: Obj) -> str:
    n = cov.get("failed_accepted")
    return f" ({n} accepted)" if n else ""


def criteria(rows: Sequence[Obj]) -> str:
    """One row per criterion: status, pass rate, failures, gap days, exceptions."""
    out = []
    for c in rows:
        cov = c["coverage"]
        status = c["status"] if c.get("in_scope") else "out of scope"
        out.append(
            f'<tr class="criterion" data-criterion="{esc(c["id"])}">' + _name(c["id"], c["title"])
            + cell(c.get("category")) + cell(status, "st-" + str(status).replace(" ", "-"))
            + ncell(cov.get("pass_rate"), rate(cov.get("pass_rate")))
            + ncell(cov.get("failed"), f"{cov.get('failed')}{_accepted(cov)}")
            + ncell(cov.get("gap_days")) + ncell(cov.get("exceptions"))
            + ncell(cov.get("open_exceptions")) + "</tr>")
    return table(("Criterion", "Category", "Status", "Pass rate", "Failed", "Gap days",
                  "Exceptions", "Open"), out)


def _remediation(rem: Obj | None) -> str:
    if not rem:
        return ""
    parts = [f"<p>{esc(rem.get('summary', ''))}</p>"]
    for key, label in (("console", "Console"), ("cli", "CLI"), ("terraform", "Terraform"),
                       ("docs", "Documentation")):
        if rem.get(key):
            parts.append(f"<h4>{label}</h4><pre>{esc(rem[key])}</pre>")
    return (f'<details class="rem"><summary>How to fix</summary>{"".join(parts)}</details>')


def checks(rows: Sequence[Obj]) -> str:
    """One row per check; checks with failures show their remediation."""
    out = []
    for c in rows:
        cov = c["coverage"]
        rem = _remediation(c.get("remediation")) if cov.get("failed") else ""
        out.append(
            f'<tr class="check" data-check="{esc(c["id"])}">' + _name(c["id"], c.get("title", ""))
            + cell(", ".join(c.get("criteria", ())))
            + ncell(cov.get("pass_rate"), rate(cov.get("pass_rate")))
            + ncell(cov.get("failed"), f"{cov.get('failed')}{_accepted(cov)}")
            + ncell(cov.get("errors")) + ncell(cov.get("exceptions"))
            + ncell(cov.get("open_exceptions")) + f"<td class=\"wide\">{rem}</td></tr>")
    return table(("Check", "Criteria", "Pass rate", "Failed", "Errors", "Exceptions", "Open",
                  "Remediation"), out)


def ending(e: Obj) -> tuple[str, str]:
    """How an exception ended, and its style (as ``collector.report.exceptions.ending``)."""
    if e.get("fixed_at"):
        how = "deleted" if e.get("fixed_by") == "absent" else e.get("fixed_by")
        return f"{e['fixed_at']} ({how})", "fixed"
    spans = e.get("unknown") or ()
    if spans and spans[-1].get("until") is None:
        return f"open, unknown since {spans[-1]['since']}", "unknown"
    return "still failing", "open"


def unknown(e: Obj) -> str:
    """The spans in which the resource could not be judged ("" when none)."""
    spans = e.get("unknown") or ()
    if not spans:
        return ""
    text = "; ".join(
        f"{s['since']} to {s.get('until') or 'end'} "
        f"({'read errored' if s.get('reason') == 'error' else 'not listed, check errored'})"
        for s in spans)
    return f"{int(e.get('unknown_s') or 0) / 86400:.1f} d: {text}"


def exceptions(rows: Sequence[Obj]) -> str:
    """Every exception interval, chronologically (a year holds tens of thousands: the texts
    that repeat, such as ids, times and messages, are escaped once)."""
    seen: dict[object, str] = {}

    def e_(value: object) -> str:
        found = seen.get(value)
        if found is None:
            found = seen[value] = esc(value)
        return found

    out = []
    for e in rows:
        end, cls = ending(e)
        risk = e.get("accepted_risk")
        check, rid = e_(e["check_id"]), e_(e["resource_id"])
        where = e_(f"{e.get('provider', '')} {e.get('scope', '')} {e.get('region', '')}")
        first = e_(e["first_seen"]) + (" (carried in)" if e.get("carried_in") else "")
        seconds = int(e["duration_s"])
        spans = unknown(e)
        out.append(
            f'<tr class="exception" data-check="{check}" data-resource="{rid}">'
            f'<td><code>{check}</code></td><td><code>{rid}</code><br><span class="muted">'
            f'{where}</span></td><td>{first}</td><td class="{cls}">{e_(end)}</td>'
            f'<td class="n" data-v="{seconds}">{span_text(seconds)}</td>'
            + (f'<td class="unknown">{esc(spans)}</td>' if spans else "<td></td>")
            + (f'<td class="accepted">{e_(risk)}</td>' if risk else "<td></td>")
            + f"<td>{e_(e.get('message') or '')}</td></tr>")
    return table(("Check", "Resource", "First seen failing", "Fixed at", "Time to fix",
                  "Unknown", "Accepted risk", "Message"), out, "exc")


def risks(rows: Sequence[Obj]) -> str:
    """Accepted risks overlapping the period."""
    out = []
    for r in rows:
        where = " ".join(str(r.get(k) or "") for k in ("provider", "scope", "region")).strip()
        until = r.get("expires") or "no expiry"
        state = str(r.get("status", "")) + (" (backdated)" if r.get("backdated") else "")
        out.append(
            f'<tr class="risk" data-risk="{esc(r["risk_id"])}"><td><b>{esc(r["risk_id"])}</b>'
            f"</td><td><code>{esc(r.get('check'))}</code><br><code>{esc(r.get('resource'))}"
            f"</code><br><span class=\"muted\">{esc(where)}</span></td>"
            + cell(r.get("reason")) + cell(f"{r.get('approver')} ({r.get('approved_at')})")
            + cell(f"{r.get('effective_from')} to {until}") + cell(state)
            + cell(r.get("ticket")) + "</tr>")
    return table(("Risk", "Check and resource", "Reason", "Approved by", "In force", "Status",
                  "Ticket"), out)


def controls(rows: Sequence[Obj]) -> str:
    """One row per control of the organisation's matrix."""
    out = [f'<tr class="control" data-control="{esc(c["id"])}">' + _name(c["id"], c["title"])
           + cell(", ".join(c.get("criteria", ()))) + cell(c.get("frequency"))
           + cell(c.get("status"), "st-" + str(c.get("status")))
           + cell(", ".join(c.get("checks", ())))
           + ncell(c["coverage"].get("pass_rate"), rate(c["coverage"].get("pass_rate")))
           + ncell(c["coverage"].get("gap_days")) + ncell(c["coverage"].get("exceptions"))
           + "</tr>" for c in rows]
    return table(("Control", "Criteria", "Frequency", "Status", "Checks", "Pass rate",
                  "Gap days", "Exceptions"), out)


def attachments(rows: Sequence[Obj]) -> str:
    """Manual evidence known on the as-of day."""
    out = [f"<tr>{ncell(a['attachment_id'])}{cell(a.get('criterion_id'))}{cell(a.get('title'))}"
           f"<td>{esc(a.get('filename'))}<br><code class=\"muted\">{esc(a.get('sha256'))}</code>"
           f"</td>{cell(_attached(a))}"
           f"{cell(a.get('valid_until') or 'no expiry')}"
           + (cell("EXPIRED", "expired") if a.get("expired") else cell("valid")) + "</tr>"
           for a in rows]
    return table(("#", "Criterion", "Title", "File and sha256", "Attached", "Valid until",
                  "State"), out)


def _attached(a: Obj) -> str:
    return f"{a.get('attached_by')}, {a.get('attached_at')}"


def runs(rows: Sequence[Obj]) -> str:
    """The period's sealed runs, in chain order."""
    out = [f'<tr class="run">{cell(r["run_id"])}{ncell(r.get("chain_seq"))}'
           f"{cell(r.get('started_at'))}{cell(r.get('status'))}{ncell(r.get('result_sets'))}"
           f"{ncell(r.get('passed'))}{ncell(r.get('failed'))}{ncell(r.get('errors'))}</tr>"
           for r in rows]
    return table(("Run", "Chain #", "Started", "Status", "Result sets", "Pass", "Fail", "Error"),
                 out)
