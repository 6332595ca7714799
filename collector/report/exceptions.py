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

from collector.report.history import Step
from storage.changes import ABSENT


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

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        """Chronological, then by check and resource."""
        return (self.first_seen.isoformat(), self.check_id, self.resource_id, self.provider,
                self.scope, self.region)


@dataclass
class _Open:
    first_seen: datetime
    criteria: tuple[str, ...]
    carried_in: bool
    message: str
    run_id: str
    scope: str
    region: str


def track_exceptions(steps: Iterable[Step], criteria_of: Callable[[Step], tuple[str, ...]],
                     end: datetime) -> list[ExceptionInterval]:
    """Every exception interval of the walk; still-open ones run until ``end``."""
    opened: dict[tuple[str, str, str, str, str], _Open] = {}
    done: list[ExceptionInterval] = []
    for step in steps:
        rs = step.result_set
        at = rs.observed_at
        for rid, (status, message, res_scope, res_region) in step.changes:
            k = (rs.check_id, rs.provider, rs.scope, rs.region, rid)
            held = opened.get(k)
            if status == "fail" and held is None:
                opened[k] = _Open(at, criteria_of(step), step.first, message, step.run.run_id,
                                  res_scope or rs.scope, res_region or rs.region)
            elif held is not None and status in ("pass", "not_applicable", ABSENT):
                del opened[k]
                done.append(_interval(k, held, at, status, step.run.run_id))
    for k, held in opened.items():
        done.append(_interval(k, held, None, None, None, end=end))
    return sorted(done, key=ExceptionInterval.sort_key)


def _interval(k: tuple[str, str, str, str, str], held: _Open, fixed_at: datetime | None,
              fixed_by: str | None, fixed_run: str | None, *,
              end: datetime | None = None) -> ExceptionInterval:
    until = fixed_at if fixed_at is not None else end
    assert until is not None
    seconds = max(0, int((until - held.first_seen).total_seconds()))
    return ExceptionInterval(
        check_id=k[0], resource_id=k[4], provider=k[1], scope=held.scope, region=held.region,
        criteria=held.criteria, first_seen=held.first_seen, fixed_at=fixed_at, fixed_by=fixed_by,
        duration_s=seconds, carried_in=held.carried_in, message=held.message,
        first_run_id=held.run_id, fixed_run_id=fixed_run)
