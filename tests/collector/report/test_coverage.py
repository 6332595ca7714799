"""Coverage rules: gap and stale days counted as the module docstring defines them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from collector.report.coverage import WINDOW_DAYS, days, gap_and_stale

D0 = date(2026, 1, 1)


def day_by_day(evidence: set[date], start: date, end: date, frequency: str) -> int:
    """Stale days by the definition: no evidence yet, or the latest is too old."""
    stale, last = 0, None
    for d in days(start, end):
        if d in evidence:
            last = d
        elif last is None or (d - last).days > WINDOW_DAYS.get(frequency, 1):
            stale += 1
    return stale


def test_stale_days_match_the_day_by_day_definition() -> None:
    rng = random.Random(6)
    for _ in range(3000):
        start = D0 + timedelta(days=rng.randint(0, 30))
        end = start + timedelta(days=rng.randint(-2, 120))
        evidence = {D0 + timedelta(days=rng.randint(-10, 170))
                    for _ in range(rng.choice([0, 1, 3, 40]))}
        frequency = rng.choice([*WINDOW_DAYS, "unknown"])
        _, stale = gap_and_stale(evidence, {}, start, end, frequency)
        assert stale == day_by_day(evidence, start, end, frequency), (start, end, frequency)


def test_gaps_are_scheduled_days_of_the_period_without_evidence() -> None:
    schedule = {D0 + timedelta(days=i): 1 for i in range(10)}
    evidence = [D0 + timedelta(days=i) for i in (0, 1, 5, 30)]
    assert gap_and_stale(evidence, schedule, D0, D0 + timedelta(days=7), "weekly") == (5, 0)
    assert gap_and_stale(evidence, schedule, D0, D0 + timedelta(days=9), "daily") == (7, 5)
