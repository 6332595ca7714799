"""What a bundle reports about its period (rendered by summary.html, summary.csv and OSCAL).

Frozen dataclasses; :mod:`collector.export.summary` fills them from the Type II period report
(``collector.report.period``) or, for a Type I bundle, from its one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from collector.export.source import Selection


@dataclass(frozen=True)
class RunPoint:
    """One criterion's outcome in one run (a point of the pass-rate chart)."""

    run_id: str
    at: datetime
    passed: int
    failed: int

    @property
    def rate(self) -> float | None:
        """Passes over judged results, ``None`` when nothing was judged."""
        judged = self.passed + self.failed
        return self.passed / judged if judged else None


@dataclass(frozen=True)
class CriterionRow:
    """One SOC 2 criterion over the period."""

    criterion_id: str
    title: str
    category: str
    in_scope: bool
    """False for criteria of categories the configuration leaves out (never a gap)."""
    checks: tuple[str, ...]
    """Automated checks that counted for it in at least one run of the period."""
    passed: int
    failed: int
    errors: int
    not_applicable: int
    exceptions: int
    """Exception intervals (a resource failing a check, from first seen to fixed)."""
    gap: str
    """Why the criterion lacks automated evidence ("" when it has some)."""
    points: tuple[RunPoint, ...]

    @property
    def pass_rate(self) -> float | None:
        """Passes over judged (pass + fail) results over the whole period."""
        judged = self.passed + self.failed
        return self.passed / judged if judged else None


@dataclass(frozen=True)
class ExceptionInterval:
    """A resource failing a check: from the first run that saw it fail until one that observed it
    fixed."""

    check_id: str
    resource_id: str
    provider: str
    scope: str
    region: str
    criteria: tuple[str, ...]
    first_seen: datetime
    fixed_at: datetime | None
    """When a run first observed it fixed (passing, not applicable, or deleted: not listed by an
    error-free result set); ``None``: still open at the period's end. A run that could not
    judge the resource (an error) never fixes it (``collector.report.exceptions``)."""
    duration_s: int
    """Seconds from first seen until fixed (still open: until the period's end)."""
    message: str
    fixed_by: str | None = None
    """``pass``, ``not_applicable`` or ``absent`` (deleted); ``None`` while open."""
    unknown_s: int = 0
    """Seconds of the interval during which runs could not judge the resource."""
    unknown_since: datetime | None = None
    """Still open and unknown since then (its last runs errored for it)."""

    @property
    def duration(self) -> timedelta:
        """``duration_s`` as a timedelta."""
        return timedelta(seconds=self.duration_s)

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        """Chronological, then by check and resource."""
        return (self.first_seen.isoformat(), self.check_id, self.resource_id, self.provider,
                self.scope, self.region)


@dataclass(frozen=True)
class PeriodSummary:
    """Everything the bundle reports about the period."""

    selection: Selection
    runs_expected: int
    runs_collected: int
    runs_complete: int
    rows: tuple[CriterionRow, ...]
    exceptions: tuple[ExceptionInterval, ...]
    titles: dict[str, str]
    attachments: tuple[str, ...] = ()

    @property
    def period_end(self) -> datetime:
        """The instant exception durations run to when still open: the last run's time."""
        return max(r.started_at for r in self.selection.runs)
