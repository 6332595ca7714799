"""summary.html in headless Chromium at 1400 px: opened from an exported bundle (file://), it
is the visual period report (``collector.report.visual``) of the bundle's period: every number
read back equals the period report's JSON form, nothing is fetched, nothing overflows, and the
console has no error; screenshots on screen and in print emulation are saved under tmp_path.

Needs Debian's `chromium`: the README's test command runs `python -m tests.support.browser`
first, which installs it when it can and otherwise says in one line why these tests skip.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from collector.export.html import render_report
from collector.report.period import build_period_report
from collector.report.visual.page import CSP
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.export.cdp import Browser
from tests.collector.export.conftest import END, START, Estate
from tests.collector.report.pages import browser, look, same_numbers

__all__ = ["browser"]
VISIBLE = """JSON.stringify([...document.querySelectorAll('%s')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.dataset.criterion || e.dataset.check))"""


def test_summary_html_shows_criteria_and_exceptions(signed_bundle: bytes, estate: Estate,
                                                    browser: Browser, tmp_path: Path) -> None:
    """The bundle's summary.html, opened from the extracted ZIP: every catalog criterion has a
    row and a heatmap row, every resource that ever failed is in the exceptions table, and the
    numbers equal those of the period report's JSON form."""
    folder = tmp_path / "bundle"
    (tmp_path / "b.zip").write_bytes(signed_bundle)
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        zf.extractall(folder)
    page = (folder / "summary.html").read_text()
    seen = look(browser, page, tmp_path, "summary")
    with Repository.open(estate.url) as repo:
        report = build_period_report(repo, load_catalog(), Settings(), START, END)
    data = json.loads(json.dumps(report.to_dict()))
    same_numbers(seen, data)
    criteria = json.loads(browser.evaluate(VISIBLE % "tr.criterion"))
    assert criteria == [c.id for c in load_catalog()] == list(seen["daily"])
    assert {c for c, codes in seen["daily"].items() if set(codes) == {"o"}} >= {"A1.2", "C1.1"}
    exceptions = json.loads(browser.evaluate(VISIBLE % "tr.exception"))
    assert len(exceptions) == len(data["exceptions"]) >= len(estate.history.ever_failed)
    assert set(exceptions) == {check for check, _ in estate.history.ever_failed}
    text = browser.evaluate("document.body.innerText")
    assert "still failing" in text and "Criteria day by day" in text


def test_console_errors_are_caught(browser: Browser, tmp_path: Path) -> None:
    """The no-console-error assertion above can fail: a broken page is noticed."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>console.error('boom');"
                    "undefinedFunction();</script><img src='https://example.invalid/x.png'>"
                    "</body></html>")
    browser.open(page.as_uri())
    errors = browser.errors()
    assert any("boom" in e for e in errors)
    assert len(errors) >= 2


def test_summary_page_from_the_report_model(estate: Estate, browser: Browser,
                                           tmp_path: Path) -> None:
    """render_report itself: the page is the report model's (Type II and Type I titles, the
    bundle's attachments listed, a policy that lets nothing load)."""
    with Repository.open(estate.url) as repo:
        report = build_period_report(repo, load_catalog(), Settings(), START, END)
    page = render_report(report, "0.1.0", attachments=("CC1.1: policy.pdf",)).decode()
    assert CSP in page and "<script" not in page and "evidence 0.1.0" in page
    assert "SOC 2 Type II evidence, 2026-01-01 to 2026-01-06" in page
    assert "<li>CC1.1: policy.pdf</li>" in page
    assert "SOC 2 Type I evidence as of 2026-01-06" in render_report(
        report, "0.1.0", type1=True).decode()
    seen = look(browser, page, tmp_path, "report")
    same_numbers(seen, json.loads(json.dumps(report.to_dict())))
    drawn = {bar["check"] for bar in seen["intervals"]}
    assert drawn == {check for check, _ in estate.history.ever_failed}
