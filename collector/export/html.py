"""summary.html: the period report for people, in one self-contained file.

:func:`render_report` draws it from the one report model (``PeriodReport``) with the same
visual components as ``evidence report --format html`` (``collector.report.visual``): the
calendar heatmap, the exception timeline, time to fix, coverage per category and the tables.
Inline CSS and inline SVG only, under a Content-Security-Policy that lets nothing else load: no
script, font, image or link, so it reads the same offline, years later.

The bundle is made from the report model (``collector.export.summary.bundle_report``).
"""

from __future__ import annotations

from html import escape

from collector.report.model import PeriodReport
from collector.report.visual.page import render_page


def render_report(report: PeriodReport, tool_version: str, *, type1: bool = False,
                  attachments: tuple[str, ...] = ()) -> bytes:
    """summary.html from the report model: ``type1`` for a one-run (Type I) bundle;
    ``attachments`` describes the manual evidence files the bundle holds."""
    d = report.to_dict()
    title = (f"SOC 2 Type I evidence as of {d['as_of']}" if type1 else
             f"SOC 2 Type II evidence, {d['start']} to {d['end']}")
    intro = (f'<p class="muted">Collected automatically from cloud configuration by evidence '
             f"{escape(tool_version)}. Chain head <code>"
             f"{escape(d.get('head_manifest_sha256') or '')}</code>.</p>")
    files = "".join(f"<li>{escape(a)}</li>" for a in attachments)
    footer = ('<section id="bundle-files"><h2>Attachments in this bundle</h2>'
              + (f"<ul>{files}</ul>" if files else
                 '<p class="muted">No manual evidence is attached to this bundle.</p>')
              + '<p class="muted">Every failing result is in results.csv; see README.txt for '
              "how to verify this bundle.</p></section>")
    return render_page(d, heading=title, intro=intro, footer=footer, csp=True).encode("utf-8")
