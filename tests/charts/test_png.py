"""PNG output: size from the DPI, shapes where the canvas puts them, stable bytes."""

import io

import pytest
from PIL import Image

from sim.charts.canvas import Canvas
from sim.charts.png import dashes, to_png


def test_dashes_cut_a_line_into_on_pieces():
    assert dashes([(0, 0), (10, 0)], 3, 2) == [[(0, 0), (3, 0)], [(5, 0), (8, 0)]]
    # a dash carries on round a corner
    assert dashes([(0, 0), (2, 0), (2, 4)], 3, 1) == [[(0, 0), (2, 0), (2, 1)],
                                                      [(2, 2), (2, 4)]]


def image(canvas, dpi=72):
    return Image.open(io.BytesIO(to_png(canvas, dpi))).convert("RGB")


def test_the_image_measures_the_canvas_at_the_dpi():
    assert image(Canvas(460.8, 288), 150).size == (960, 600)
    assert image(Canvas(100, 50), 72).size == (100, 50)


def test_shapes_land_where_the_canvas_puts_them():
    canvas = Canvas(100, 100)
    canvas.line([(10, 30), (90, 30)], "#ff0000", 4)
    canvas.marker(50, 70, "o", 10, "#0000ff")
    canvas.polygon([(0, 90), (20, 90), (20, 100), (0, 100)], "#000000", 0.5)
    img = image(canvas)
    assert img.getpixel((50, 30)) == (255, 0, 0)
    assert img.getpixel((50, 20)) == (255, 255, 255)
    assert img.getpixel((50, 70)) == (0, 0, 255)
    assert img.getpixel((10, 95)) == pytest.approx((128, 128, 128), abs=1)


def test_text_is_drawn_in_its_colour_left_of_an_end_anchor():
    canvas = Canvas(200, 40)
    canvas.text(190, 30, "规划目标", 20, "#1a7f37", "end")
    img = image(canvas)
    greens = [x for x in range(200) for y in range(40) if img.getpixel((x, y)) == (26, 127, 55)]
    assert greens and min(greens) > 100 and max(greens) <= 190


def test_a_dashed_line_is_ink_on_its_dashes_and_paper_in_its_gaps():
    canvas = Canvas(48, 20)
    canvas.line([(0, 10), (48, 10)], "#000000", 2, (6, 6))  # on [0, 6), off [6, 12), ...
    img = image(canvas)  # 72 dpi: one pixel a point
    row = [img.getpixel((x, 10))[0] for x in range(48)]
    for start in range(0, 48, 12):
        assert max(row[start + 1:start + 5]) < 60, (start, row)     # inside a dash
        assert min(row[start + 8:start + 10]) == 255, (start, row)  # inside a gap
    assert img.getpixel((20, 5)) == (255, 255, 255)  # nothing away from the line
