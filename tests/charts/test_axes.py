"""Round ticks, their labels and the mapping from data to the page, checked by hand."""

import pytest

from sim.charts.axes import Axes, nice_step, tick_label, ticks, value_range
from sim.charts.canvas import Canvas
from sim.charts.font import glyphs


@pytest.mark.parametrize("span, step", [(7.3, 2), (507, 100), (1.2, 0.2), (1.3, 0.25), (60, 10),
                                        (0.03, 0.005), (6, 1)])
def test_the_step_is_the_smallest_round_one_giving_at_most_six_intervals(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_ticks_lie_inside_the_range_on_multiples_of_the_step():
    assert ticks(0, 7.3) == [0, 2, 4, 6]
    assert ticks(1016, 1523) == [1100, 1200, 1300, 1400, 1500]
    assert ticks(4.9, 6.1) == [5.0, 5.2, 5.4, 5.6, 5.8, 6.0]
    assert ticks(4.9, 6.2) == [5.0, 5.25, 5.5, 5.75, 6.0]


def test_tick_labels_show_the_decimals_of_the_step_and_separate_thousands():
    assert tick_label(1200, 100) == "1,200"
    assert tick_label(5.25, 0.25) == "5.25"
    assert tick_label(6, 0.25) == "6.00"
    assert tick_label(-1e-17, 0.5) == "0.0"
    assert tick_label(12000, 2500) == "12,000"


def test_the_value_range_adds_eight_percent_of_the_spread_each_side():
    assert value_range([100, 200]) == pytest.approx((92, 208))
    assert value_range([5, 5]) == pytest.approx((5 - 0.08, 5 + 0.08))
    assert value_range([float("nan"), 1, 3]) == pytest.approx((0.84, 3.16))


def test_years_and_values_map_onto_the_plot_area():
    ax = Axes(Canvas(400, 300), (10, 20, 390, 280), range(2020, 2026), [100, 200], glyphs(),
              size=10)
    # six years: half a year of margin is 0.3, so 2019.7 .. 2025.3 spans the plot area
    assert ax.x(2019.7) == pytest.approx(ax.left)
    assert ax.x(2025.3) == pytest.approx(390)
    assert ax.x(2022.5) == pytest.approx((ax.left + 390) / 2)
    assert ax.y(92) == pytest.approx(280 - 16)  # tick labels take 1.6 times the size
    assert ax.y(208) == pytest.approx(20)
    assert ax.yticks == [100, 120, 140, 160, 180, 200]
