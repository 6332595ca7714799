"""The visual period report: one self-contained HTML page from the report's JSON form.

Input is ``PeriodReport.to_dict()`` (what ``report --format json`` prints), so every number in
the page is that report's; sections whose data the report does not carry are left out. No
script, font, image or stylesheet is loaded (``csp`` adds a policy that says so): inline CSS
and inline SVG only, readable offline and on paper.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from collector.report.visual import charts, tables
from collector.report.visual.css import CSS
from collector.report.visual.heatmap import heatmap, legend
from collector.report.visual.states import defs
from collector.report.visual.svg import esc
from collector.report.visual.timeline import MAX_ROWS, timeline, when

CSP = "default-src 'none'; style-src 'unsafe-inline'"
"""Nothing but the inline style may load (no script, font, image or connection)."""
OPEN_TABLE_ROWS = 200
"""Longer exception tables start folded (``<details>``): the timeline shows the worst."""

Obj = Mapping[str, Any]


def _fact(key: str, label: str, value: object, shown: str) -> str:
    return (f'<div class="fact" data-fact="{esc(key)}" data-v="{esc(json.dumps(value))}">'
            f"{esc(label)}<b>{esc(shown)}</b></div>")


def _facts(d: Obj) -> str:
    cats = [c for c in d.get("categories") or () if isinstance(c, Mapping) and c.get("in_scope")]
    if cats:  # the report's own per-category counts
        evidenced = sum(int(c["evidenced"]) for c in cats)
        total = sum(int(c["criteria"]) for c in cats)
    else:
        in_scope = [c for c in d.get("criteria", ()) if c.get("in_scope")]
        evidenced = sum(1 for c in in_scope if c.get("status") != "none")
        total = len(in_scope)
    exc: Sequence[Obj] = d.get("exceptions", ())
    still = sum(1 for e in exc if e.get("fixed_at") is None)
    accepted = sum(1 for e in exc if e.get("accepted_risk"))
    facts = [
        _fact("collections", "Collections", d.get("collections"),
              f"{d.get('collections')} of {d.get('runs_expected')} expected"),
        _fact("collections_complete", "Complete collections", d.get("collections_complete"),
              str(d.get("collections_complete"))),
        _fact("criteria_evidenced", "Criteria in scope with evidence", evidenced,
              f"{evidenced} of {total}"),
        _fact("exceptions", "Exceptions", len(exc), f"{len(exc)} ({still} open)"),
    ]
    if accepted:
        facts.append(_fact("accepted", "Accepted under a risk", accepted, str(accepted)))
    return f'<div class="facts">{"".join(facts)}</div>'


def _progress(d: Obj) -> str:
    p = d.get("progress")
    if not isinstance(p, Mapping) or not p.get("in_progress"):
        return ""
    n, m = p.get("elapsed_days"), p.get("total_days")
    return (f'<p class="banner" data-elapsed-days="{esc(n)}" data-total-days="{esc(m)}">'
            f"period in progress: {esc(n)} of {esc(m)} days elapsed</p>")


def _heatmap(d: Obj) -> str:
    daily = d.get("daily")
    if not isinstance(daily, Mapping) or not daily.get("criteria"):
        return '<p class="muted">This report has no day-by-day states.</p>'
    rows: Sequence[Obj] = d.get("criteria", ())
    pic, counts = heatmap(daily, [c["id"] for c in rows], {c["id"]: c["title"] for c in rows})
    names = daily.get("codes") if isinstance(daily.get("codes"), Mapping) else {}
    return (f'<div class="figure"><div class="scroll">{pic}</div>'
            f"{legend(counts, names or {})}</div>"
            '<p class="muted">One row per criterion, one column per day (UTC). Each state has '
            "its own colour, pattern and letter; hover a run for its days.</p>")


def _timeline(d: Obj) -> str:
    exc: Sequence[Obj] = d.get("exceptions", ())
    if not exc:
        return '<p class="good">No resource failed an automated check in the period.</p>'
    start, end = (when(f"{d[k]}T00:00:00+00:00").date() for k in ("start", "end"))
    as_of = when(f"{d.get('as_of') or d['end']}T00:00:00+00:00").date()
    progress = d.get("progress") if isinstance(d.get("progress"), Mapping) else {}
    pic, shown, more = timeline(exc, start, end, as_of,
                                in_progress=bool(progress and progress.get("in_progress")),
                                limit=MAX_ROWS)
    note = (f'<p class="more" data-shown="{shown}" data-more="{more}">{more} more checks and '
            f"resources with exceptions are not drawn; every one of the {len(exc)} intervals "
            "is in the table below.</p>" if more else
            f'<p class="more" data-shown="{shown}" data-more="0">Every check and resource with '
            "an exception is drawn.</p>")
    return (f'<div class="figure"><div class="scroll">{pic}</div></div>{note}'
            '<p class="muted">Bars run from first seen failing to the run that observed the fix; '
            "an arrowed end is still open; hatched spans could not be judged (unknown); accepted "
            "exceptions are drawn in purple with their risk id.</p>")


def _exception_table(d: Obj) -> str:
    exc: Sequence[Obj] = d.get("exceptions", ())
    if not exc:
        return ""
    fold = " open" if len(exc) <= OPEN_TABLE_ROWS else ""
    return (f'<details class="all-exc"{fold}><summary>All {len(exc)} exception intervals'
            f'</summary><div class="scroll">{tables.exceptions(exc)}</div></details>')


def _section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{esc(heading)}</h2>{body}</section>' if body else ""


def render_page(d: Obj, *, heading: str, intro: str = "", footer: str = "",
                csp: bool = False) -> str:
    """The whole page for report dict ``d``; ``intro`` and ``footer`` are trusted HTML;
    ``csp``: with a Content-Security-Policy that lets nothing but the inline style load."""
    cats = d.get("categories") or ()
    cat_rows = [c for c in cats if isinstance(c, Mapping)]
    in_scope = [c["category"] for c in cat_rows if c.get("in_scope")] if cat_rows else \
        [str(c) for c in cats]
    about = (f"State as of {d.get('as_of')}. Schedule {d.get('schedule')} (UTC). Categories in "
             f"scope: {', '.join(in_scope) or 'security'}. Criteria catalog "
             f"{d.get('catalog_version')}. Last run's manifest: "
             f"{d.get('head_manifest_sha256') or 'none'}.")
    ttf = d.get("time_to_fix")
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' if csp else "",
        f"<title>{esc(heading)}</title><style>{CSS}</style></head><body>", defs(), "<main>",
        f"<h1>{esc(heading)}</h1>", intro, _progress(d),
        f'<p class="muted about">{esc(about)}</p>', _facts(d),
        _section("daily", "Criteria day by day", _heatmap(d)),
        _section("categories", "Coverage per category", charts.categories(cat_rows)),
        _section("time-to-fix", "Time to fix per criterion",
                 charts.time_to_fix(ttf) if isinstance(ttf, list) else ""),
        _section("timeline", "Exceptions over time",
                 _timeline(d) + f"<p>{esc(d.get('legend', ''))}</p>" + _exception_table(d)),
        _section("criteria", "Criteria", tables.criteria(d.get("criteria", ()))),
        _section("checks", "Checks", tables.checks(d.get("checks", ()))),
        _section("risks", "Accepted risks", tables.risks(d["risks"]) if d.get("risks") else ""),
        _section("controls", "Controls",
                 tables.controls(d["controls"]) if d.get("controls") else ""),
        _section("attachments", "Manual evidence",
                 tables.attachments(d["attachments"]) if d.get("attachments") else
                 '<p class="muted">No manual evidence attached.</p>'),
        _section("runs", f"Runs ({len(d.get('runs', ()))})",
                 f"<details><summary>Every sealed run of the period</summary>"
                 f"{tables.runs(d.get('runs', ()))}</details>"),
        footer, "</main></body></html>\n",
    ]
    return "".join(parts)
