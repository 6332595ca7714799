"""The period at a glance: each criterion day by day, time to fix, coverage per category, and
how much of the period has elapsed.

A criterion's day (UTC) is one letter:

- ``n`` the day is after the report's last day (today, or ``--as-of``): not yet elapsed;
- ``o`` the criterion's category is out of scope;
- from the day's results for the criterion (every run that started that day): ``f`` a failure
  no accepted risk covers, ``a`` failures that accepted risks all cover, ``x`` errors and no
  failure (partial: some resources could not be judged), ``p`` otherwise (passing or not
  applicable);
- without a result that day: ``m`` a valid attachment covers the criterion (manual evidence
  only); ``g`` the schedule expected a collection that day (a gap); on a day the schedule
  expects none, the previous day's letter (the last evidence stands), ``g`` before any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from collector.report.exceptions import ExceptionInterval
from collector.report.model import CategoryRow, CriterionRow, Progress, TimeToFix
from storage.attachments import AttachmentRecord

CODES = {"p": "pass", "f": "fail", "a": "fail, all failures accepted",
         "x": "partial (errors, no failure)", "g": "gap (no evidence)", "o": "out of scope",
         "n": "not yet elapsed", "m": "manual evidence only"}
DayCounts = list[int]
"""[passed, failed, errors, failed and accepted] of one criterion on one day."""


def progress(start: date, end: date, today: date) -> Progress:
    """How many of the period's days have begun by ``today``."""
    total = (end - start).days + 1
    elapsed = min(total, max(0, (today - start).days + 1))
    return Progress(elapsed, total, today < end)


def _code(counts: DayCounts) -> str:
    _, failed, errors, accepted = counts
    if failed > accepted:
        return "f"
    if failed:
        return "a"
    return "x" if errors else "p"


def day_codes(counts: Mapping[date, DayCounts], start: date, end: date, last_day: date, *,
              in_scope: bool, scheduled: Mapping[date, int],
              attached: Sequence[tuple[date, date | None]]) -> str:
    """One criterion's letters from ``start`` to ``end`` (see the module docstring);
    ``attached`` holds (first day, valid until or None) of its attachments."""
    total = (end - start).days + 1
    elapsed = max(0, min(total, (last_day - start).days + 1))
    if not in_scope:
        return "o" * elapsed + "n" * (total - elapsed)
    out: list[str] = []
    previous = "g"
    day = start
    one = timedelta(days=1)
    for _ in range(elapsed):
        found = counts.get(day)
        if found is not None:
            code = _code(found)
        elif attached and any(a <= day and (u is None or day <= u) for a, u in attached):
            code = "m"
        elif day in scheduled:
            code = "g"
        else:
            code = previous
        out.append(code)
        previous = code
        day += one
    return "".join(out) + "n" * (total - elapsed)


def attached_spans(attachments: Iterable[AttachmentRecord]) -> dict[str, list[
        tuple[date, date | None]]]:
    """Criterion -> (attached on, valid until) of each of its attachments."""
    out: dict[str, list[tuple[date, date | None]]] = {}
    for a in attachments:
        out.setdefault(a.criterion_id, []).append((a.attached_at.date(), a.valid_until))
    return out


def _quantile(sorted_values: Sequence[int], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, R's type 7)."""
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return round(sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo), 3)


def time_to_fix(criteria: Iterable[str], exceptions: Mapping[str, Sequence[ExceptionInterval]]
                ) -> tuple[TimeToFix, ...]:
    """For each criterion (in the order given) with exceptions: its closed exceptions' count,
    median and 90th percentile of ``duration_s`` (unknown spans included)."""
    out = []
    for crit in criteria:
        mine = exceptions.get(crit)
        if not mine:
            continue
        fixed = sorted(x.duration_s for x in mine if x.fixed_at is not None)
        out.append(TimeToFix(crit, len(fixed), _quantile(fixed, 0.5) if fixed else None,
                             _quantile(fixed, 0.9) if fixed else None))
    return tuple(out)


def categories(rows: Sequence[CriterionRow], in_scope: Iterable[str]) -> tuple[
        CategoryRow, ...]:
    """Each category of ``rows`` (criteria in catalog order), in the order it first appears:
    its criteria and how many have evidence (any status but ``none``)."""
    scope = set(in_scope)
    order: dict[str, list[CriterionRow]] = {}
    for r in rows:
        order.setdefault(r.category, []).append(r)
    return tuple(
        CategoryRow(category, category in scope, len(mine),
                    sum(1 for r in mine if r.status != "none"),
                    round(sum(1 for r in mine if r.status != "none") / len(mine), 6))
        for category, mine in order.items())
