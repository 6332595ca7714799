"""`evidence report --format html` in headless Chromium, against `--format json` of the same
period: at 1400 px nothing overflows the page, the console has no error, nothing is fetched,
screenshots (screen and print emulation) are saved under tmp_path, and every number read back
from the page (heatmap days, legend counts, facts, table cells, exception bars, time to fix,
category coverage, the progress line) equals the JSON report's.

The estate is ``bench/period``'s generator, small: 48 resources under 4 checks, a run every day
from 2026-01-01 up to yesterday (UTC) except 10-12 January (gaps), 3% of results flipping daily.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bench.period.history import T0, Estate
from storage import Repository
from tests.collector.export.cdp import Browser
from tests.collector.report.pages import (
    browser,
    look,
    same_numbers,
)
from tests.support.cli import run_cli

__all__ = ["browser"]
SKIPPED = {9, 10, 11}
"""Days after T0 without a run (10-12 January)."""


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The database URL and a config file with the daily schedule."""
    base = tmp_path_factory.mktemp("visual")
    url = f"sqlite:///{base / 'evidence.db'}"
    last = (datetime.now(UTC).date() - T0.date()).days - 1
    with Repository.open(url) as repo:
        gen = Estate(repo, resources=48, checks=4)
        for n in range(min(last, 364) + 1):
            if n:
                gen.flip(0.03)
            if n not in SKIPPED:
                gen.run(n)
    config = base / "evidence.yaml"
    config.write_text("schedule: '0 3 * * *'\n")
    yield url, config


def _report(capsys: pytest.CaptureFixture[str], estate: tuple[str, Path], start: date,
            end: date, fmt: str) -> str:
    url, config = estate
    res = run_cli(capsys, "--config", str(config), "--db", url, "report", "--from",
                  start.isoformat(), "--to", end.isoformat(), "--format", fmt)
    assert res.code == 0, res.err
    return res.out


def test_january_with_gaps(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    start, end = date(2026, 1, 1), date(2026, 1, 31)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    seen = look(browser, _report(capsys, estate, start, end, "html"), tmp_path, "january")
    same_numbers(seen, data)
    assert data["exceptions"] and seen["intervals"]
    if "daily" in data:
        assert seen["daily"]["CC6.1"][9:12] == "ggg"  # no run on 10-12 January


def test_period_in_progress(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(UTC).date()
    start, end = today - timedelta(days=10), today + timedelta(days=10)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    seen = look(browser, _report(capsys, estate, start, end, "html"), tmp_path, "progress")
    same_numbers(seen, data)
    if "progress" not in data:
        pytest.skip("the report has no progress yet (issue 16, item 3)")
    assert data["progress"]["in_progress"] and seen["banner"].startswith("period in progress")


def test_the_year(estate: tuple[str, Path], browser: Browser, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    data = json.loads(_report(capsys, estate, start, end, "json"))
    seen = look(browser, _report(capsys, estate, start, end, "html"), tmp_path, "year")
    same_numbers(seen, data)
    if "daily" in data:
        assert {len(codes) for codes in seen["daily"].values()} == {365}
