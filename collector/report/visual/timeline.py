"""Exception intervals on a time axis: one row per check and resource, capped for reading.

Each bar runs from the first run that saw the resource failing to the run that observed it
fixed, or to the end of the period when still open (drawn with an open, arrowed end). Spans in
which the resource could not be judged are hatched over the bar. A bar accepted under a risk
is drawn in the accepted colour and labelled with the risk id. The rows shown are the open ones
first, then the longest; the rest are counted ("N more") and all are in the exceptions table.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from collector.report.visual.states import BY_CODE, UNKNOWN_FILL
from collector.report.visual.svg import Svg, el, text, title
from storage.timestamps import parse_timestamp

MAX_ROWS = 30
LABEL_W, PLOT_W, RIGHT_W = 360, 650, 180
ROW_H, TOP = 24, 26

Row = tuple[tuple[str, str, str, str, str], list[Mapping[str, Any]]]


def when(value: object) -> datetime:
    """A report timestamp (``...Z``) as an aware datetime (the one RFC 3339 parser)."""
    return parse_timestamp(str(value))


def span_text(seconds: float) -> str:
    """A duration in the unit that reads best: minutes, hours or days."""
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def rows_of(exceptions: Sequence[Mapping[str, Any]],
            limit: int | None = None) -> tuple[list[Row], int]:
    """Intervals grouped per check and resource, open ones first, then the longest (then by
    key): the first ``limit`` rows (all when ``None``) and how many rows there are."""
    grouped: dict[tuple[str, str, str, str, str], list[Mapping[str, Any]]] = {}
    for e in exceptions:
        key = (e["check_id"], e["resource_id"], e.get("provider", ""), e.get("scope", ""),
               e.get("region", ""))
        found = grouped.get(key)
        if found is None:
            grouped[key] = [e]
        else:
            found.append(e)

    def rank(item: Row) -> tuple[bool, int, tuple[str, ...]]:
        key, items = item
        if len(items) == 1:
            e = items[0]
            return (e["fixed_at"] is not None, -e["duration_s"], key)
        return (all(e["fixed_at"] is not None for e in items),
                -sum(e["duration_s"] for e in items), key)

    rows = (heapq.nsmallest(limit, grouped.items(), key=rank) if limit is not None
            else sorted(grouped.items(), key=rank))
    return rows, len(grouped)


def _bar(e: Mapping[str, Any], x_of: Any, y: float, period_end: datetime) -> str:
    first = when(e["first_seen"])
    fixed = when(e["fixed_at"]) if e.get("fixed_at") else None
    x0, x1 = x_of(first), x_of(fixed or period_end)
    risk = e.get("accepted_risk")
    colour = BY_CODE["a"].colour if risk else BY_CODE["f"].colour
    ending = f"fixed {e['fixed_at']} ({e.get('fixed_by')})" if fixed else "still open"
    tip = (f"{e['check_id']} {e['resource_id']}: failing from {e['first_seen']}, {ending}; "
           f"{span_text(int(e['duration_s']))}" + (f"; accepted risk {risk}" if risk else ""))
    parts = [el("rect", {"x": x0, "y": y + 5, "width": max(x1 - x0, 2.0), "height": 12.0,
                         "fill": colour, "class": "bar"}, title(tip))]
    for s in e.get("unknown") or ():
        u0 = x_of(when(s["since"]))
        u1 = x_of(when(s["until"])) if s.get("until") else x1
        parts.append(el("rect", {"x": u0, "y": y + 5, "width": max(u1 - u0, 1.0),
                                 "height": 12.0, "fill": UNKNOWN_FILL, "class": "unknown",
                                 "data-since": s["since"], "data-until": s.get("until") or "open"},
                        title(f"unknown from {s['since']} to {s.get('until') or 'end'}: "
                              f"{'read errored' if s.get('reason') == 'error' else 'not listed'}")))
    if fixed is None:
        parts.append(el("path", {"d": f"M{x1:.1f} {y + 3} l6 8 l-6 8 z", "fill": colour,
                                 "class": "open-end"}))
    if risk:
        parts.append(text(x0 + 2, y + 14.5, risk, {"class": "risk"}))
    return el("g", {"class": "interval", "data-check": e["check_id"],
                    "data-resource": e["resource_id"], "data-first-seen": e["first_seen"],
                    "data-fixed-at": e.get("fixed_at") or "open",
                    "data-duration-s": int(e["duration_s"]),
                    "data-unknown-s": int(e.get("unknown_s") or 0),
                    "data-accepted-risk": risk}, *parts)


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters in the middle (ids differ at both ends)."""
    if len(value) <= limit:
        return value
    head = limit // 3
    return value[:head] + "…" + value[len(value) - (limit - head - 1):]


def timeline(exceptions: Sequence[Mapping[str, Any]], start: date, end: date, as_of: date,
             *, in_progress: bool = False, limit: int = MAX_ROWS) -> tuple[str, int, int]:
    """The timeline SVG (up to ``limit`` rows), the rows shown and the rows left out. Open
    intervals run to the end of ``as_of`` (as their ``duration_s`` does); ``in_progress``
    marks that instant "now"."""
    shown, groups = rows_of(exceptions, limit)
    t0 = datetime.combine(start, time(), UTC)
    t1 = datetime.combine(end + timedelta(days=1), time(), UTC)
    total = max((t1 - t0).total_seconds(), 1.0)

    def x_of(at: datetime) -> float:
        frac = min(max((at - t0).total_seconds() / total, 0.0), 1.0)
        return LABEL_W + PLOT_W * frac

    height = TOP + len(shown) * ROW_H + 4
    pic = Svg(LABEL_W + PLOT_W + RIGHT_W, height,
              f"Exception intervals: {len(shown)} of {groups} checks and resources",
              "timeline")
    days = (end - start).days + 1
    for i in range(days):
        d = start + timedelta(days=i)
        if i == 0 or d.day == 1 or (days <= 62 and d.weekday() == 0 and 3 < d.day < 29
                                    and i > 3):
            x = x_of(datetime.combine(d, time(), UTC))
            label = d.strftime("%b") if days > 62 else d.strftime("%d %b")
            pic.add(el("line", {"class": "tick", "x1": x, "y1": 14.0, "x2": x, "y2": height}),
                    text(x + 2, 11, label, {"class": "month"}))
    until = datetime.combine(as_of + timedelta(days=1), time(), UTC)
    if in_progress:
        x = x_of(until)
        pic.add(el("line", {"class": "now", "x1": x, "y1": 14.0, "x2": x, "y2": height}),
                text(x + 2, 22, "now", {"class": "month"}))
    for n, ((check, resource, provider, scope, region), items) in enumerate(shown):
        y = TOP + n * ROW_H
        fixed = [e for e in items if e.get("fixed_at")]
        still = len(items) - len(fixed)
        total_s = sum(int(e["duration_s"]) for e in items)
        right = (f"open {span_text(total_s)}" if still else
                 f"fixed in {span_text(total_s)}") + (f" ({len(items)} times)" if len(items) > 1
                                                      else "")
        pic.add(el("g", {"class": "tl-row", "data-check": check, "data-resource": resource},
                   title(f"{check} — {resource} ({provider} {scope} {region})"),
                   text(4, y + 10, clip(check, 52), {"class": "tl-check"}),
                   text(4, y + 21, clip(resource, 60), {"class": "tl-res"}),
                   *(_bar(e, x_of, y, until) for e in items),
                   text(LABEL_W + PLOT_W + 10, y + 15, right, {"class": "tl-ttf"})))
    return pic.render(), len(shown), groups - len(shown)
