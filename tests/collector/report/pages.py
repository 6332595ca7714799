"""Looking at the visual report in headless Chromium: a 1400 px wide page, screenshots on screen
and in print emulation, and the numbers read back from the page's DOM."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
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
    [g.dataset.criterion, [...g.querySelectorAll('rect')].map(r =>
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
    return json.loads(browser.evaluate(READBACK))  # type: ignore[no-any-return]


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
