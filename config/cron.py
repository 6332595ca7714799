"""Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC.

Standard cron semantics: day-of-week 0 and 7 are Sunday; names (`jan`, `mon`) are accepted.
`apscheduler_fields` translates an expression for APScheduler 3's `CronTrigger`, whose
day-of-week numbering differs from cron's (0 = Monday there; `CronTrigger.from_crontab("0 3 * * 1")`
fires on Tuesdays), so the scheduler must not pass cron text to APScheduler verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPECTED = "a 5-field cron expression (minute hour day month weekday), e.g. '0 3 * * *'"

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_ITEM = re.compile(r"(?P<range>\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(?P<step>\d+))?")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day of month", 1, 31),
    _Field("month", 1, 12, _MONTHS, 1),
    _Field("day of week", 0, 7, _DAYS, 0),
)


class CronError(ValueError):
    """A cron expression that is not valid; the message says which field and why."""


def _value(text: str, spec: _Field) -> int:
    if text.isdigit():
        number = int(text)
    elif text in spec.names:
        number = spec.names.index(text) + spec.name_base
    else:
        raise CronError(f"{spec.name}: {text!r} is not a number or name")
    if not spec.low <= number <= spec.high:
        raise CronError(f"{spec.name}: {number} is outside {spec.low}-{spec.high}")
    return number


def _expand(text: str, spec: _Field) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        match = _ITEM.fullmatch(item)
        if match is None:
            raise CronError(f"{spec.name}: cannot read {item!r}")
        span, step_text = match["range"], match["step"]
        if span == "*":
            low, high = spec.low, spec.high
        elif "-" in span:
            start, end = span.split("-")
            low, high = _value(start, spec), _value(end, spec)
            if low > high:
                raise CronError(f"{spec.name}: range {span!r} runs backwards")
        else:
            low = high = _value(span, spec)
            if step_text is not None:  # `a/n` means a, a+n, ... up to the field's maximum
                high = spec.high
        step = int(step_text) if step_text is not None else 1
        if step == 0:
            raise CronError(f"{spec.name}: step 0 in {item!r}")
        values.update(range(low, high + 1, step))
    return frozenset(values)


def parse_cron(expression: str) -> tuple[frozenset[int], ...]:
    """The set of matching values of each of the five fields; `CronError` when invalid.

    Day-of-week values are normalised so that Sunday is 0 (never 7).
    """
    parts = expression.lower().split()
    if len(parts) != len(_FIELDS):
        raise CronError(f"{len(parts)} field{'' if len(parts) == 1 else 's'} instead of 5")
    fields = [_expand(part, spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    fields[4] = frozenset(day % 7 for day in fields[4])
    if parts[2] != "*" and parts[4] != "*":
        # cron ORs the two day fields when both are restricted, APScheduler ANDs them.
        raise CronError("restrict day of month or day of week, not both")
    return tuple(fields)


def validate_cron(expression: str) -> str:
    """`expression` with its fields separated by single spaces; `CronError` when invalid."""
    parse_cron(expression)
    return " ".join(expression.split())


def apscheduler_fields(expression: str) -> dict[str, str]:
    """Keyword arguments for `apscheduler.triggers.cron.CronTrigger` with cron's meaning.

    Day of week is spelled out as names (`sun,tue`) so APScheduler's Monday-first numbering
    cannot shift it by a day.
    """
    weekdays = parse_cron(expression)[4]
    minute, hour, day, month, _ = expression.lower().split()
    return {
        "minute": minute,
        "hour": hour,
        "day": day,
        "month": month,
        "day_of_week": "*" if len(weekdays) == 7 else ",".join(_DAYS[d] for d in sorted(weekdays)),
    }
