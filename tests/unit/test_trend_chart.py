"""The trend chart's SVG: valid XML, named for screen readers, points where their dates and scores
say, series told apart by line pattern and marker shape, and every text escaped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from seqf.reports.trend import GRID_COLOUR, PAD, SERIES, Frame, trend_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
LABELS = {"review": "Ekstern revisjon", "self_assessment": "Egenvurdering"}


def chart(points, **kw) -> ET.Element:
    svg = trend_svg(points, title=kw.pop("title", "Skår over tid: 1 Område"), desc="Beskrivelse", labels=LABELS,
                    id_prefix="t1", width=340, height=200, font_size=12, **kw)
    return ET.fromstring(svg)


POINTS = [
    {"date": dt.date(2022, 1, 1), "source": "review", "score": 2},
    {"date": dt.date(2023, 1, 1), "source": "self_assessment", "score": 3},
    {"date": dt.date(2024, 1, 1), "source": "review", "score": 5},
]


def _markers(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == "trend__marker"]


def test_named_for_screen_readers():
    root = chart(POINTS)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Skår over tid: 1 Område"
    assert root.find("svg:desc", NS).text == "Beskrivelse"
    assert root.get("aria-labelledby") == "t1-title" and root.get("aria-describedby") == "t1-desc"


def test_points_sit_at_their_date_and_score():
    root = chart(POINTS)
    frame_left, frame_right = 12 * 2.2 + PAD, 340 - 12 - PAD
    top, bottom = 12 * 0.8 + 12 * 2.2, 200 - 12 * 2.2
    circles = [el for el in _markers(root) if el.tag.endswith("circle")][1:]  # the first is the legend's
    squares = [el for el in _markers(root) if el.tag.endswith("rect")][1:]
    assert len(circles) == 2 and len(squares) == 1
    assert abs(float(circles[0].get("cx")) - frame_left) < 0.1
    assert abs(float(circles[1].get("cx")) - frame_right) < 0.1
    assert abs(float(circles[1].get("cy")) - top) < 0.1  # score 5 at the top
    assert abs(float(circles[0].get("cy")) - (bottom - (bottom - top) * 2 / 5)) < 0.1
    middle = frame_left + (frame_right - frame_left) * 365 / 730
    assert abs(float(squares[0].get("x")) + 4.5 - middle) < 0.1
    assert "Egenvurdering" in squares[0].find("svg:title", NS).text


def test_series_differ_without_colour():
    root = chart(POINTS)
    lines = [el for el in root.iter() if el.get("class") == "trend__line"]
    dashes = {el.get("stroke-dasharray") for el in lines}
    assert None in dashes and SERIES["self_assessment"][1] in dashes
    assert {el.tag.split("}")[1] for el in _markers(root)} == {"circle", "rect"}
    assert GRID_COLOUR == "#8c959f"


def test_axis_labels_years_and_steps():
    root = chart(POINTS)
    texts = [el.text for el in root.iter() if el.get("class") in ("trend__x", "trend__y")]
    assert {"0", "1", "2", "3", "4", "5"} <= set(texts)
    assert {"2022", "2023", "2024"} <= set(texts)
    legend = [el.text for el in root.iter() if el.get("class") == "trend__legend"]
    assert legend == ["Ekstern revisjon", "Egenvurdering"]


def test_one_point_sits_in_the_middle_and_no_points_draw_an_empty_frame():
    root = chart([{"date": dt.date(2024, 5, 1), "source": "review", "score": 1}])
    circle = [el for el in _markers(root) if el.tag.endswith("circle")][1]
    assert abs(float(circle.get("cx")) - (12 * 2.2 + 340 - 12) / 2) < 0.1
    empty = chart([])
    assert len(_markers(empty)) == 2  # the legend only


def test_texts_are_escaped():
    root = chart(POINTS, title='<script>&"')
    assert root.find("svg:title", NS).text == '<script>&"'


@given(st.lists(st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2050, 1, 1)), st.integers(0, 5),
                          st.sampled_from(["review", "self_assessment"])), max_size=12))
def test_always_valid_and_inside_the_frame(raw):
    points = [{"date": d, "score": s, "source": src} for d, s, src in raw]
    root = chart(points)
    for marker in _markers(root):
        x = float(marker.get("cx") or float(marker.get("x")) + 4.5)
        assert 0 <= x <= 340


def test_frame_maths():
    frame = Frame(0, 100, 0, 50, dt.date(2020, 1, 1), dt.date(2020, 1, 11))
    assert frame.x(dt.date(2020, 1, 6)) == 50
    assert frame.x(dt.date(2020, 1, 1)) == PAD and frame.x(dt.date(2020, 1, 11)) == 100 - PAD
    assert frame.y(0) == 50 and frame.y(5) == 0
