"""The day states of the heatmap: colour, pattern and letter for each, and the shared patterns.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies);
each state also has its own fill pattern and letter, so the picture reads in greyscale and on a
black-and-white printout. The codes are those of the report's ``daily`` strings
(``collector.report.model``); their names come from the report's own ``codes`` map when given.
"""

from __future__ import annotations

from dataclasses import dataclass

from collector.report.visual.svg import el


@dataclass(frozen=True)
class State:
    """How one day state is drawn."""

    code: str
    name: str
    colour: str
    ink: str
    """Colour of the pattern's marks and of the letter (contrasting with ``colour``)."""
    mark: str
    """The pattern: ``solid``, ``diagonal``, ``cross``, ``dots``, ``rows``, ``columns``,
    ``outline``."""

    @property
    def letter(self) -> str:
        """The letter printed in wide enough cells and in the legend."""
        return self.code.upper()

    @property
    def fill(self) -> str:
        """The SVG fill: a plain colour or the state's pattern."""
        return self.colour if self.mark == "solid" else f"url(#st-{self.code})"


STATES: tuple[State, ...] = (
    State("p", "pass", "#009E73", "#ffffff", "solid"),
    State("f", "fail", "#D55E00", "#4a1a00", "diagonal"),
    State("a", "fail, all failures accepted", "#CC79A7", "#4b1d3a", "cross"),
    State("x", "partial (errors, no failure)", "#E69F00", "#4d3500", "dots"),
    State("g", "gap (no evidence)", "#ffffff", "#333333", "rows"),
    State("o", "out of scope", "#dddddd", "#555555", "solid"),
    State("n", "not yet elapsed", "#ffffff", "#888888", "outline"),
    State("m", "manual evidence only", "#56B4E9", "#0b3954", "columns"),
)
BY_CODE = {s.code: s for s in STATES}
UNKNOWN_FILL = "url(#st-unknown)"
"""Hatching of an exception's unknown spans (the timeline)."""


def state(code: str) -> State:
    """The state of a daily code; an unknown code draws as a gap (never as a pass)."""
    return BY_CODE.get(code, BY_CODE["g"])


def _pattern(s: State) -> str:
    size = 4
    base = el("rect", {"width": size, "height": size, "fill": s.colour})
    marks = {
        "diagonal": el("rect", {"width": 1.6, "height": size, "fill": s.ink}),
        "cross": el("rect", {"width": 1, "height": size, "fill": s.ink})
        + el("rect", {"width": size, "height": 1, "fill": s.ink}),
        "dots": el("circle", {"cx": 2, "cy": 2, "r": 0.9, "fill": s.ink}),
        "rows": el("rect", {"width": size, "height": 1.2, "fill": s.ink}),
        "columns": el("rect", {"width": 1.2, "height": size, "fill": s.ink}),
        "outline": el("rect", {"width": 1, "height": 1, "fill": s.ink}),
    }[s.mark]
    turn = "rotate(45)" if s.mark in ("diagonal", "cross") else None
    return el("pattern", {"id": f"st-{s.code}", "width": size, "height": size,
                          "patternUnits": "userSpaceOnUse", "patternTransform": turn},
              base, marks)


def defs() -> str:
    """A zero-size SVG holding every pattern, once per page (referenced by ``url(#...)``)."""
    patterns = [_pattern(s) for s in STATES if s.mark != "solid"]
    patterns.append(el("pattern", {"id": "st-unknown", "width": 5, "height": 5,
                                   "patternUnits": "userSpaceOnUse",
                                   "patternTransform": "rotate(-45)"},
                       el("rect", {"width": 5, "height": 5, "fill": "#ffffff"}),
                       el("rect", {"width": 2, "height": 5, "fill": "#555555"})))
    return ('<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">'
            f"<defs>{''.join(patterns)}</defs></svg>")
