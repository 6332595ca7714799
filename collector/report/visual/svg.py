"""A very small SVG writer: elements as escaped, deterministic text (no library, no DOM).

Every attribute value and every text node goes through :func:`esc`, so a hostile check or
resource id (``<script>``, quotes, ``]]>``) stays text. Numbers are written by :func:`num`:
at most two decimals, no trailing zeros, no ``-0``, so equal inputs give byte-equal pictures.
Inline SVG in HTML needs no ``xmlns``; :meth:`Svg.render` adds it only for a standalone file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape

Attr = str | int | float | None
_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9:-]*$")


def esc(text: object) -> str:
    """Text safe inside an element or a double-quoted attribute (HTML and XML alike)."""
    return escape(str(text), quote=True)


def num(value: float) -> str:
    """A coordinate as short, stable text: ``12``, ``3.5``, ``0.33``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def attrs(values: Mapping[str, Attr]) -> str:
    """`` name="value"`` pairs in the given order; ``None`` values are left out."""
    out = []
    for name, value in values.items():
        if value is None:
            continue
        if not _NAME.match(name):
            raise ValueError(f"not an attribute name: {name!r}")
        text = num(value) if isinstance(value, float) else str(value)
        out.append(f' {name}="{esc(text)}"')
    return "".join(out)


def el(tag: str, values: Mapping[str, Attr] | None = None, *children: str) -> str:
    """One element; ``children`` are already-rendered markup (use :func:`text` for text)."""
    if not _NAME.match(tag):
        raise ValueError(f"not an element name: {tag!r}")
    head = f"<{tag}{attrs(values or {})}"
    if not children:
        return head + "/>"
    return f"{head}>{''.join(children)}</{tag}>"


def text(x: float, y: float, body: object, values: Mapping[str, Attr] | None = None) -> str:
    """A ``<text>`` at (x, y) whose content is ``body`` escaped."""
    return el("text", {"x": float(x), "y": float(y), **(values or {})}, esc(body))


def title(body: object) -> str:
    """A ``<title>`` child: the tooltip and the accessible name of its parent."""
    return f"<title>{esc(body)}</title>"


class Svg:
    """An SVG picture built from rendered children, with an accessible label."""

    def __init__(self, width: float, height: float, label: str, css_class: str = "") -> None:
        self.width, self.height, self.label, self.css_class = width, height, label, css_class
        self.parts: list[str] = []

    def add(self, *markup: str) -> None:
        """Append rendered children."""
        self.parts.extend(markup)

    def extend(self, markup: Iterable[str]) -> None:
        """Append many rendered children."""
        self.parts.extend(markup)

    def render(self, *, standalone: bool = False, extra: Mapping[str, Attr] | None = None) -> str:
        """The ``<svg>`` element (``standalone``: with the namespace, for a .svg file)."""
        w, h = num(self.width), num(self.height)
        values: dict[str, Attr] = {
            "xmlns": "http://www.w3.org/2000/svg" if standalone else None,
            "class": self.css_class or None, "role": "img", "aria-label": self.label,
            "width": w, "height": h, "viewBox": f"0 0 {w} {h}"}
        values.update(extra or {})
        head = f"<svg{attrs(values)}>"
        return head + title(self.label) + "".join(self.parts) + "</svg>"
