"""Coverage rules: a criterion's evidence status, expected runs, gap days and stale days.

Status of a criterion (``evidence criteria`` and every report use the same rule):

- ``automated``: at least one automated check covers it, and if the catalog says it also needs
  manual evidence (evidence mode ``hybrid`` or ``manual``) a valid attachment supplies it;
- ``attached``: no check covers it, and at least one valid (unexpired) attachment does;
- ``partial``: checks cover it but the manual evidence it needs has no valid attachment;
- ``none``: no check and no valid attachment (expired attachments do not count).

Days (UTC) of a period, up to ``--as-of``:

- a *gap day* is a day on which the schedule expected a collection and no run recorded any
  result for the item that day;
- a *stale day* is a day on which the item's latest evidence (on or before that day, within
  the period) is older than its frequency allows (daily and continuous: 1 day, weekly 7,
  monthly 31, quarterly 92, annual 366), or there is none yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from config.cron import parse_cron
from storage.attachments import AttachmentRecord

CoverageStatus = Literal["automated", "attached", "partial", "none"]

WINDOW_DAYS = {"continuous": 1, "daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92,
               "annual": 366}
"""How old evidence may be before it is stale, by frequency."""

STATUS_HELP = (
    "automated: checks cover it (plus a valid attachment when the catalog says it also needs "
    "manual evidence); attached: no check, a valid attachment; partial: checks but the manual "
    "evidence it needs has no valid attachment; none: neither (expired attachments do not count)."
)


def coverage_status(has_checks: bool, valid_attachments: int, evidence_mode: str) -> (
        CoverageStatus):
    """The status of a criterion (see the module docstring)."""
    needs_manual = evidence_mode in ("hybrid", "manual")
    if has_checks:
        return "partial" if needs_manual and not valid_attachments else "automated"
    return "attached" if valid_attachments else "none"


def split_attachments(attachments: Iterable[AttachmentRecord], on: date) -> tuple[
        tuple[AttachmentRecord, ...], tuple[AttachmentRecord, ...]]:
    """(valid, expired) on day ``on``, among those attached on or before it."""
    known = [a for a in attachments if a.attached_at.date() <= on]
    return (tuple(a for a in known if not a.expired(on)),
            tuple(a for a in known if a.expired(on)))


def days(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive (empty when ``end`` is before ``start``)."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def scheduled_days(schedule: str, start: date, end: date,
                   now: datetime | None = None) -> dict[date, int]:
    """Day -> how many collections the cron ``schedule`` expects that day (days with none
    are left out). With ``now`` (UTC), only slots that have come by then are expected: none
    after its day, and on its day those at or before its time."""
    minutes, hours, dom, months, dow = parse_cron(schedule)
    per_day = len(minutes) * len(hours)
    out = {d: per_day for d in days(start, end)
           if d.month in months and d.day in dom and d.isoweekday() % 7 in dow}
    if now is not None:
        today, at = now.date(), (now.hour, now.minute)
        out = {d: n for d, n in out.items() if d <= today}
        if today in out:
            passed = sum(1 for h in hours for m in minutes if (h, m) <= at)
            if passed:
                out[today] = passed
            else:
                del out[today]
    return out


def last_slot(schedule: str, start: date, now: datetime) -> datetime | None:
    """The latest collection the cron ``schedule`` expected at or before ``now`` (UTC), on a
    day from ``start`` on; None when none was due yet."""
    minutes, hours, dom, months, dow = parse_cron(schedule)
    slots = sorted((h, m) for h in hours for m in minutes)
    day = now.date()
    while day >= start:
        if day.month in months and day.day in dom and day.isoweekday() % 7 in dow:
            came = [s for s in slots if day < now.date() or s <= (now.hour, now.minute)]
            if came:
                return datetime.combine(day, time(*came[-1]), UTC)
        day -= timedelta(days=1)
    return None


def gap_and_stale(evidence: Iterable[date], expected: Iterable[date], start: date, end: date,
                  frequency: str) -> tuple[int, int]:
    """(gap days, stale days) of an item over ``start``..``end`` (see the module docstring)."""
    have = set(evidence)
    gaps = sum(1 for d in expected if start <= d <= end and d not in have)
    window = WINDOW_DAYS.get(frequency, 1)
    # Counted between consecutive evidence days instead of day by day (a year's report
    # judges every check and criterion): before the first, every day is stale; after each,
    # the days more than ``window`` later until the next (or past the end).
    seen = sorted(d for d in have if start <= d <= end)
    if not seen:
        return gaps, max(0, (end - start).days + 1)
    stale = (seen[0] - start).days
    for last, following in zip(seen, [*seen[1:], end + timedelta(days=1)], strict=True):
        stale += max(0, (following - last).days - 1 - window)
    return gaps, stale


def pass_rate(passed: int, failed: int) -> float | None:
    """Passes over judged (pass + fail) results, ``None`` when nothing was judged."""
    judged = passed + failed
    return round(passed / judged, 6) if judged else None


def shortest(frequencies: Sequence[str]) -> str:
    """The most frequent of ``frequencies`` (``daily`` when there are none)."""
    if not frequencies:
        return "daily"
    return min(frequencies, key=lambda f: (WINDOW_DAYS.get(f, 1), f))
