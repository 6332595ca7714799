"""summary.html in headless Chromium: opened from an exported bundle (file://), the expected
criteria and exception rows are visible, nothing is fetched, and the console has no error.

Needs Debian's `chromium`: the README's test command runs `python -m tests.support.browser`
first, which installs it when it can and otherwise says in one line why these tests skip.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.export.html import render_report
from collector.report.period import build_period_report
from collector.report.visual.page import CSP
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from tests.collector.export.cdp import Browser
from tests.collector.export.conftest import END, START, Estate
from tests.collector.report.pages import look, same_numbers
from tests.support.browser import find_chromium, skip_reason

VISIBLE = """JSON.stringify([...document.querySelectorAll('%s')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.dataset.criterion || e.dataset.check))"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    why = skip_reason()
    exe = find_chromium()
    if why is not None or exe is None:
        pytest.skip(f"browser test skipped: {why}")
    b = Browser(exe, tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


def test_summary_html_shows_criteria_and_exceptions(signed_bundle: bytes, estate: Estate,
                                                    browser: Browser, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    (tmp_path / "b.zip").write_bytes(signed_bundle)
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        zf.extractall(folder)
    browser.open((folder / "summary.html").as_uri())
    criteria = json.loads(browser.evaluate(VISIBLE % "tr.criterion"))
    covered = {c for crits in estate.history.criteria.values() for c in crits}
    assert {"CC6.1", "CC7.2", "CC8.1"} <= set(criteria) and "CC1.1" in criteria
    assert covered & set(criteria) == covered - {"A1.2", "C1.1"}  # out of scope by default
    exceptions = json.loads(browser.evaluate(VISIBLE % "tr.exception"))
    assert len(exceptions) >= len(estate.history.ever_failed)
    assert set(exceptions) == {check for check, _ in estate.history.ever_failed}
    text = browser.evaluate("document.body.innerText")
    assert "still failing" in text and "Pass rate over the period" in text
    charts = browser.evaluate("document.querySelectorAll('svg polyline').length")
    assert charts >= len(covered - {"A1.2", "C1.1"})
    requested = [e["params"]["request"]["url"] for e in browser.events
                 if e.get("method") == "Network.requestWillBeSent"]
    assert requested == [(folder / "summary.html").as_uri()], "the page loads nothing else"
    assert browser.errors() == []
    shot = tmp_path / "summary.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 10_000


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


def test_summary_page_from_the_report_model(estate: Estate, tmp_path: Path) -> None:
    """render_report: the bundle's page drawn from the period report with the visual
    components, its numbers equal to the report's JSON form, in Chromium at 1400 px."""
    why = skip_reason()
    if why is not None:
        pytest.skip(f"browser test skipped: {why}")
    with Repository.open(estate.url) as repo:
        report = build_period_report(repo, load_catalog(), Settings(), START, END)
    page = render_report(report, "0.1.0", attachments=("CC1.1: policy.pdf",)).decode()
    assert CSP in page and "<script" not in page and "evidence 0.1.0" in page
    assert "SOC 2 Type II evidence, 2026-01-01 to 2026-01-06" in page
    assert "SOC 2 Type I evidence as of 2026-01-06" in render_report(
        report, "0.1.0", type1=True).decode()
    exe = find_chromium()
    assert exe is not None
    b = Browser(exe, tmp_path / "profile", timeout=120)
    try:
        b.call("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000,
                                                      "deviceScaleFactor": 1, "mobile": False})
        seen = look(b, page, tmp_path, "summary")
    finally:
        b.close()
    same_numbers(seen, json.loads(json.dumps(report.to_dict())))
    drawn = {bar["check"] for bar in seen["intervals"]}
    assert drawn == {check for check, _ in estate.history.ever_failed}
