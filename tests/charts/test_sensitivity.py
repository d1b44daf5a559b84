"""Tornado charts: bar lengths proportional to the indices, error bars as wide as the
intervals, largest at the top, the indicator's name as the title."""

import re

import pandas as pd
import pytest

from sim.charts.canvas import Line, Polygon, Text
from sim.charts.labels import PALETTE
from sim.charts.sensitivity import sensitivity_chart, write_sensitivity_charts
from sim.charts.svg import to_svg

ROWS = pd.DataFrame({"id": "sei_va", "indicator_zh": "战略性新兴产业增加值",
                     "indicator_en": "Value added of strategic emerging industries (SEI)",
                     "parameter": ["b", "a", "c"], "ST": [0.1, 0.5, 0.3],
                     "ST_conf": [0.02, 0.05, 0.1], "S1": [0.05, 0.4, 0.2],
                     "S1_conf": [0.1, 0.1, 0.1]})


def bars(canvas, colour):
    """(left, right, middle y) of each bar in `colour`, the legend's swatch left out."""
    out = [(min(x for x, _ in p.points), max(x for x, _ in p.points),
            (p.points[0][1] + p.points[2][1]) / 2)
           for p in canvas.items if isinstance(p, Polygon) and p.colour == colour]
    return out[1:]


def test_bar_lengths_are_proportional_to_the_indices_largest_at_the_top():
    canvas = sensitivity_chart(ROWS, "sobol", "zh")
    total, first = bars(canvas, PALETTE[0]), bars(canvas, PALETTE[1])
    assert [m for *_, m in total] == sorted(m for *_, m in total)  # top to bottom
    lengths = [r - left for left, r, _ in total]
    assert [v / lengths[0] for v in lengths] == pytest.approx([1, 0.3 / 0.5, 0.1 / 0.5])
    assert [(r - left) / lengths[0] for left, r, _ in first] == pytest.approx(
        [0.4 / 0.5, 0.2 / 0.5, 0.05 / 0.5])
    labels = [t.text for t in canvas.items if isinstance(t, Text) and t.anchor == "end"]
    assert labels == ["a", "c", "b"]


def test_error_bars_span_the_confidence_interval():
    canvas = sensitivity_chart(ROWS, "sobol", "en")
    (left, right, mid), *_ = bars(canvas, PALETTE[0])
    per_unit = (right - left) / 0.5
    stems = [i for i in canvas.items if isinstance(i, Line) and len(i.points) == 2
             and i.points[0][1] == i.points[1][1] and i.colour == "#24292f"]
    widths = sorted(s.points[1][0] - s.points[0][0] for s in stems)
    assert widths == pytest.approx(sorted(2 * c * per_unit for c in ROWS["ST_conf"]))
    top = min(stems, key=lambda s: s.points[0][1])
    assert top.points[0][0] == pytest.approx(left + (0.5 - 0.05) * per_unit)


def test_morris_draws_mu_star_alone_and_the_title_is_the_chinese_name():
    rows = pd.DataFrame({"id": "x", "indicator_zh": "高新技术企业数量", "indicator_en": "x",
                         "parameter": ["p", "q"], "mu_star": [2.0, 8.0],
                         "mu_star_conf": [0.5, 1.0]})
    canvas = sensitivity_chart(rows, "morris", "zh")
    assert bars(canvas, PALETTE[1]) == []
    (l1, r1, _), (l2, r2, _) = bars(canvas, PALETTE[0])
    assert (r2 - l2) / (r1 - l1) == pytest.approx(2.0 / 8.0)
    assert re.search(r"<title>(.*)</title>", to_svg(canvas))[1] == "高新技术企业数量"


def test_one_chart_per_target_and_none_for_no_indices(tmp_path):
    two = pd.concat([ROWS, ROWS.iloc[:2].assign(id="other", indicator_zh="高新技术企业")])
    written = write_sensitivity_charts(two, "sobol", tmp_path / "a", "zh")
    assert sorted(p.name for p in written) == ["other.png", "other.svg", "sei_va.png",
                                                "sei_va.svg"]
    # each chart holds its own target's rows: two bars (total and first order) a parameter
    # and the legend's two swatches
    for stem, title, parameters in (("sei_va", "战略性新兴产业增加值", 3),
                                    ("other", "高新技术企业", 2)):
        svg = (tmp_path / "a" / f"{stem}.svg").read_text(encoding="utf-8")
        assert re.search(r"<title>(.*)</title>", svg)[1] == title
        assert svg.count("<polygon") == 2 * parameters + 2, stem
    assert write_sensitivity_charts(ROWS.iloc[:0], "sobol", tmp_path / "b", "zh") == []
    assert (tmp_path / "b").is_dir()
