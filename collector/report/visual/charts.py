"""Bar charts: time to fix per criterion (median and 90th percentile) and coverage per category.

Every bar carries the report's own numbers as data attributes, written as JSON (``null`` when
the report has none), so a reader (or a test) gets back exactly what ``report --format json``
says; the labels print them rounded for people.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from collector.report.visual.svg import Svg, el, text, title
from collector.report.visual.timeline import span_text

LABEL_W, PLOT_W, RIGHT_W, ROW_H = 90, 640, 330, 20
MEDIAN, P90, COVERED, EMPTY = "#0072B2", "#9ecae1", "#009E73", "#eeeeee"


def jnum(value: object) -> str:
    """A number as ``report --format json`` writes it (``null`` for none)."""
    return json.dumps(value)


def time_to_fix(rows: Sequence[Mapping[str, Any]]) -> str:
    """Median and p90 time to fix per criterion, for criteria with at least one fix."""
    fixed = [r for r in rows if r.get("median_s") is not None]
    if not fixed:
        return '<p class="muted">No exception was fixed in the period.</p>'
    top = max(float(r.get("p90_s") or r["median_s"]) for r in fixed) or 1.0
    pic = Svg(LABEL_W + PLOT_W + RIGHT_W, len(fixed) * ROW_H + 6,
              "Time to fix per criterion: median and 90th percentile", "ttf")
    for n, r in enumerate(fixed):
        y = 4 + n * ROW_H
        med, p90 = float(r["median_s"]), float(r.get("p90_s") or r["median_s"])
        label = (f"median {span_text(med)} · p90 {span_text(p90)} · "
                 f"{r.get('fixed', 0)} fixed")
        pic.add(el("g", {"class": "ttf-row", "data-criterion": r["criterion"],
                         "data-median-s": jnum(r.get("median_s")),
                         "data-p90-s": jnum(r.get("p90_s")), "data-fixed": jnum(r.get("fixed"))},
                   title(f"{r['criterion']}: {label}"),
                   text(LABEL_W - 6, y + 12, r["criterion"], {"class": "rl",
                                                              "text-anchor": "end"}),
                   el("rect", {"x": float(LABEL_W), "y": y + 2.0,
                               "width": max(PLOT_W * p90 / top, 1.0), "height": 12.0,
                               "fill": P90, "class": "p90"}),
                   el("rect", {"x": float(LABEL_W), "y": y + 5.0,
                               "width": max(PLOT_W * med / top, 1.0), "height": 6.0,
                               "fill": MEDIAN, "class": "median"}),
                   text(LABEL_W + PLOT_W + 8, y + 12, label, {"class": "val"})))
    key = (f'<p class="key muted"><span class="swatch" style="background:{MEDIAN}"></span> median '
           f'<span class="swatch" style="background:{P90}"></span> 90th percentile '
           f"(scale: 0 to {span_text(top)}; closed exceptions only)</p>")
    return pic.render() + key


def categories(rows: Sequence[Mapping[str, Any]]) -> str:
    """Share of each category's criteria with evidence in the period."""
    if not rows:
        return ""
    plot = PLOT_W - 140
    pic = Svg(LABEL_W + 80 + plot + RIGHT_W, len(rows) * ROW_H + 6,
              "Coverage per category: criteria with evidence", "cats")
    for n, r in enumerate(rows):
        y = 4 + n * ROW_H
        total, got = int(r.get("criteria") or 0), int(r.get("evidenced") or 0)
        share = got / total if total else 0.0
        cov = r.get("coverage")
        scope = "in scope" if r.get("in_scope") else "out of scope"
        label = (f"{got} of {total} criteria evidenced"
                 + (f" ({float(cov):.0%})" if cov is not None else "") + f" · {scope}")
        x = LABEL_W + 80
        pic.add(el("g", {"class": "cat-row", "data-category": r["category"],
                         "data-criteria": jnum(r.get("criteria")),
                         "data-evidenced": jnum(r.get("evidenced")),
                         "data-coverage": jnum(cov), "data-in-scope": jnum(r.get("in_scope"))},
                   title(f"{r['category']}: {label}"),
                   text(4, y + 12, r["category"], {"class": "rl"}),
                   el("rect", {"x": float(x), "y": y + 2.0, "width": float(plot),
                               "height": 12.0, "fill": EMPTY}),
                   el("rect", {"x": float(x), "y": y + 2.0, "width": plot * share,
                               "height": 12.0, "fill": COVERED if r.get("in_scope")
                               else "#999999"}),
                   text(x + plot + 8, y + 12, label, {"class": "val"})))
    return pic.render()
