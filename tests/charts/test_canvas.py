"""Markers and the list of drawn items."""

import math

import pytest

from sim.charts.canvas import Canvas, Circle, Polygon, Text, marker_points


def test_a_diamond_is_as_tall_as_its_size_and_three_quarters_as_wide():
    assert marker_points("D", 10, 20, 8) == [(10, 16), (13, 20), (10, 24), (7, 20)]


def test_a_star_alternates_outer_and_inner_points_starting_at_the_top():
    points = marker_points("*", 0, 0, 10)
    assert len(points) == 10
    assert points[0] == pytest.approx((0, -5))
    radii = [math.hypot(x, y) for x, y in points]
    assert radii[::2] == pytest.approx([5] * 5)
    assert radii[1::2] == pytest.approx([2.1] * 5)


def test_unknown_marker_shapes_are_refused():
    with pytest.raises(ValueError, match="unknown marker shape 'x'"):
        marker_points("x", 0, 0, 1)


def test_items_are_kept_in_drawing_order_and_empty_texts_dropped():
    canvas = Canvas(100, 50)
    canvas.marker(1, 2, "o", 4, "#000000")
    canvas.marker(1, 2, "D", 4, "#000000")
    canvas.text(0, 0, "", 8, "#000000")
    canvas.text(0, 10, "年份 2025", 8, "#000000")
    assert [type(i) for i in canvas.items] == [Circle, Polygon, Text]
    assert canvas.items[0].radius == 2
    assert canvas.characters() == " 025份年"
