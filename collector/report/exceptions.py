"""Exceptions as intervals: a resource failing a check, from first seen failing until fixed.

The one rule, used by every report, export and diff (see :func:`observe`): an interval opens
when a run first records ``fail`` for a resource, and closes only on an *observation*:

* ``pass`` or ``not_applicable`` recorded for the resource (``not_applicable`` is a verdict the
  check reached from what it read, e.g. the resource no longer has the feature judged), or
* its *deletion*: it is missing from a result set of its check x scope x region that holds no
  ``error`` result (a read that succeeded no longer lists it): ``fixed_by`` ``absent``.

A run where the resource's own result is ``error``, or where it is missing from a result set that
holds an error (the check could not list that scope or region), leaves its state *unknown*: the
interval stays open and the run starts an :class:`UnknownSpan`, which ends at the next run that
observes the resource again. A resource later seen failing again continues the same interval.
An error is never a failure either: a resource first seen with ``error`` opens no interval (its
error is counted in the report's ``errors``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from collector.report.history import Step
from storage.canonical import format_utc
from storage.changes import ABSENT, ResultKey

FAIL = "fail"
UNKNOWN = "unknown"
ERROR = "error"
"""``UnknownSpan.reason``: the resource's own result was ``error``."""
MISSING = "missing"
"""``UnknownSpan.reason``: not listed by a result set that holds an error."""
LEGEND = (
    "An exception is a resource failing a check, from the first run that saw it fail until "
    "the first run that observed it fixed: passing, not applicable, or deleted (absent from a "
    "result set of its check, scope and region that holds no error). A run in which the "
    "resource's own result is an error, or in which it is missing while the check errored for "
    "its scope or region, leaves it unknown: the exception stays open and the run is shown as "
    "an unknown span, never as a pass or a fix; if the resource is later seen failing, it is "
    "the same exception. Errors are counted apart and never open an exception.")
"""How exceptions are judged, in the report's legend (terminal, HTML, JSON) and bundles."""


def observe(status: str, set_has_error: bool) -> str:
    """What one observation says about a resource that has an open exception: ``fail`` (still
    failing), ``unknown``, or how the exception closed (``pass``, ``not_applicable``,
    ``absent``). ``status`` is its status in the result set (``absent``: not listed);
    ``set_has_error``: that result set holds an ``error`` result."""
    if status == FAIL or status == "pass" or status == "not_applicable":
        return status
    if status == ABSENT and not set_has_error:
        return ABSENT
    return UNKNOWN


@dataclass(frozen=True)
class UnknownSpan:
    """Runs during which an open exception's resource could not be judged."""

    since: datetime
    """When the first run of the span observed the resource unknown."""
    until: datetime | None
    """When a later run next observed it (failing, fixed or deleted); ``None``: still unknown
    at the period's end."""
    reason: str
    """``error`` (its own result was an error) or ``missing`` (not listed by a result set with
    an error)."""


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
    """When a later run first observed it fixed; ``None``: still open (failing or unknown)."""
    fixed_by: str | None
    """How it ended: ``pass``, ``not_applicable`` or ``absent`` (observed deleted: not listed
    by an error-free result set)."""
    duration_s: int
    """Seconds from ``first_seen`` to ``fixed_at`` (still open: to the period's end), unknown
    spans included."""
    carried_in: bool
    """Already failing in the first result set of its check in the period (it may have
    started before the period)."""
    message: str
    """The check's message when the failure was first seen."""
    first_run_id: str
    """The run that first saw it failing in the period."""
    fixed_run_id: str | None
    """The run that first saw it fixed."""
    unknown: tuple[UnknownSpan, ...] = ()
    """Spans of runs in which the resource could not be judged, in time order."""
    unknown_s: int = 0
    """Seconds of ``duration_s`` spent unknown."""
    accepted_risk: str | None = None
    """The accepted risk in force covering the failure when a run last observed it failing
    (``collector.report.accepted``); the failure is still a failure."""

    @property
    def duration(self) -> timedelta:
        """``duration_s`` as a timedelta."""
        return timedelta(seconds=self.duration_s)

    @property
    def unknown_since(self) -> datetime | None:
        """When it became unknown, if it is still open and unknown at the period's end."""
        if self.unknown and self.unknown[-1].until is None:
            return self.unknown[-1].since
        return None

    def sort_key(self) -> tuple[datetime, str, str, str, str, str]:
        """Chronological, then by check and resource."""
        return _ORDER(self)


def ending(e: ExceptionInterval) -> tuple[str, str]:
    """How an exception ended, and its style: the fix and how it was observed, or still open
    (failing, or unknown since a run that could not judge the resource)."""
    if e.fixed_at is not None:
        how = "deleted" if e.fixed_by == "absent" else e.fixed_by
        return f"{format_utc(e.fixed_at)} ({how})", ""
    since = e.unknown_since
    if since is not None:
        return f"open, unknown since {format_utc(since)}", "unknown"
    return "still failing", "open"


def unknown_text(e: ExceptionInterval) -> str:
    """The spans during which the resource could not be judged ("" when none)."""
    if not e.unknown:
        return ""
    spans = "; ".join(f"{format_utc(s.since)} to {format_utc(s.until) if s.until else 'end'} "
                      f"({'read errored' if s.reason == 'error' else 'not listed, check errored'})"
                      for s in e.unknown)
    return f"{e.unknown_s / 86400:.1f} d: {spans}"


_ORDER = attrgetter("first_seen", "check_id", "resource_id", "provider", "scope", "region")
"""The order of :meth:`ExceptionInterval.sort_key` (without a Python call per interval)."""

_Open = tuple[datetime, tuple[str, ...], bool, str, str, str, str]
"""An interval still open: first seen, criteria, carried in, message, run id, scope, region."""
_Id = tuple[ResultKey, str]
"""(result key, resource id) of an interval."""


class _Tracker:
    """Open intervals, their unknown spans and the resources missing from errored sets."""

    def __init__(self, criteria_of: Callable[[Step], tuple[str, ...]]) -> None:
        self.criteria_of = criteria_of
        self.opened: dict[_Id, _Open] = {}
        self.spans: dict[_Id, list[UnknownSpan]] = {}
        """Unknown spans of open intervals (the last one open while ``until`` is None)."""
        self.missing: dict[ResultKey, set[str]] = {}
        """Resources with an open interval that an errored result set of the key left out."""
        self.done: list[ExceptionInterval] = []

    def step(self, step: Step) -> None:
        """Apply one result set."""
        rs, key = step.result_set, step.key
        errored = rs.n_error > 0
        gone = self.missing.get(key) if self.missing else None
        if not step.changes and (gone is None or errored):
            return
        at, opened = rs.observed_at, self.opened
        for rid, (status, message, res_scope, res_region) in step.changes:
            k = (key, rid)
            held = opened.get(k)
            if held is None:
                if status == FAIL:
                    opened[k] = (at, self.criteria_of(step), step.first, message,
                                 step.run.run_id, res_scope or rs.scope, res_region or rs.region)
                continue
            if gone is not None:
                gone.discard(rid)
            seen = observe(status, errored)
            if seen == FAIL:
                self._known(k, at)
            elif seen == UNKNOWN:
                reason = MISSING if status == ABSENT else ERROR
                self._unknown(k, at, reason)
                if reason == MISSING:
                    self.missing.setdefault(key, set()).add(rid)
            else:
                self.close(k, at, seen, step.run.run_id)
        if gone is not None and not errored:
            for rid in sorted(gone):  # an error-free listing no longer has it: deleted
                self.close((key, rid), at, ABSENT, step.run.run_id)
            del self.missing[key]

    def _known(self, k: _Id, at: datetime) -> None:
        spans = self.spans.get(k)
        if spans and spans[-1].until is None:
            spans[-1] = UnknownSpan(spans[-1].since, at, spans[-1].reason)

    def _unknown(self, k: _Id, at: datetime, reason: str) -> None:
        spans = self.spans.setdefault(k, [])
        if spans and spans[-1].until is None:
            if spans[-1].reason == reason:
                return
            spans[-1] = UnknownSpan(spans[-1].since, at, spans[-1].reason)
        spans.append(UnknownSpan(at, None, reason))

    def close(self, k: _Id, at: datetime | None, fixed_by: str | None, run_id: str | None,
              end: datetime | None = None) -> None:
        """End ``k``'s interval at ``at`` (``None``: still open at ``end``)."""
        held = self.opened.pop(k)
        until = at or end
        assert until is not None
        if at is not None:
            self._known(k, at)
        spans = tuple(self.spans.pop(k, ()))
        first_seen, criteria, carried_in, message, first_run, scope, region = held
        seconds = max(0, int((until - first_seen).total_seconds()))
        unknown_s = sum(max(0, int(((s.until or until) - s.since).total_seconds()))
                        for s in spans)
        self.done.append(ExceptionInterval(
            k[0][0], k[1], k[0][1], scope, region, criteria, first_seen, at, fixed_by, seconds,
            carried_in, message, first_run, run_id, spans, unknown_s))


def track_exceptions(steps: Iterable[Step], criteria_of: Callable[[Step], tuple[str, ...]],
                     end: datetime) -> list[ExceptionInterval]:
    """Every exception interval of the walk; still-open ones run until ``end``."""
    tracker = _Tracker(criteria_of)
    for step in steps:
        tracker.step(step)
    for k in list(tracker.opened):
        tracker.close(k, None, None, None, end)
    tracker.done.sort(key=_ORDER)
    return tracker.done
