"""Cron schedules: validation, and a translation APScheduler 3 reads with cron's meaning."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.cron import CronError, apscheduler_fields, parse_cron, validate_cron


@pytest.mark.parametrize(
    "expression",
    ["0 3 * * *", "*/15 * * * *", "0 0 1 */3 *", "30 2 * * mon-fri", "0 0 * * 0,7",
     "5/10 8-18 * JAN,jul *", "0 12 29 2 *"],
)
def test_valid(expression: str) -> None:
    assert validate_cron(expression) == expression


@pytest.mark.parametrize(
    "expression, problem",
    [("0 3 * *", "4 fields instead of 5"), ("@daily", "1 field instead of 5"),
     ("60 * * * *", "minute: 60 is outside 0-59"), ("0 0 0 * *", "day of month: 0 is outside"),
     ("0 0 * 13 *", "month: 13 is outside"), ("0 0 * * 8", "day of week: 8 is outside"),
     ("0 0 * * sunday", "day of week: 'sunday' is not"), ("*/0 * * * *", "step 0"),
     ("0 5-3 * * *", "runs backwards"), ("0 0 ? * *", "cannot read '?'"),
     ("0 0 1 * mon", "not both")],
)
def test_invalid(expression: str, problem: str) -> None:
    with pytest.raises(CronError, match=problem.replace("?", r"\?")):
        parse_cron(expression)


def test_whitespace_is_normalised() -> None:
    assert validate_cron("  0   3 * *\t* ") == "0 3 * * *"


def test_sunday_is_zero_or_seven() -> None:
    assert parse_cron("0 0 * * 7")[4] == parse_cron("0 0 * * sun")[4] == frozenset({0})


@pytest.mark.parametrize(
    "expression, weekday",
    [("0 3 * * 1", "Monday"), ("0 3 * * 0", "Sunday"), ("0 3 * * 7", "Sunday"),
     ("0 3 * * fri", "Friday")],
)
def test_apscheduler_fires_on_the_cron_weekday(expression: str, weekday: str) -> None:
    cron_trigger = pytest.importorskip("apscheduler.triggers.cron")
    trigger = cron_trigger.CronTrigger(timezone=UTC, **apscheduler_fields(expression))
    fire = trigger.get_next_fire_time(None, datetime(2026, 1, 1, tzinfo=UTC))
    assert fire.strftime("%A %H:%M") == f"{weekday} 03:00"


def test_apscheduler_fields_keep_other_fields() -> None:
    assert apscheduler_fields("*/5 1-3 * jan *") == {
        "minute": "*/5", "hour": "1-3", "day": "*", "month": "jan", "day_of_week": "*",
    }
    assert apscheduler_fields("0 0 * * */2")["day_of_week"] == "sun,tue,thu,sat"
