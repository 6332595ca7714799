"""Exceptions as intervals: a resource failing a check, from first seen failing until fixed.

An interval opens when a run first records ``fail`` for a resource and closes at the first later
run that records it ``pass`` or ``not_applicable`` or no longer lists it (the resource was
removed). An ``error`` result does not close it: the check could not tell, so the failure is
not known to be fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from collector.report.history import Step
from storage.changes import ABSENT, ResultKey


@dataclass(frozen=True)
class ExceptionInterval:
    """One resource failing one check during the period."""

    check_id: str
    resource_id: str
    provider: str
    scope: str
    """The resource's scope (account, project, subscription)."""
    region: str
    criteria: tuple[str, ...]
    """Criteria the check counted for in the run that first saw the failure."""
    first_seen: datetime
    """When a run of the period first recorded the failure (UTC)."""
    fixed_at: datetime | None
    """When a later run first recorded it no longer failing; ``None``: still failing."""
    fixed_by: str | None
    """How it ended: ``pass``, ``not_applicable`` or ``absent`` (resource removed)."""
    duration_s: int
    """Seconds from ``first_seen`` to ``fixed_at`` (still failing: to the period's end)."""
    carried_in: bool
    """Already failing in the first result set of its check in the period (it may have
    started before the period)."""
    message: str
    """The check's message when the failure was first seen."""
    first_run_id: str
    """The run that first saw it failing in the period."""
    fixed_run_id: str | None
    """The run that first saw it fixed."""

    @property
    def duration(self) -> timedelta:
        """``duration_s`` as a timedelta."""
        return timedelta(seconds=self.duration_s)

    def sort_key(self) -> tuple[datetime, str, str, str, str, str]:
        """Chronological, then by check and resource."""
        return _ORDER(self)


_ORDER = attrgetter("first_seen", "check_id", "resource_id", "provider", "scope", "region")
"""The order of :meth:`ExceptionInterval.sort_key` (without a Python call per interval)."""
_FIXED = frozenset({"pass", "not_applicable", ABSENT})
"""Statuses that close an interval (``error`` does not: the check could not tell)."""

_Open = tuple[datetime, tuple[str, ...], bool, str, str, str, str]
"""An interval still open: first seen, criteria, carried in, message, run id, scope, region."""


def track_exceptions(steps: Iterable[Step], criteria_of: Callable[[Step], tuple[str, ...]],
                     end: datetime) -> list[ExceptionInterval]:
    """Every exception interval of the walk; still-open ones run until ``end``."""
    opened: dict[tuple[ResultKey, str], _Open] = {}
    done: list[ExceptionInterval] = []
    for step in steps:
        if not step.changes:
            continue
        rs, key = step.result_set, step.key
        at = rs.observed_at
        for rid, (status, message, res_scope, res_region) in step.changes:
            k = (key, rid)
            held = opened.get(k)
            if held is None:
                if status == "fail":
                    opened[k] = (at, criteria_of(step), step.first, message, step.run.run_id,
                                 res_scope or rs.scope, res_region or rs.region)
            elif status in _FIXED:
                del opened[k]
                done.append(_interval(k, held, at, status, step.run.run_id, at))
    for k, held in opened.items():
        done.append(_interval(k, held, None, None, None, end))
    done.sort(key=_ORDER)
    return done


def _interval(k: tuple[ResultKey, str], held: _Open, fixed_at: datetime | None,
              fixed_by: str | None, fixed_run: str | None, until: datetime) -> ExceptionInterval:
    """The interval of ``held`` ending at ``until`` (``fixed_at``, or the period's end)."""
    first_seen, criteria, carried_in, message, run_id, scope, region = held
    seconds = max(0, int((until - first_seen).total_seconds()))
    return ExceptionInterval(k[0][0], k[1], k[0][1], scope, region, criteria, first_seen,
                             fixed_at, fixed_by, seconds, carried_in, message, run_id, fixed_run)
