"""A radar (spider) chart as a standalone SVG string: pure function, no Flask, no database.

Used on the results page (consensus against the staff median) and later in the PDF report. Only
presentation attributes are used — no ``style=`` attributes — so it passes the page's Content
Security Policy and renders the same in a PDF engine. ``<title>``, ``<desc>`` and ``role="img"``
make it readable by screen readers; pages still give a data table beside it
(``templates/rounds/_radar.html``).

Readable without colour: each series has its own line pattern and its own marker shape (filled
circle, hollow square, hollow triangle), repeated in the legend; lines and markers have at least
3:1 contrast against white, and the grid rings 3:1 too, so the steps can be read off (WCAG 1.4.11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

# style name → presentation attributes of the series polygon (colours meet 3:1 against white)
STYLES: dict[str, dict[str, str]] = {
    "primary": {"stroke": "#0056b4", "fill": "#0056b4", "fill-opacity": "0.16", "stroke-width": "3"},
    "secondary": {"stroke": "#a64b00", "fill": "none", "stroke-width": "3", "stroke-dasharray": "8 5"},
    "muted": {"stroke": "#525962", "fill": "none", "stroke-width": "2.5", "stroke-dasharray": "2 4"},
}
# style name → marker shape at each value, so the series differ in shape, not only in colour
MARKERS: dict[str, str] = {"primary": "circle", "secondary": "square", "muted": "triangle"}
GRID_COLOUR = "#8c959f"  # 3:1 against white
TEXT_COLOUR = "#1f2328"
LABEL_CHARS = 16


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(values: dict[str, str]) -> str:
    return " ".join(f"{name}={quoteattr(value)}" for name, value in values.items())


def wrap_label(text: str, width: int = LABEL_CHARS) -> list[str]:
    """Split a label into lines of about ``width`` characters at spaces (at most three lines)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return lines or [""]


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _ring(cx: float, cy: float, radius: float, count: int) -> str:
    points = [_point(cx, cy, radius, i, count) for i in range(count)]
    return "M " + " L ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in points) + " Z"


def _label(cx: float, cy: float, radius: float, index: int, count: int, text: str,
           size: float) -> tuple[str, float, float]:
    """The label of one axis just outside the chart; returns (svg, top edge, bottom edge)."""
    x, y = _point(cx, cy, radius, index, count)
    dx = x - cx
    anchor = "middle" if abs(dx) < radius * 0.2 else ("start" if dx > 0 else "end")
    lines = wrap_label(text)
    line_height = size * 1.2
    top = y - (len(lines) - 1) * line_height / 2  # beside the chart: centred on the spoke
    if y < cy - radius * 0.8:  # above: grows upwards
        top = y - (len(lines) - 1) * line_height - size * 0.3
    elif y > cy + radius * 0.8:  # below: grows downwards
        top = y + size * 0.3
    spans = "".join(f'<tspan x="{_fmt(x)}" y="{_fmt(top + i * line_height)}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    svg = (f'<text class="radar__label" text-anchor="{anchor}" dominant-baseline="middle" '
           f'font-size="{_fmt(size)}" fill="{TEXT_COLOUR}">{spans}</text>')
    return svg, top - size * 0.6, top + (len(lines) - 1) * line_height + size * 0.6


def marker(shape: str, x: float, y: float, r: float, colour: str) -> str:
    """One value marker: a filled circle of radius ``r``, or a larger hollow square or triangle."""
    if shape == "circle":
        return (f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}" fill="{colour}" '
                'stroke="#ffffff" stroke-width="1.5"/>')
    hollow = f'fill="#ffffff" stroke="{colour}" stroke-width="2.5"'
    if shape == "square":
        side = r * 2.7
        return (f'<rect x="{_fmt(x - side / 2)}" y="{_fmt(y - side / 2)}" width="{_fmt(side)}" '
                f'height="{_fmt(side)}" {hollow}/>')
    h = r * 1.5
    return (f'<path d="M {_fmt(x)} {_fmt(y - h * 1.2)} L {_fmt(x + h * 1.1)} {_fmt(y + h * 0.8)} '
            f'L {_fmt(x - h * 1.1)} {_fmt(y + h * 0.8)} Z" {hollow}/>')


def describe(axes: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]]) -> str:
    """The values in words, for ``<desc>``: ``Consensus: 1 Leadership 3; 2 Strategy 2. …``."""
    parts = []
    for label, values, _style in series:
        pairs = zip(axes, values, strict=True)
        listed = "; ".join(f"{axis} {'–' if value is None else _fmt(value)}" for axis, value in pairs)
        parts.append(f"{label}: {listed}.")
    return " ".join(parts)


def radar_svg(axes: list[str], series: list[tuple[str, list[float | None], str]], max_value: float = 5,
              size: int = 640, title: str = "Radar chart", id_prefix: str = "radar",
              font_size: int | None = None) -> str:
    """An SVG radar chart with one axis per label and one polygon per series.

    ``series`` holds ``(label, values, style)`` with one value per axis (``None`` is drawn as 0 and
    written as – in the description); ``style`` is a key of ``STYLES``. The grid has one ring per
    whole step up to ``max_value``. The legend sits under the chart. ``size`` is the width of the
    chart itself; the drawing is wider by the room the labels need. ``font_size`` defaults to a
    size that reads well when the drawing is shown about ``size`` pixels wide.
    """
    count = len(axes)
    if count < 3:
        raise ValueError("a radar chart needs at least three axes")
    if max_value <= 0:
        raise ValueError("max_value must be positive")
    for label, values, style in series:
        if len(values) != count:
            raise ValueError(f"series {label!r} has {len(values)} values for {count} axes")
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    font = font_size or max(12, round(size / 32))
    radius = size * 0.3
    longest = max(len(line) for axis in axes for line in wrap_label(axis))
    label_width = font * 0.6 * min(longest, LABEL_CHARS + 6)  # room for the labels beside the chart
    cx = radius + font * 1.6 + label_width
    # the legend (marker sample + label) must fit too: widen the drawing and centre the chart if not
    legend_width = font * 3.2 + font * 0.62 * max(len(label) for label, _v, _s in series) if series else 0
    width = max(2 * cx, legend_width + font)
    cx = width / 2
    label_radius = radius + font * 0.9
    measured = [_label(cx, 0, label_radius, i, count, axis, font) for i, axis in enumerate(axes)]
    cy = font * 0.4 - min(top for _svg, top, _bottom in measured)
    labels = [_label(cx, cy, label_radius, i, count, axis, font)[0] for i, axis in enumerate(axes)]
    legend_top = cy + max(bottom for _svg, _top, bottom in measured) + font * 1.6
    height = legend_top + (len(series) - 0.5) * font * 1.8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(describe(axes, series))}</desc>',
        f'<g class="radar__grid" fill="none" stroke="{GRID_COLOUR}" stroke-width="1">',
    ]
    steps = int(math.floor(max_value))
    for step in range(1, steps + 1):
        out.append(f'<path d="{_ring(cx, cy, radius * step / max_value, count)}"/>')
    for i in range(count):
        x, y = _point(cx, cy, radius, i, count)
        out.append(f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}"/>')
    out.append("</g>")
    out.append(f'<g class="radar__scale" font-size="{round(font * 0.8)}" fill="#525962" text-anchor="start">')
    for step in range(1, steps + 1):
        ring_y = cy - radius * step / max_value
        out.append(f'<text x="{_fmt(cx + 4)}" y="{_fmt(ring_y + font * 0.75)}">{step}</text>')
    out.append("</g>")
    # the first series is drawn last, on top; the hollow markers are larger than the filled circle,
    # so where two series meet, the circle shows inside the square or triangle
    for label, values, style in reversed(series):
        points = [_point(cx, cy, radius * min(max(v or 0, 0), max_value) / max_value, i, count)
                  for i, v in enumerate(values)]
        coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
        attrs = STYLES[style]
        out.append(f'<g class="radar__series radar__series--{style}">')
        out.append(f'<polygon points="{coords}" {_attrs(attrs)} stroke-linejoin="round">'
                   f"<title>{escape(label)}</title></polygon>")
        for x, y in points:
            out.append(marker(MARKERS[style], x, y, font / 2.8, attrs["stroke"]))
        out.append("</g>")
    out.extend(labels)
    out.append(f'<g class="radar__legend" font-size="{font}" fill="{TEXT_COLOUR}">')
    for n, (label, _values, style) in enumerate(series):
        y = legend_top + n * font * 1.8
        left = (width - legend_width) / 2
        line = {k: v for k, v in STYLES[style].items() if k not in ("fill", "fill-opacity")}
        out.append(f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(left + font * 2.5)}" y2="{_fmt(y)}" '
                   f"{_attrs(line)}/>")
        out.append(marker(MARKERS[style], left + font * 1.25, y, font / 2.8, line["stroke"]))
        out.append(f'<text x="{_fmt(left + font * 3.2)}" y="{_fmt(y)}" dominant-baseline="middle">'
                   f"{escape(label)}</text>")
    out.append("</g></svg>")
    return "".join(out)
