"""A small line chart of one area's scores over time, as a standalone SVG string: pure function,
no Flask, no database, no JavaScript.

Two series share the chart — the revisors' score in each published review and the organisation's
own consensus in each self-assessment round. They differ without colour: the reviews are a solid
line with filled circles, the self-assessments a dashed line with hollow squares, repeated in the
legend. Lines, markers and grid lines have at least 3:1 contrast against white (WCAG 1.4.11).
Only presentation attributes are used (no ``style=``), so the page's Content Security Policy
allows it. ``role="img"`` with ``<title>`` and ``<desc>`` names it for screen readers; the page
gives the same numbers as a table beside it.

The x axis is time (dates placed in proportion to the days between them), the y axis the step 0–5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from seqf import clock

MAX_SCORE = 5
PAD = 10  # room between the y labels and the first marker, and after the last one
TEXT_COLOUR = "#1f2328"
GRID_COLOUR = "#8c959f"  # 3:1 against white
SERIES = {
    # source → (stroke colour, dash pattern, marker)
    "review": ("#0056b4", "", "circle"),
    "self_assessment": ("#a64b00", "6 4", "square"),
}


@dataclass(frozen=True)
class Frame:
    """Where the plot area sits inside the SVG and which dates it spans."""

    left: float
    right: float
    top: float
    bottom: float
    first: dt.date
    last: dt.date

    def x(self, day: dt.date) -> float:
        """Dates in proportion to the days between them; one date alone sits in the middle."""
        span = (self.last - self.first).days
        if span == 0:
            return (self.left + self.right) / 2
        return self.left + PAD + (self.right - self.left - 2 * PAD) * (day - self.first).days / span

    def y(self, score: float) -> float:
        return self.bottom - (self.bottom - self.top) * score / MAX_SCORE


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if shape == "circle":
        return (f'<circle class="trend__marker" cx="{_fmt(x)}" cy="{_fmt(y)}" r="5" fill="{colour}" '
                f'stroke="{colour}" stroke-width="2">{title}</circle>')
    return (f'<rect class="trend__marker" x="{_fmt(x - 4.5)}" y="{_fmt(y - 4.5)}" width="9" height="9" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2.5">{title}</rect>')


def _line(points: Sequence[tuple[float, float]], colour: str, dash: str) -> str:
    if len(points) < 2:
        return ""
    path = "M " + " L ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in points)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path class="trend__line" d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>'


def _x_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """1 January of each year in the span (at most six, thinned evenly); the ends when there is none."""
    years = [dt.date(y, 1, 1) for y in range(first.year, last.year + 1) if first <= dt.date(y, 1, 1) <= last]
    while len(years) > 6:
        years = years[::2]
    return years or ([first] if first == last else [first, last])


def trend_svg(points: Sequence[dict], *, title: str, desc: str, labels: dict[str, str], id_prefix: str,
              date_text=lambda day: day.isoformat(), width: int = 320, height: int = 190,
              font_size: int = 12) -> str:
    """The chart of one area. ``points``: ``{"date": date, "source": "review"|"self_assessment",
    "score": int}`` in any order; ``labels`` names the two sources (legend and marker tooltips);
    ``date_text`` formats a date for the tooltips. Empty ``points`` draw the frame with no lines."""
    frame_days = [p["date"] for p in points] or [clock.today()]
    legend_height = font_size * 2.2
    frame = Frame(left=font_size * 2.2, right=width - font_size, top=font_size * 0.8 + legend_height,
                  bottom=height - font_size * 2.2, first=min(frame_days), last=max(frame_days))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby={quoteattr(title_id)} aria-describedby={quoteattr(desc_id)} '
        f'font-family="system-ui, sans-serif" font-size="{font_size}">',
        f'<title id={quoteattr(title_id)}>{escape(title)}</title>',
        f'<desc id={quoteattr(desc_id)}>{escape(desc)}</desc>',
    ]
    for score in range(MAX_SCORE + 1):
        y = frame.y(score)
        parts.append(f'<line class="trend__grid" x1="{_fmt(frame.left)}" x2="{_fmt(frame.right)}" y1="{_fmt(y)}" '
                     f'y2="{_fmt(y)}" stroke="{GRID_COLOUR}" stroke-width="{1 if score else 1.5}"/>')
        parts.append(f'<text class="trend__y" x="{_fmt(frame.left - 6)}" y="{_fmt(y)}" text-anchor="end" '
                     f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{score}</text>')
    for day in _x_ticks(frame.first, frame.last):
        x = frame.x(day)
        text = str(day.year) if (day.month, day.day) == (1, 1) else date_text(day)
        parts.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{_fmt(frame.bottom)}" y2="{_fmt(frame.bottom + 4)}" '
                     f'stroke="{GRID_COLOUR}" stroke-width="1.5"/>')
        parts.append(f'<text class="trend__x" x="{_fmt(x)}" y="{_fmt(frame.bottom + font_size * 1.5)}" '
                     f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(text)}</text>')
    # legend: the same line and marker as the series
    x = frame.left
    for source, (colour, dash, shape) in SERIES.items():
        y = font_size * 1.1
        parts.append(_line([(x, y), (x + 26, y)], colour, dash))
        parts.append(_marker(shape, x + 13, y, colour, labels[source]))
        parts.append(f'<text class="trend__legend" x="{_fmt(x + 32)}" y="{_fmt(y)}" dominant-baseline="middle" '
                     f'fill="{TEXT_COLOUR}">{escape(labels[source])}</text>')
        x += 32 + len(labels[source]) * font_size * 0.55 + 18
    for source, (colour, dash, shape) in SERIES.items():
        mine = sorted((p for p in points if p["source"] == source), key=lambda p: p["date"])
        coords = [(frame.x(p["date"]), frame.y(p["score"])) for p in mine]
        parts.append(_line(coords, colour, dash))
        for p, (px, py) in zip(mine, coords, strict=True):
            parts.append(_marker(shape, px, py, colour, f"{labels[source]}, {date_text(p['date'])}: {p['score']}"))
    parts.append("</svg>")
    return "".join(part for part in parts if part)
