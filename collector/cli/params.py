"""Click parameter types shared by several commands."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import click

FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)
"""Days outside these bounds are refused: period arithmetic (the day after the last one, the
week around it) must stay within what dates can hold."""


class Day(click.DateTime):
    """A UTC day given as YYYY-MM-DD, between :data:`FIRST_DAY` and :data:`LAST_DAY`."""

    def __init__(self) -> None:
        """Accept ``%Y-%m-%d`` only."""
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        """Parse and bound the day (a usage error names the bounds)."""
        parsed = super().convert(value, param, ctx)
        if isinstance(parsed, datetime) and not FIRST_DAY <= parsed.date() <= LAST_DAY:
            self.fail(f"{parsed.date().isoformat()} is out of range: give a day from "
                      f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}", param, ctx)
        return parsed


DAY = Day()
"""A UTC day given as YYYY-MM-DD."""


class Seconds(click.ParamType):
    """A finite number of seconds from ``minimum`` to ``maximum`` (nan, inf refused)."""

    name = "seconds"

    def __init__(self, minimum: float = 0.0, maximum: float = 86400.0) -> None:
        """Refuse values outside ``minimum``..``maximum`` (0 to a day by default)."""
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        """Parse and bound the number of seconds."""
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not self.minimum <= seconds <= self.maximum:
            self.fail(f"{value!r} is not a number of seconds from {self.minimum:g} to "
                      f"{self.maximum:g}", param, ctx)
        return seconds


class ProviderChoice(click.Choice):
    """One of the registered providers (collector.providers), read when the command runs, so a
    provider registered by a plug-in appears in `--help` and is accepted without core edits."""

    def __init__(self) -> None:
        super().__init__([])

    @property
    def choices(self) -> tuple[str, ...]:
        from collector.providers import names

        return names()

    @choices.setter
    def choices(self, value: object) -> None:  # click's __init__ assigns it; the registry wins
        pass


PROVIDER = ProviderChoice()
"""`--provider NAME` of the registered providers."""
