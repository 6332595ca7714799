"""``evidence report --format html``: the visual period report as one self-contained page.

The page (``collector.report.visual.page``) is drawn from ``PeriodReport.to_dict()``, the very
object ``--format json`` prints: every number in the picture is the JSON report's. Inline CSS
and inline SVG only; no script, and nothing is loaded from anywhere.
"""

from __future__ import annotations

from collector.report.model import PeriodReport
from collector.report.visual.page import render_page


def render_html(report: PeriodReport) -> str:
    """The whole page."""
    d = report.to_dict()
    return render_page(d, heading=f"SOC 2 Type II evidence: {d['start']} to {d['end']}")
