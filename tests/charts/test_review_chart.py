"""The review's chart read back from the page: band, paths, actual points, required path and
target star where the data put them; the Chinese title in the SVG; PNG size at 300 dpi."""

import io
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from PIL import Image

from sim.charts.canvas import Circle, Line, Polygon
from sim.charts.labels import GREY, INK, PALETTE
from sim.charts.png import to_png
from sim.charts.review import PRINT_DPI, review_chart
from sim.charts.svg import to_svg

from .pages import flat, to_data

YEARS = list(range(2020, 2026))
TARGET = SimpleNamespace(id="sei_va", indicator_zh="战略性新兴产业增加值",
                         indicator_en="Value added of SEI", unit="100 million yuan", year=2025,
                         target=1500.0, comparator="at_least", tolerance=float("nan"),
                         measure="level")


def data():
    base = pd.Series([1000.0, 1060, 1130, 1200, 1270, 1350], index=YEARS)
    band = pd.DataFrame({"p5": base * 0.95, "p95": base * 1.05})
    return {"target": TARGET, "actual": pd.Series([1000.0, 1070, 1120], index=YEARS[:3]),
            "paths": {"基准情景": base, "加速情景": base * 1.1}, "band": band, "band_at": 1,
            "required": pd.Series([1120.0, 1240, 1370, 1500], index=YEARS[2:]),
            "marker": 1500.0, "index": False, "unit": "亿元"}


def test_every_mark_sits_where_the_data_put_it():
    d = data()
    canvas = review_chart(d, "zh")
    back = to_data(canvas)
    band = next(p for p in canvas.items if isinstance(p, Polygon) and p.alpha == 0.15)
    assert band.colour == PALETTE[1]  # the scenario the band belongs to
    expected = list(zip(YEARS, d["band"]["p5"])) + \
        list(zip(YEARS[::-1], d["band"]["p95"][::-1]))
    assert flat(back(p) for p in band.points) == pytest.approx(flat(expected), abs=1e-6)
    for i, series in enumerate(d["paths"].values()):
        line = next(i_ for i_ in canvas.items if isinstance(i_, Line) and len(i_.points) == 6
                    and i_.colour == PALETTE[i])
        assert flat(back(p) for p in line.points) == pytest.approx(flat(series.items()))
    dashed = next(i for i in canvas.items if isinstance(i, Line) and i.dash == (4, 2.5)
                  and len(i.points) == 4)
    assert flat(back(p) for p in dashed.points) == pytest.approx(flat(d["required"].items()))
    points = [c for c in canvas.items if isinstance(c, Circle) and c.colour == INK][1:]
    assert flat(back(c.centre) for c in points) == pytest.approx(flat(d["actual"].items()))
    star = [p for p in canvas.items if isinstance(p, Polygon) and len(p.points) == 10
            and p.colour == GREY][-1]
    tip = star.points[0]  # straight above the centre, half the size away
    centre = (tip[0], tip[1] + 13 / 2)
    assert back(centre) == pytest.approx((2025, 1500.0))


def test_the_svg_is_titled_in_chinese_and_the_png_is_print_sized():
    canvas = review_chart(data(), "zh")
    title = re.search(r"<title>(.*)</title>", to_svg(canvas))[1]
    assert title == "战略性新兴产业增加值 · 目标 2025：≥ 1,500 亿元"
    with Image.open(io.BytesIO(to_png(canvas, PRINT_DPI))) as png:
        assert png.size == (round(460.8 / 72 * 300), round(288 / 72 * 300)) == (1920, 1200)


def test_without_band_actuals_or_required_path_those_marks_and_legend_entries_are_left_out():
    d = {**data(), "band": None, "required": None, "actual": pd.Series(dtype=float),
         "marker": None}
    canvas = review_chart(d, "en")
    assert not [p for p in canvas.items if isinstance(p, Polygon)]
    assert not [i for i in canvas.items if isinstance(i, Line) and i.dash]
    texts = " ".join(t.text for t in canvas.items if hasattr(t, "text"))
    assert "actual" not in texts and "path the target needs" not in texts
    assert "Value added of SEI" in texts
