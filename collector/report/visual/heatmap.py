"""The calendar heatmap: one row per criterion, one column per day of the period.

Consecutive days in the same state are drawn as one run (a year of mostly-steady criteria stays
a few thousand shapes); every run carries its state, first day and length as data attributes
and a tooltip, and every row its whole ``daily`` string, so the picture can be read back and
compared with ``report --format json``. Short periods have cells wide enough for the state's
letter in each day (on the state's colour); long ones draw each state's own pattern and put the
letter on a light tab along each run (see ``collector.report.visual.states``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby

from collector.report.visual.states import STATES, State, state
from collector.report.visual.svg import Attr, Svg, el, esc, text, title

LABEL_W = 64
WIDTH = 1180
"""Width of the drawing area (days), so the picture fits a 1400 px page."""
ROW_H, GAP, TOP = 14, 3, 30
LETTER_EVERY = 180
"""In narrow cells a long run repeats its letter about this often (px)."""


def day_width(days: int) -> float:
    """Width of one day: fills ``WIDTH``, between 2 and 18 px (whole pixels for short periods)."""
    if days <= 0:
        return 18.0
    width = WIDTH / days
    return float(min(18, int(width))) if width >= 4 else max(2.0, round(width, 2))


def runs(codes: str) -> Iterator[tuple[int, str, int]]:
    """(first day index, code, length) of each run of equal codes."""
    at = 0
    for code, group in groupby(codes):
        n = sum(1 for _ in group)
        yield at, code, n
        at += n


def _ticks(start: date, days: int, cw: float, height: float) -> list[str]:
    """Month ticks (and, for periods of up to two months, Monday ticks with the day)."""
    out = []
    for i in range(days):
        d = start + timedelta(days=i)
        x = LABEL_W + i * cw
        if d.day == 1 or i == 0:
            label = d.strftime("%b") + (f" {d.year}" if d.month == 1 or i == 0 else "")
            out.append(el("line", {"class": "tick", "x1": x, "y1": 12.0, "x2": x,
                                   "y2": height, "data-month": d.strftime("%Y-%m")}))
            out.append(text(x + 2, 10, label, {"class": "month"}))
        elif days <= 62 and d.weekday() == 0 and 2 < d.day < 29 and i > 2:
            out.append(el("line", {"class": "week", "x1": x, "y1": 18.0, "x2": x,
                                   "y2": height}))
            out.append(text(x + 1, 26, d.day, {"class": "day"}))
    return out


def _letters(s: State, x: float, n: int, cw: float, y: float) -> str:
    """Wide cells: the letter in each day. Narrow cells: the letter on a light tab in the middle
    of each stretch of about ``LETTER_EVERY`` px of the run (none in runs under 14 px)."""
    base = y + ROW_H - 3.5
    if cw >= 9:
        return "".join(text(x + (i + 0.5) * cw, base, s.letter, {"class": "cl", "fill": s.ink})
                       for i in range(n))
    width = n * cw
    if width < 14:
        return ""
    parts = max(1, int(width // LETTER_EVERY))
    out = []
    for k in range(parts):
        cx = x + width * (k + 0.5) / parts
        out.append(el("rect", {"class": "tab", "x": cx - 5, "y": y + 2.0, "width": 10.0,
                               "height": 10.0, "rx": 2.0, "fill": "#ffffff"}))
        out.append(text(cx, base, s.letter, {"class": "cl", "fill": "#1d2430"}))
    return "".join(out)


def _run(crit: str, start: date, first: int, s: State, n: int, cw: float, y: float) -> str:
    x = LABEL_W + first * cw
    begin = start + timedelta(days=first)
    tip = (f"{crit}: {s.name}, {begin}" + (f" to {begin + timedelta(days=n - 1)} ({n} days)"
                                            if n > 1 else ""))
    outline = s.colour == "#ffffff"
    stroke: dict[str, Attr] = {"stroke": "#888888", "stroke-width": 0.6} if outline else {}
    rect = el("rect", {"x": x, "y": y, "width": n * cw, "height": float(ROW_H),
                       "fill": s.colour if cw >= 9 else s.fill, "data-state": s.code,
                       "data-from": begin.isoformat(), "data-days": n, **stroke}, title(tip))
    return rect + _letters(s, x, n, cw, y)


def heatmap(daily: Mapping[str, object], order: Sequence[str],
            titles: Mapping[str, str]) -> tuple[str, Counter[str]]:
    """The heatmap SVG of ``daily`` (the report's ``daily`` object) with rows in ``order``,
    and how many criterion-days each state has."""
    start = date.fromisoformat(str(daily["start"]))
    rows_in = daily.get("criteria")
    rows: Mapping[str, str] = rows_in if isinstance(rows_in, Mapping) else {}
    ids = [c for c in order if c in rows] + sorted(c for c in rows if c not in set(order))
    days = max((len(rows[c]) for c in ids), default=0)
    cw = day_width(days)
    height = TOP + len(ids) * (ROW_H + GAP)
    pic = Svg(LABEL_W + days * cw + 4, height + 2,
              f"Daily state of {len(ids)} criteria over {days} days", "heatmap")
    pic.extend(_ticks(start, days, cw, height))
    counts: Counter[str] = Counter()
    for n, crit in enumerate(ids):
        codes = rows[crit]
        counts.update(codes)
        y = TOP + n * (ROW_H + GAP)
        shapes = [_run(crit, start, first, state(code), length, cw, y)
                  for first, code, length in runs(codes)]
        label = text(LABEL_W - 4, y + ROW_H - 3, crit, {"class": "rl", "text-anchor": "end"})
        pic.add(el("g", {"class": "hm-row", "data-criterion": crit, "data-daily": codes},
                   title(f"{crit} {titles.get(crit, '')}".strip()), label, *shapes))
    return pic.render(), counts


def legend(counts: Mapping[str, int], names: Mapping[str, str]) -> str:
    """The legend: each state's swatch (pattern and letter), name and criterion-days."""
    items = []
    for s in STATES:
        name = names.get(s.code, s.name)
        stroke = ' stroke="#888888"' if s.mark == "outline" else ""
        swatch = (f'<svg class="sw" width="22" height="16" aria-hidden="true">'
                  f'<rect x="0.5" y="0.5" width="21" height="15" fill="{esc(s.fill)}"{stroke}/>'
                  f'<text x="11" y="12" fill="{esc(s.ink)}" class="cl">{s.letter}</text></svg>')
        n = int(counts.get(s.code, 0))
        items.append(f'<li data-state="{esc(s.code)}" data-count="{n}">{swatch}'
                     f"<b>{esc(s.letter)}</b> {esc(name)}: <span class=\"n\">{n}</span></li>")
    return ('<ul class="legend" aria-label="legend (criterion-days per state)">'
            + "".join(items) + "</ul>")
