"""The radar chart is standalone, well-formed SVG: one polygon per series, accessible, CSP-safe."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqf.reports.radar import STYLES, describe, radar_svg, wrap_label

NS = "{http://www.w3.org/2000/svg}"
AXES = [f"{n} Area {n}" for n in range(1, 10)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def polygons(root: ET.Element) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in poly.get("points").split()]
            for poly in root.iter(f"{NS}polygon")]


def test_one_polygon_per_series_with_title_and_description():
    svg = radar_svg(AXES, [("Consensus", [3, 2, 2, 3, 3, 2, 2, 1, 2], "primary"),
                           ("Staff median", [2.5, 2, 1, 3, 3, 2, 2, 1, 2], "secondary")], title="Results")
    root = parse(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Results"
    assert "Consensus: 1 Area 1 3" in root.find(f"{NS}desc").text
    assert "Staff median: 1 Area 1 2.5" in root.find(f"{NS}desc").text
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(labelled) <= ids
    found = polygons(root)
    assert len(found) == 2 and all(len(points) == 9 for points in found)


def test_no_style_attributes_and_no_scripts():
    svg = radar_svg(AXES, [(f"S{i}", [i] * 9, style) for i, style in enumerate(STYLES)])
    root = parse(svg)
    assert not any("style" in el.attrib for el in root.iter())
    assert not any(el.tag in (f"{NS}script", f"{NS}style", f"{NS}foreignObject") for el in root.iter())
    assert len(polygons(root)) == len(STYLES)


def test_texts_are_escaped():
    svg = radar_svg(["<b>", "A & B", '"quoted"'], [("x < y", [1, 2, 3], "primary")], title="<script>")
    root = parse(svg)
    assert root.find(f"{NS}title").text == "<script>"
    assert "<b>" in "".join(root.itertext())
    assert "<script>" not in svg


def test_values_are_placed_by_distance_from_the_centre():
    """A value v on a 0–5 scale sits at v/5 of the full radius; None and negatives at the centre."""
    svg = radar_svg(["a", "b", "c", "d"], [("s", [5, None, -1, 9], "primary")], max_value=5)
    points = polygons(parse(svg))[0]
    root = parse(svg)
    grid_lines = list(root.iter(f"{NS}line"))
    centre = (float(grid_lines[0].get("x1")), float(grid_lines[0].get("y1")))  # spokes start at the centre
    full = math.dist((float(grid_lines[0].get("x2")), float(grid_lines[0].get("y2"))), centre)
    assert math.isclose(math.dist(points[0], centre), full, rel_tol=0.01)
    assert math.dist(points[1], centre) < 0.2 and math.dist(points[2], centre) < 0.2
    assert math.isclose(math.dist(points[3], centre), full, rel_tol=0.01)  # 9 is clipped to 5


@pytest.mark.parametrize("axes, series, message", [
    (["a", "b"], [("s", [1, 2], "primary")], "at least three"),
    (["a", "b", "c"], [("s", [1, 2], "primary")], "2 values for 3 axes"),
    (["a", "b", "c"], [("s", [1, 2, 3], "neon")], "unknown style"),
])
def test_bad_input_is_refused(axes, series, message):
    with pytest.raises(ValueError, match=message):
        radar_svg(axes, series)


def test_long_labels_wrap_at_spaces():
    assert wrap_label("5 Products, services and processes") == ["5 Products,", "services and", "processes"]
    assert wrap_label("9 Forretningsresultater") == ["9", "Forretningsresultater"]
    assert len(wrap_label("a b c d e f g h i j k l m n o p q r s t u v w x y z", width=3)) == 3


def test_describe_marks_missing_values():
    assert describe(["a", "b", "c"], [("s", [1, None, 2.5], "primary")]) == "s: a 1; b –; c 2.5."


@given(st.lists(st.one_of(st.none(), st.floats(min_value=-10, max_value=10)), min_size=3, max_size=12),
       st.integers(min_value=200, max_value=900))
def test_any_values_give_well_formed_svg(values, size):
    svg = radar_svg([f"Area {i}" for i in range(len(values))], [("s", values, "primary")], size=size)
    root = parse(svg)
    assert len(polygons(root)) == 1
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    for x, y in polygons(root)[0]:
        assert 0 <= x <= width and 0 <= y <= height


def contrast(hex_a: str, hex_b: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(hex_a), luminance(hex_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def shapes_in(element: ET.Element) -> set[str]:
    return {el.tag.removeprefix(NS) for el in element.iter() if el.tag.removeprefix(NS) in ("circle", "rect", "path")}


def test_each_series_has_its_own_marker_shape_in_the_chart_and_the_legend():
    """Told apart without colour: a different marker per series, repeated beside its legend entry."""
    series = [(f"S{i}", [1, 2, 3, 4, 5, 4, 3, 2, 1], style) for i, style in enumerate(STYLES)]
    root = parse(radar_svg(AXES, series))
    groups = [g for g in root.iter(f"{NS}g") if "radar__series" in (g.get("class") or "")]
    marker_shapes = [shapes_in(g) for g in groups]
    assert all(len(shapes) == 1 for shapes in marker_shapes)
    assert len({frozenset(s) for s in marker_shapes}) == len(STYLES)  # all different
    for group in groups:  # one marker per value
        assert sum(1 for el in group.iter() if el.tag.removeprefix(NS) in ("circle", "rect", "path")) == 9
    [legend] = [g for g in root.iter(f"{NS}g") if g.get("class") == "radar__legend"]
    assert [t.text for t in legend.iter(f"{NS}text")] == [label for label, _v, _s in series]
    assert shapes_in(legend) == set().union(*marker_shapes)


def test_lines_markers_and_grid_have_enough_contrast():
    root = parse(radar_svg(AXES, [(s, [2] * 9, s) for s in STYLES]))
    strokes = {el.get("stroke") for el in root.iter() if el.get("stroke") not in (None, "none", "#ffffff")}
    assert strokes  # grid, series lines and hollow markers
    assert all(contrast(colour) >= 3 for colour in strokes), {c: round(contrast(c), 2) for c in strokes}
    fills = {el.get("fill") for el in root.iter(f"{NS}text")} | {el.get("fill") for el in root.iter(f"{NS}g")}
    assert all(contrast(colour) >= 4.5 for colour in fills if colour and colour.startswith("#"))


def test_axis_labels_name_the_areas_and_the_chart_is_large():
    root = parse(radar_svg(["1 Ledelse", "2 Strategi", "3 Personalledelse"], [("s", [1, 2, 3], "primary")]))
    labels = [" ".join(t.itertext()) for t in root.iter(f"{NS}text") if t.get("class") == "radar__label"]
    assert labels == ["1 Ledelse", "2 Strategi", "3 Personalledelse"]
    assert float(root.get("width")) >= 640


@pytest.mark.parametrize("size, font", [(320, 12), (640, None)])
def test_the_legend_fits_inside_the_drawing(size, font):
    """A long legend label on the small phone chart widens the drawing instead of being cut off."""
    label = "Median for medarbeiderne"
    root = parse(radar_svg(["1", "2", "3", "4", "5"], [("Konsensus", [1] * 5, "primary"),
                                                        (label, [2] * 5, "secondary")], size=size, font_size=font))
    width = float(root.get("viewBox").split()[2])
    [legend] = [g for g in root.iter(f"{NS}g") if g.get("class") == "radar__legend"]
    font_size = float(legend.get("font-size"))
    for text in legend.iter(f"{NS}text"):
        assert float(text.get("x")) >= 0
        assert float(text.get("x")) + 0.62 * font_size * len(text.text) <= width + 0.5
