"""`evidence report --format html` in headless Chromium, against `--format json` of the same
period: at 1400 px nothing overflows the page, the console has no error, nothing is fetched,
screenshots (screen and print emulation) are saved under tmp_path, and every number read back
from the page (heatmap days, legend counts, facts, table cells, exception bars, time to fix,
category coverage, the progress line) equals the JSON report's.

The estate is ``bench/period``'s generator, small: 48 resources under 4 checks, a run every day
for the 330 days up to yesterday (UTC) except its days 10-12 (gaps), 3% of results flipping
daily; the failures of one check in its first month are accepted under a risk. Dates are relative
to today, so the periods are the same whatever the clock says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bench.period.history import T0, Estate
from collector.cli import main
from storage import Repository
from tests.collector.export.cdp import Browser
from tests.collector.report.pages import (
    browser,
    look,
    same_numbers,
)
from tests.support.cli import run_cli

__all__ = ["browser"]
RISK = "RISK-T-1"
DAYS = 330
TODAY = datetime.now(UTC).date()
FIRST = TODAY - timedelta(days=DAYS)
"""The estate's first day."""
SKIPPED = {9, 10, 11}
"""Days after FIRST without a run."""


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The database URL and a config file with the daily schedule."""
    base = tmp_path_factory.mktemp("visual")
    url = f"sqlite:///{base / 'evidence.db'}"
    offset = (FIRST - T0.date()).days
    with Repository.open(url) as repo:
        gen = Estate(repo, resources=48, checks=4)
        for n in range(DAYS):
            if n:
                gen.flip(0.03)
            if n not in SKIPPED:
                gen.run(offset + n)
    config = base / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")
    try:  # every failure of check 01 (criterion CC6.6) is accepted, approved today
        main(["--config", str(config), "--db", url, "accept", "--id", RISK, "--check",
              "aws_bench_check_01", "--resource", "*", "--reason", "test", "--approver",
              "ciso@example.com", "--effective-from", FIRST.isoformat(), "--expires",
              (TODAY + timedelta(days=1)).isoformat(), "--backdate"])
    except SystemExit as exc:
        assert not exc.code, exc.code
    yield url, config


def _report(capsys: pytest.CaptureFixture[str], estate: tuple[str, Path], start: date,
            end: date, fmt: str) -> str:
    url, config = estate
    res = run_cli(capsys, "--config", str(config), "--db", url, "report", "--from",
                  start.isoformat(), "--to", end.isoformat(), "--format", fmt)
    assert res.code == 0, res.err
    return res.out


def test_a_month_with_gaps(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    start, end = FIRST, FIRST + timedelta(days=30)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    seen = look(browser, _report(capsys, estate, start, end, "html"), tmp_path, "month")
    same_numbers(seen, data)
    assert data["exceptions"] and seen["intervals"]
    if "daily" in data:
        assert seen["daily"]["CC6.1"][9:12] == "ggg"  # no run on days 10-12


def test_period_in_progress(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    start, end = TODAY - timedelta(days=10), TODAY + timedelta(days=10)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    page = _report(capsys, estate, start, end, "html")
    seen = look(browser, page, tmp_path, "progress")
    same_numbers(seen, data)
    assert data["progress"] == {"elapsed_days": 11, "total_days": 21, "in_progress": True}
    assert seen["banner"] == "period in progress: 11 of 21 days elapsed"
    assert {codes[11:] for codes in seen["daily"].values()} == {"n" * 10}


def test_the_year(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    start, end = FIRST, FIRST + timedelta(days=364)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    page = _report(capsys, estate, start, end, "html")
    seen = look(browser, page, tmp_path, "year")
    same_numbers(seen, data)
    assert {len(codes) for codes in seen["daily"].values()} == {365}
    assert data["progress"]["in_progress"] and data["progress"]["elapsed_days"] == DAYS + 1
    months = browser.evaluate("document.querySelectorAll('svg.heatmap line.tick').length")
    assert 12 <= months <= 13
    # the risk (approved today, in force from the first day) shows beside its exceptions
    accepted = [e for e in data["exceptions"] if e["accepted_risk"] == RISK]
    assert accepted and {e["check_id"] for e in accepted} == {"aws_bench_check_01"}
    cells = json.loads(browser.evaluate(
        "JSON.stringify([...document.querySelectorAll('tr.exception td.accepted')]"
        ".map(td => [td.closest('tr').dataset.check, td.innerText]))"))
    assert cells == [["aws_bench_check_01", RISK]] * len(accepted)
    assert "a" in seen["daily"]["CC6.6"] and seen["legend"]["a"] > 0
    assert [r["risk_id"] for r in data["risks"]] == [RISK]
    assert browser.evaluate(f"!!document.querySelector('tr.risk[data-risk=\"{RISK}\"]')")

