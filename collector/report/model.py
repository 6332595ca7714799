"""The shape of the Type II period report (what ``build_period_report`` returns).

Frozen dataclasses, ordered deterministically: criteria in catalog order, checks and controls by
id, runs in chain order, exceptions chronologically. ``to_dict`` gives the JSON form
(``evidence report --format json``): dates and times as ISO-8601 UTC strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from collector.report.coverage import CoverageStatus
from collector.report.exceptions import LEGEND, ExceptionInterval
from collector.report.jsonable import Jsonable


@dataclass(frozen=True)
class Coverage:
    """How well an item (criterion, check, control) was evidenced over the period."""

    runs_expected: int
    """Collections the schedule expected in the period (up to the as-of day)."""
    runs_complete: int
    """Collections with a result for the item whose runs all ended ``complete``."""
    runs_partial: int
    """Collections with a result for the item where a run ended partial, failed or
    interrupted (its results still count as evidence)."""
    gap_days: int
    """Scheduled days with no result for the item (see ``collector.report.coverage``)."""
    stale_days: int
    """Days whose latest evidence was older than the item's frequency allows."""
    passed: int
    failed: int
    errors: int
    not_applicable: int
    pass_rate: float | None
    """passed / (passed + failed) over every result of the period; ``None``: none judged.
    Accepted failures are failures here: the observed rate."""
    exceptions: int
    """Exception intervals of the period."""
    open_exceptions: int
    """Of which still open at the end of the period (failing, or unknown since a run that
    could not judge the resource; see ``collector.report.exceptions``)."""
    failed_accepted: int = 0
    """Of ``failed``, results an accepted risk in force on their day covered (see
    ``collector.report.accepted``)."""
    pass_rate_excluding_accepted: float | None = None
    """passed / (passed + failed - failed_accepted): the rate with accepted failures left out
    (neither passes nor failures); ``None``: nothing else judged."""


@dataclass(frozen=True)
class AttachmentRow:
    """Manual evidence known on the report's as-of day."""

    attachment_id: int
    criterion_id: str
    title: str
    filename: str
    sha256: str
    size: int
    attached_by: str
    attached_at: datetime
    valid_until: date | None
    expired: bool
    """True when ``valid_until`` is before the report's as-of day (flagged in every report)."""


@dataclass(frozen=True)
class CriterionRow:
    """One SOC 2 criterion over the period."""

    id: str
    title: str
    category: str
    in_scope: bool
    """False for categories ``soc2.categories`` leaves out: shown, never counted as gaps."""
    evidence_mode: str
    """The catalog's ``automated``, ``hybrid`` or ``manual``."""
    checks: tuple[str, ...]
    """Automated checks that counted for it in at least one run of the period (each run's
    recorded mapping)."""
    controls: tuple[str, ...]
    """The organisation's controls that name it."""
    attachments_valid: tuple[int, ...]
    attachments_expired: tuple[int, ...]
    status: CoverageStatus
    coverage: Coverage


@dataclass(frozen=True)
class CheckRow:
    """One automated check over the period."""

    id: str
    title: str
    criteria: tuple[str, ...]
    """Criteria it counted for in the period (union over the runs' recorded mappings)."""
    frequency: str
    coverage: Coverage
    remediation: dict[str, str] | None = None
    """How to fix a failure (``Remediation.as_json()`` of the installed check: summary,
    console, cli, docs and, where standard, terraform); ``None``: the check is no longer
    installed or declares none."""


@dataclass(frozen=True)
class ControlRow:
    """One control of the organisation's matrix (``controls`` in evidence.yaml)."""

    id: str
    title: str
    criteria: tuple[str, ...]
    frequency: str
    checks: tuple[str, ...]
    """Checks matching the control's patterns that ran in the period."""
    attachments_valid: tuple[int, ...]
    """Valid attachments on the control's criteria."""
    attachments_expired: tuple[int, ...]
    status: CoverageStatus
    """As for criteria: checks and/or valid attachments (manual-only controls need one)."""
    coverage: Coverage


@dataclass(frozen=True)
class RunRow:
    """One sealed run of the period."""

    run_id: str
    collection_id: str | None
    chain_seq: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    result_sets: int
    passed: int
    failed: int
    errors: int
    not_applicable: int
    manifest_sha256: str


@dataclass(frozen=True)
class Progress:
    """How much of the period has elapsed (UTC days, by the report's clock)."""

    elapsed_days: int
    """Days of the period up to and including today (0 when it starts later)."""
    total_days: int
    in_progress: bool
    """True while the period's last day is after today: later days are neither expected nor
    gaps."""

    def text(self) -> str:
        """``period in progress: N of M days elapsed`` ("" once the period is over)."""
        if not self.in_progress:
            return ""
        return f"period in progress: {self.elapsed_days} of {self.total_days} days elapsed"


@dataclass(frozen=True)
class Daily:
    """Each criterion's state on each day of the period, one letter a day (see
    ``collector.report.daily``)."""

    start: date
    codes: dict[str, str]
    """Letter -> what it means."""
    criteria: dict[str, str]
    """Criterion id -> one letter per day from ``start`` to the period's end."""


@dataclass(frozen=True)
class TimeToFix:
    """How long a criterion's closed exceptions took to fix (first seen failing to fixed)."""

    criterion: str
    fixed: int
    """Closed exceptions of the period."""
    median_s: float | None
    p90_s: float | None
    """90th percentile (linear interpolation between closest ranks); ``None``: none fixed."""


@dataclass(frozen=True)
class CategoryRow:
    """Coverage of one SOC 2 category: criteria with any evidence (status other than none)."""

    category: str
    in_scope: bool
    criteria: int
    evidenced: int
    coverage: float | None
    """evidenced / criteria; ``None`` when the category has no criteria."""


@dataclass(frozen=True)
class RiskRow:
    """An accepted risk overlapping the period, as recorded (``collector.risks``)."""

    risk_id: str
    check: str
    resource: str
    provider: str
    scope: str
    region: str
    reason: str
    approver: str
    approved_at: datetime
    effective_from: date
    expires: date
    backdated: bool
    ticket: str
    status: str
    """On the report's as-of day: ``active``, ``pending``, ``expired`` or ``revoked``."""
    revoked_at: datetime | None
    failed_accepted: int = 0
    """Failing results of the period it accepted."""
    criteria: tuple[str, ...] = ()
    """Criteria of the failing results it accepted."""


@dataclass(frozen=True)
class PeriodReport:
    """Everything the Type II report says about a period."""

    start: date
    end: date
    as_of: date
    """The day the report shows the state on (``end`` unless ``--as-of`` is earlier)."""
    schedule: str
    categories: tuple[CategoryRow, ...]
    """Every SOC 2 category of the catalog, in scope or not, with its coverage."""
    catalog_version: str
    runs_expected: int
    collections: int
    """Collections (runs, or shard runs sharing a collection id) in the period."""
    collections_complete: int
    criteria: tuple[CriterionRow, ...]
    checks: tuple[CheckRow, ...]
    controls: tuple[ControlRow, ...]
    exceptions: tuple[ExceptionInterval, ...]
    attachments: tuple[AttachmentRow, ...]
    runs: tuple[RunRow, ...]
    head_manifest_sha256: str | None
    """Manifest hash of the period's last run (ties the report to the chain)."""
    progress: Progress
    daily: Daily
    time_to_fix: tuple[TimeToFix, ...]
    """Criteria with exceptions in the period, in catalog order."""
    risks: tuple[RiskRow, ...]
    legend: str = LEGEND
    """How exceptions open and close (errors leave them open, never fixed)."""

    @property
    def in_scope(self) -> tuple[str, ...]:
        """The SOC 2 categories in scope."""
        return tuple(c.category for c in self.categories if c.in_scope)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form; dates ISO, datetimes UTC ``...Z``."""
        return Jsonable().convert(self)
