"""Bands, bars, error bars, reference lines, continuous x and dash patterns, checked against
the page positions worked out by hand from the axes' box and ranges."""

import pytest

from sim.charts.axes import Axes
from sim.charts.canvas import Canvas, Line, Polygon, Text
from sim.charts.font import glyphs
from sim.charts.layout import chart, legend
from sim.charts.png import dashes
from sim.charts.svg import to_svg


def axes(years, values, **kw):
    canvas = Canvas(400, 300)
    ax = Axes(canvas, (0, 0, 400, 300), years, values, glyphs(), 9, **kw)
    return canvas, ax


def page(ax, x, v):
    """(x, y) on the page, from the plot area's edges and ranges, not from ax.x / ax.y."""
    return (ax.left + (x - ax.xlo) / (ax.xhi - ax.xlo) * (ax.right - ax.left),
            ax.bottom - (v - ax.ylo) / (ax.yhi - ax.ylo) * (ax.bottom - ax.top))


def flat(points) -> list[float]:
    """Points as one list of coordinates (pytest.approx compares flat sequences)."""
    return [c for point in points for c in point]


def test_a_band_runs_forward_along_the_low_path_and_back_along_the_high_one():
    canvas, ax = axes([2020, 2021, 2022], [0, 10])
    ax.band([2020, 2021, 2022], [1, 2, 3], [5, 6, 9], "#0969da", 0.15)
    (band,) = canvas.items
    assert isinstance(band, Polygon) and band.alpha == 0.15
    expected = [(2020, 1), (2021, 2), (2022, 3), (2022, 9), (2021, 6), (2020, 5)]
    assert flat(band.points) == pytest.approx(flat(page(ax, x, v) for x, v in expected))


def test_a_band_leaves_out_years_where_either_path_is_missing():
    canvas, ax = axes([2020, 2021, 2022], [0, 10])
    ax.band([2020, 2021, 2022], [1, float("nan"), 3], [5, 6, 9], "#000000", 0.2)
    assert len(canvas.items[0].points) == 4


def test_bars_stand_on_zero_and_their_heights_are_proportional_to_the_values():
    canvas, ax = axes([2021, 2022, 2023], [-2, 0, 4])
    ax.bars([2021, 2022, 2023], [-2.0, 1.0, 4.0], 0.6, ["#a00000", "#0000a0", "#0000a0"])
    zero = page(ax, 2021, 0)[1]
    heights = [zero - min(y for _, y in bar.points) if bar.points[2][1] < zero else
               -(max(y for _, y in bar.points) - zero) for bar in canvas.items]
    per_unit = (ax.bottom - ax.top) / (ax.yhi - ax.ylo)
    assert heights == pytest.approx([-2 * per_unit, 1 * per_unit, 4 * per_unit])
    widths = [bar.points[1][0] - bar.points[0][0] for bar in canvas.items]
    assert widths == pytest.approx([0.6 * (ax.right - ax.left) / (ax.xhi - ax.xlo)] * 3)
    assert [bar.colour for bar in canvas.items] == ["#a00000", "#0000a0", "#0000a0"]


def test_an_error_bar_spans_low_to_high_with_two_caps():
    canvas, ax = axes([2020, 2025], [0, 10])
    ax.errorbars([2025], [7.5], [8.5], "#57606a", cap=4)
    stem, *caps = canvas.items
    assert flat(stem.points) == pytest.approx(flat([page(ax, 2025, 7.5),
                                                    page(ax, 2025, 8.5)]))
    x = page(ax, 2025, 0)[0]
    assert [c.points[0][0] for c in caps] == pytest.approx([x - 4, x - 4])
    assert [c.points[1][0] for c in caps] == pytest.approx([x + 4, x + 4])


def test_continuous_x_spans_the_data_exactly_under_round_ticks():
    canvas, ax = axes([0.013, 0.031], [0, 50], continuous=True, from_zero=True)
    assert (ax.xlo, ax.xhi) == (0.013, 0.031)
    assert ax.xticks == pytest.approx([0.015, 0.02, 0.025, 0.03])
    assert ax.xlabels == ["0.015", "0.020", "0.025", "0.030"]
    assert ax.ylo == 0.0
    ax.frame()
    texts = {i.text for i in canvas.items if isinstance(i, Text)}
    assert {"0.015", "0.030"} <= texts


def test_from_zero_keeps_the_margin_below_negative_values():
    _, ax = axes([2020, 2021], [-1, 4], from_zero=True)
    assert ax.ylo == pytest.approx(-1 - 0.08 * 5)


def test_reference_lines_cross_the_plot_area():
    canvas, ax = axes([2020, 2025], [0, 10])
    ax.hline(0, "#000000", 0.8)
    ax.vline(2022.5, "#000000", 0.8, (1, 2))
    h, v = canvas.items
    assert flat(h.points) == pytest.approx(flat([(ax.left, page(ax, 2020, 0)[1]),
                                                 (ax.right, page(ax, 2020, 0)[1])]))
    assert flat(v.points) == pytest.approx(flat([(page(ax, 2022.5, 0)[0], ax.top),
                                                 (page(ax, 2022.5, 0)[0], ax.bottom)]))
    assert v.dash == (1, 2)


def test_a_dash_dot_pattern_cycles_through_all_four_lengths():
    assert dashes([(0, 0), (20, 0)], 5, 2, 1, 2) == [
        [(0, 0), (5, 0)], [(7, 0), (8, 0)], [(10, 0), (15, 0)], [(17, 0), (18, 0)]]
    canvas = Canvas(10, 10)
    canvas.line([(0, 0), (10, 0)], "#000000", 1, (5, 2, 1, 2))
    assert 'stroke-dasharray="5 2 1 2"' in to_svg(canvas)


def test_legend_draws_a_swatch_line_or_marker_per_kind_and_wraps():
    canvas = Canvas(200, 100)
    items = [("中位数", "path", "#1"), ("区间", "band", "#2"), ("柱", "bar", "#3"),
             ("目标", "D", "#4"), ("朴素", "dashdot", "#5"), ("长长的图例文字" * 2, "dotted", "#6")]
    last = legend(canvas, items, 10, 20, 190, 8)
    assert last > 20  # the long last label went to a second row
    lines = [i for i in canvas.items if isinstance(i, Line)]
    assert [ln.dash for ln in lines] == [None, (5, 2, 1, 2), (1, 2)]
    swatches = [i for i in canvas.items if isinstance(i, Polygon) and len(i.points) == 4
                and i.colour in ("#2", "#3")]
    assert [s.alpha for s in swatches] == [0.14, 0.8]


def test_a_chart_frame_leaves_the_axes_below_its_titles_legend_and_unit():
    canvas, (left, top, right, bottom) = chart(["标题", "副标题"], [("a", "line", "#000000")],
                                               "单位：亿元", "年份")
    texts = [i for i in canvas.items if isinstance(i, Text)]
    assert [t.text for t in texts] == ["标题", "副标题", "a", "单位：亿元", "年份"]
    assert top > texts[3].y and bottom < texts[4].y
    assert canvas.title == "标题 · 副标题"
