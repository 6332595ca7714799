"""The small SVG writer and the pictures drawn with it: well-formed SVG (parsed as XML), hostile
ids stay text, equal inputs give byte-equal pictures, and the drawn runs are the daily codes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from typing import Any

import pytest

from collector.report.visual.charts import categories, time_to_fix
from collector.report.visual.heatmap import day_width, heatmap, legend, runs
from collector.report.visual.states import STATES, defs
from collector.report.visual.svg import Svg, el, num, text
from collector.report.visual.timeline import clip, rows_of, span_text, timeline

HOSTILE = "\"'><script>alert(1)</script>&amp;]]><!--"


def parse(svg: str) -> ET.Element:
    """Parse as XML (inline SVG has no namespace; well-formedness is what matters)."""
    return ET.fromstring(svg)


def test_attributes_and_text_are_escaped_and_round_trip() -> None:
    pic = Svg(100, 20, HOSTILE)
    pic.add(el("rect", {"x": 1.0, "y": 2, "data-id": HOSTILE}), text(3, 4, HOSTILE))
    root = parse(pic.render(standalone=True))
    assert root.get("aria-label") == HOSTILE
    rect = root.find("{http://www.w3.org/2000/svg}rect")
    assert rect is not None and rect.get("data-id") == HOSTILE
    assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")] == [HOSTILE]
    assert root.find(".//{http://www.w3.org/2000/svg}script") is None
    assert "<script" not in pic.render()


@pytest.mark.parametrize("bad", ["on click", "x\"y", "1x", "", "a>b"])
def test_names_that_are_not_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        el(bad)
    with pytest.raises(ValueError):
        el("rect", {bad: 1})


def test_numbers_are_short_and_stable() -> None:
    assert [num(v) for v in (12.0, 0.5, 1 / 3, -0.001, 1180 / 365, 0.0)] == [
        "12", "0.5", "0.33", "0", "3.23", "0"]


def test_runs_of_codes() -> None:
    assert list(runs("ppffgp")) == [(0, "p", 2), (2, "f", 2), (4, "g", 1), (5, "p", 1)]
    assert list(runs("")) == []


def test_day_width_fits_the_page() -> None:
    assert day_width(31) == 18 and day_width(90) == 13
    assert 365 * day_width(365) <= 1180 and day_width(5000) == 2


def _daily(rows: dict[str, str]) -> dict[str, Any]:
    return {"start": "2026-01-30", "codes": {s.code: s.name for s in STATES}, "criteria": rows}


def test_heatmap_draws_every_day_in_its_state_and_counts_them() -> None:
    rows = {"CC6.1": "ppppffaxgonm", "A1.2": "oooooooooooo", HOSTILE: "pqpppppppppp"}
    svg, counts = heatmap(_daily(rows), ["CC6.1", "A1.2"], {"CC6.1": "Logical access"})
    root = parse(svg)
    drawn = {}
    for g in root.iter("g"):
        codes = "".join(r.get("data-state", "") * int(r.get("data-days", "0"))
                        for r in g.iter("rect"))
        drawn[g.get("data-criterion")] = (g.get("data-daily"), codes)
    assert drawn["CC6.1"] == (rows["CC6.1"], rows["CC6.1"])
    assert drawn["A1.2"] == (rows["A1.2"], rows["A1.2"])
    assert drawn[HOSTILE] == (rows[HOSTILE], "pgpppppppppp")  # an unknown code is a gap
    assert list(drawn) == ["CC6.1", "A1.2", HOSTILE]  # report order, then the rest sorted
    assert counts == Counter("".join(rows.values()))
    months = [t.text for t in root.iter("text") if t.get("class") == "month"]
    assert months == ["Jan 2026", "Feb"]
    letters = [t.text for t in root.iter("text") if t.get("class") == "cl"]
    assert letters[:12] == list("PPPPFFAXGONM")  # short period: a letter per day
    page = legend(counts, _daily(rows)["codes"])
    assert 'data-state="f" data-count="2"' in page and 'data-state="o" data-count="13"' in page


def test_patterns_are_defined_once_for_every_patterned_state() -> None:
    root = parse(defs())
    ids = [p.get("id") for p in root.iter("pattern")]
    assert len(ids) == len(set(ids))
    assert {f"st-{s.code}" for s in STATES if s.mark != "solid"} | {"st-unknown"} == set(ids)


def _exception(check: str, resource: str, first: str, fixed: str | None, seconds: int,
               **extra: Any) -> dict[str, Any]:
    return {"check_id": check, "resource_id": resource, "provider": "aws", "scope": "1",
            "region": "r", "criteria": ["CC6.1"], "first_seen": first, "fixed_at": fixed,
            "fixed_by": "pass" if fixed else None, "duration_s": seconds, "unknown": [],
            "unknown_s": 0, "accepted_risk": None, **extra}


def test_timeline_caps_rows_open_first_and_draws_unknown_and_risks() -> None:
    items = [_exception("c1", f"r{i}", "2026-01-02T03:00:00Z", "2026-01-03T03:00:00Z", 86400)
             for i in range(5)]
    items.append(_exception("c2", HOSTILE, "2026-01-04T03:00:00Z", None, 86400 * 7,
                            unknown=[{"since": "2026-01-06T03:00:00Z", "until": None,
                                      "reason": "error"}], unknown_s=86400 * 5))
    items.append(_exception("c3", "r", "2026-01-05T03:00:00Z", None, 86400 * 6,
                            accepted_risk="RISK-7"))
    svg, shown, more = timeline(items, date(2026, 1, 1),
                                date(2026, 1, 10),
                                date(2026, 1, 10), limit=4)
    root = parse(svg)
    assert (shown, more) == (4, 3)
    order = [g.get("data-resource") for g in root.iter("g") if g.get("class") == "tl-row"]
    assert order == [HOSTILE, "r", "r0", "r1"]  # open (longest first), then the longest fixed
    unknown = [r for r in root.iter("rect") if r.get("class") == "unknown"]
    assert [u.get("data-until") for u in unknown] == ["open"]
    assert [t.text for t in root.iter("text") if t.get("class") == "risk"] == ["RISK-7"]
    bars = {g.get("data-resource"): g for g in root.iter("g") if g.get("class") == "interval"}
    assert bars["r"].get("data-accepted-risk") == "RISK-7"
    assert bars[HOSTILE].get("data-duration-s") == str(86400 * 7)
    assert bars[HOSTILE].get("data-fixed-at") == "open"
    assert [rows_of(items)[1], rows_of(items[:1])[1]] == [7, 1]
    assert rows_of(items, 2)[0] == rows_of(items)[0][:2]


def test_charts_carry_the_reports_numbers() -> None:
    rows = [{"criterion": "CC6.1", "fixed": 3, "median_s": 5400.0, "p90_s": 172800.5},
            {"criterion": "CC7.2", "fixed": 0, "median_s": None, "p90_s": None}]
    root = parse(time_to_fix(rows).split("<p", 1)[0])
    (g,) = [g for g in root.iter("g") if g.get("class") == "ttf-row"]
    assert (g.get("data-median-s"), g.get("data-p90-s"), g.get("data-fixed")) == (
        "5400.0", "172800.5", "3")
    assert "No exception was fixed" in time_to_fix(rows[1:])
    cats = parse(categories([{"category": "security", "in_scope": True, "criteria": 33,
                              "evidenced": 6, "coverage": 6 / 33},
                             {"category": "privacy", "in_scope": False, "criteria": 18,
                              "evidenced": 0, "coverage": None}]))
    got = [(g.get("data-category"), g.get("data-evidenced"), g.get("data-coverage"))
           for g in cats.iter("g")]
    assert got == [("security", "6", repr(6 / 33)), ("privacy", "0", "null")]


def test_equal_inputs_give_byte_equal_pictures() -> None:
    rows = {"CC6.1": "ppffp" * 20, "CC7.2": "gggpp" * 20}
    swapped = dict(reversed(list(rows.items())))
    assert heatmap(_daily(rows), ["CC6.1", "CC7.2"], {}) == heatmap(
        _daily(swapped), ["CC6.1", "CC7.2"], {})
    items = [_exception("c", "r", "2026-01-02T03:00:00Z", None, 3600)]
    assert timeline(items, date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 5)) == timeline(
        items, date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 5))


def test_helpers_for_people() -> None:
    assert [span_text(s) for s in (59, 3600 * 5, 86400 * 3)] == ["1 min", "5.0 h", "3.0 d"]
    cut = clip("arn:aws:s3:::a-very-long-bucket-name-for-tests/r00012", 30)
    assert len(cut) == 30 and cut.endswith("r00012") and "…" in cut
    assert re.fullmatch(r"[^…]+", clip("short", 30))
