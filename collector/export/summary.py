"""What a bundle reports about its period: the one period report model, narrowed to the export.

A Type II bundle is ``collector.report.period.build_period_report`` over its period; a Type I
bundle is the same report over its one run (``only_run``). summary.html, summary.csv and the OSCAL
file are all rendered from that :class:`~collector.report.model.PeriodReport`, so the bundle and
`evidence report` cannot disagree. With ``--criteria``, the report keeps those criteria, the
checks and exceptions that count for them, and their daily states.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from collector.export.source import RunReader
from collector.report.daily import categories
from collector.report.model import CriterionRow, Daily, PeriodReport
from collector.report.period import build_period_report
from config.criteria import Catalog
from config.settings import Settings

logger = logging.getLogger("evidence.export")


def installed_remediations() -> dict[str, dict[str, str] | None]:
    """Check id -> remediation of the installed checks ({} when they cannot be discovered:
    remediation is guidance, never evidence, and a broken plug-in must not stop an export)."""
    from collector.plugin import CheckDefinitionError, discover

    try:
        registry = discover()
    except CheckDefinitionError as exc:
        logger.warning("remediation left out of summary.html: %s", exc)
        return {}
    return {c.id: c.remediation.as_json() for c in registry if c.remediation}


def bundle_report(reader: RunReader, catalog: Catalog, settings: Settings, *,
                  remediations: Mapping[str, dict[str, str] | None] | None = None,
                  now: datetime | None = None) -> PeriodReport:
    """The report a bundle renders: its period's (Type II) or its one run's (Type I)."""
    sel = reader.selection
    fixes = installed_remediations() if remediations is None else remediations
    report = build_period_report(
        reader.repo, catalog, settings, sel.start, sel.end, remediations=fixes, now=now,
        only_run=sel.runs[0] if sel.kind == "type1" else None)
    return restrict(report, sel.criteria)


def restrict(report: PeriodReport, criteria: tuple[str, ...]) -> PeriodReport:
    """The report narrowed to ``criteria`` (all when empty)."""
    if not criteria:
        return report
    wanted = set(criteria)
    rows = tuple(c for c in report.criteria if c.id in wanted)
    return replace(
        report, criteria=rows, categories=categories(rows, report.in_scope),
        checks=tuple(c for c in report.checks if wanted & set(c.criteria)),
        exceptions=tuple(e for e in report.exceptions if wanted & set(e.criteria)),
        daily=Daily(report.daily.start, report.daily.codes,
                    {k: v for k, v in report.daily.criteria.items() if k in wanted}),
        time_to_fix=tuple(t for t in report.time_to_fix if t.criterion in wanted),
        risks=tuple(r for r in report.risks if not r.criteria or wanted & set(r.criteria)))


def gap_text(row: CriterionRow, *, type1: bool = False) -> str:
    """Why an in-scope criterion lacks evidence ("" when it has what it needs, or is out of
    scope). A Type I bundle is a point in time: no schedule, so no days without a result."""
    if not row.in_scope:
        return ""
    reasons = []
    if row.status == "none":
        reasons.append("no automated check and no valid attachment" + (
            " (needs manual evidence)" if row.evidence_mode == "manual" else ""))
    elif row.status == "partial":
        reasons.append("checks cover it, but the manual evidence it also needs has no valid "
                       "attachment")
    if row.coverage.gap_days and not type1:
        reasons.append(f"{row.coverage.gap_days} scheduled day(s) without a result")
    return "; ".join(reasons)
