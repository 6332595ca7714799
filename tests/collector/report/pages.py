"""Looking at the visual report in headless Chromium: a 1400 px wide page, screenshots on screen
and in print emulation, and the numbers read back from the page's DOM."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tests.collector.export.cdp import Browser
from tests.support.browser import find_chromium, skip_reason

WIDTH = 1400

READBACK = """JSON.stringify({
  scrollWidth: document.scrollingElement.scrollWidth,
  daily: Object.fromEntries([...document.querySelectorAll('g.hm-row')].map(g =>
    [g.dataset.criterion, g.dataset.daily])),
  drawn: Object.fromEntries([...document.querySelectorAll('g.hm-row')].map(g =>
    [g.dataset.criterion, [...g.querySelectorAll('rect[data-state]')].map(r =>
      [r.dataset.state, +r.dataset.days, r.x.baseVal.value, r.width.baseVal.value])])),
  legend: Object.fromEntries([...document.querySelectorAll('.legend li')].map(li =>
    [li.dataset.state, +li.dataset.count])),
  facts: Object.fromEntries([...document.querySelectorAll('.fact')].map(f =>
    [f.dataset.fact, JSON.parse(f.dataset.v)])),
  criteria: Object.fromEntries([...document.querySelectorAll('tr.criterion')].map(tr =>
    [tr.dataset.criterion, [...tr.querySelectorAll('td[data-v]')].map(td =>
      JSON.parse(td.dataset.v))])),
  checks: Object.fromEntries([...document.querySelectorAll('tr.check')].map(tr =>
    [tr.dataset.check, [...tr.querySelectorAll('td[data-v]')].map(td =>
      JSON.parse(td.dataset.v))])),
  intervals: [...document.querySelectorAll('g.interval')].map(g => ({...g.dataset})),
  rows: [...document.querySelectorAll('tr.exception')].length,
  more: {...(document.querySelector('p.more') || {dataset: {}}).dataset},
  ttf: [...document.querySelectorAll('g.ttf-row')].map(g => ({...g.dataset})),
  cats: [...document.querySelectorAll('g.cat-row')].map(g => ({...g.dataset})),
  banner: (document.querySelector('p.banner') || {innerText: ''}).innerText,
  text: document.body.innerText.length,
})"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    """Headless Chromium with a 1400 px wide viewport (skipped, saying why, without it)."""
    why = skip_reason()
    exe = find_chromium()
    if why is not None or exe is None:
        pytest.skip(f"browser test skipped: {why}")
    b = Browser(exe, tmp_path / "profile", timeout=120)
    try:
        b.call("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": 1000,
                                                      "deviceScaleFactor": 1, "mobile": False})
        yield b
    finally:
        b.close()


def read_back(browser: Browser) -> dict[str, Any]:
    """What the page shows, as numbers (see ``READBACK``)."""
    return json.loads(browser.evaluate(READBACK))


def screenshots(browser: Browser, screen: Path, paper: Path) -> None:
    """A full-page screenshot on screen and one in print emulation."""
    browser.screenshot(screen)
    browser.call("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        data = browser.call("Page.captureScreenshot", {"format": "png",
                                                        "captureBeyondViewport": True})["data"]
        paper.write_bytes(base64.b64decode(data))
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""})


def requested(browser: Browser) -> list[str]:
    """Every URL the page asked for."""
    return [e["params"]["request"]["url"] for e in browser.events
            if e.get("method") == "Network.requestWillBeSent"]


def look(browser: Browser, page: str, tmp_path: Path, name: str) -> dict[str, Any]:
    """Open ``page`` (saved as ``name``.html under tmp_path) and check what every visual page
    must hold: no console error, nothing fetched, no horizontal overflow at 1400 px; save the
    screenshots; return what the page shows (``read_back``)."""
    path = tmp_path / f"{name}.html"
    path.write_text(page)
    browser.open(path.as_uri())
    seen = read_back(browser)
    assert browser.errors() == []
    assert requested(browser) == [path.as_uri()], "the page loads nothing else"
    assert seen["scrollWidth"] <= WIDTH, "horizontal overflow at 1400 px"
    screenshots(browser, tmp_path / f"{name}.png", tmp_path / f"{name}-print.png")
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    assert (tmp_path / f"{name}-print.png").stat().st_size > 10_000
    return seen


def same_numbers(seen: dict[str, Any], data: dict[str, Any]) -> None:
    """Every number the page shows is the JSON report's (made at another moment: in a period
    still in progress an open exception is measured to the latest run, not to the clock)."""
    exc = data["exceptions"]
    assert seen["facts"]["collections"] == data["collections"]
    assert seen["facts"]["collections_complete"] == data["collections_complete"]
    assert seen["facts"]["exceptions"] == len(exc)
    if data["categories"] and isinstance(data["categories"][0], dict):
        assert seen["facts"]["criteria_evidenced"] == sum(
            c["evidenced"] for c in data["categories"] if c["in_scope"])
    for c in data["criteria"]:
        cov = c["coverage"]
        assert seen["criteria"][c["id"]] == [cov["pass_rate"], cov["failed"], cov["gap_days"],
                                             cov["exceptions"], cov["open_exceptions"]], c["id"]
    for c in data["checks"]:
        cov = c["coverage"]
        assert seen["checks"][c["id"]] == [cov["pass_rate"], cov["failed"], cov["errors"],
                                           cov["exceptions"], cov["open_exceptions"]], c["id"]
    assert seen["rows"] == len(exc)
    by_key = {(e["check_id"], e["resource_id"], e["first_seen"]): e for e in exc}
    for bar in seen["intervals"]:
        e = by_key[(bar["check"], bar["resource"], bar["firstSeen"])]
        assert bar["fixedAt"] == (e["fixed_at"] or "open")
        assert int(bar["durationS"]) == e["duration_s"]
        assert int(bar["unknownS"]) == e["unknown_s"]
        assert bar.get("acceptedRisk") == e.get("accepted_risk")
    groups = {(e["check_id"], e["resource_id"], e["provider"], e["scope"], e["region"])
              for e in exc}
    if exc:
        assert int(seen["more"]["shown"]) + int(seen["more"]["more"]) == len(groups)
    if "daily" in data:
        daily = data["daily"]["criteria"]
        assert seen["daily"] == daily
        for crit, rects in seen["drawn"].items():
            assert "".join(s * n for s, n, _, _ in rects) == daily[crit]
            for (_, _, x, w), (_, _, x2, _) in pairwise(rects):
                assert abs(x + w - x2) < 0.02, "runs are drawn edge to edge"
        counts = Counter("".join(daily.values()))
        assert seen["legend"] == {k: counts.get(k, 0) for k in seen["legend"]}
        assert set(counts) <= set(seen["legend"]), "every code has a legend entry"
    if "time_to_fix" in data:
        fixed = [t for t in data["time_to_fix"] if t["median_s"] is not None]
        assert [(r["criterion"], json.loads(r["medianS"]), json.loads(r["p90S"]),
                 json.loads(r["fixed"])) for r in seen["ttf"]] == [
            (t["criterion"], t["median_s"], t["p90_s"], t["fixed"]) for t in fixed]
    if data["categories"] and isinstance(data["categories"][0], dict):
        assert [(r["category"], json.loads(r["criteria"]), json.loads(r["evidenced"]),
                 json.loads(r["coverage"])) for r in seen["cats"]] == [
            (c["category"], c["criteria"], c["evidenced"], c["coverage"])
            for c in data["categories"]]
    progress = data.get("progress")
    if progress and progress["in_progress"]:
        assert seen["banner"] == (f"period in progress: {progress['elapsed_days']} of "
                                  f"{progress['total_days']} days elapsed")
    else:
        assert seen["banner"] == ""
