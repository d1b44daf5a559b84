"""Target charts and the overview: every label renders, bands and markers follow the targets."""

import io
import re
import warnings
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pandas as pd
import pytest
from PIL import Image, ImageColor

from sim import targets
from sim.charts import targets as charts
from sim.charts.canvas import Polygon, Text
from sim.charts.labels import GREY, PALETTE, STATUS_COLOURS
from sim.charts.png import to_png
from sim.charts.svg import to_svg

from ..conftest import MODEL

YEARS = range(2020, 2026)


@pytest.fixture(scope="module")
def catalogue():
    return targets.catalogue_for(MODEL)


def panel(target, status="met", **paths):
    series = {k: pd.Series(v, index=YEARS, dtype=float) for k, v in paths.items()} or \
        {"预测": pd.Series([1.0, 2, 3, 4, 5, 6], index=YEARS)}
    required = None
    if target.measure != "level":
        first = next(iter(series.values())).iloc[0]
        required = pd.Series([first * (1 + target.target / 100) ** (y - 2020) for y in YEARS],
                             index=YEARS)
    return charts.Panel(target, series, required, "亿元", status)


def test_every_target_renders_in_both_languages_without_missing_glyphs(catalogue):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for lang in ("zh", "en"):
            panels = [panel(t) for t in catalogue.itertuples(index=False)]
            for p in panels:
                to_svg(charts.target_chart(p, lang))
            to_svg(charts.overview(panels, lang, "规划目标总览 Plan targets"))
    assert [str(w.message) for w in caught] == []


def target(**fields):
    base = dict(id="x", indicator_zh="指标", indicator_en="indicator", unit="%", year=2025,
                target=8.0, comparator="approx", tolerance=0.5, measure="cagr")
    return SimpleNamespace(**{**base, **fields})


def test_an_about_growth_target_draws_its_band_from_the_first_year():
    p = charts.Panel(target(), {"a": pd.Series([100.0] * 6, index=YEARS)},
                     pd.Series([100 * 1.08 ** i for i in range(6)], index=YEARS), "亿元")
    years, lo, hi = charts._band(p)
    assert years == list(YEARS)
    assert lo[-1] == pytest.approx(100 * 1.075 ** 5)
    assert hi[-1] == pytest.approx(100 * 1.085 ** 5)
    assert any(isinstance(i, Polygon) and i.alpha < 1 for i in
               charts.target_chart(p, "zh").items)


def test_a_floor_target_is_a_star_and_the_chart_shows_its_value():
    t = target(measure="level", comparator="at_least", target=1600, tolerance=float("nan"),
               unit="100 million yuan")
    p = charts.Panel(t, {"预测": pd.Series([1100.0, 1200, 1300, 1400, 1500, 1650],
                                           index=YEARS)}, None, "亿元")
    canvas = charts.target_chart(p, "zh")
    texts = [i.text for i in canvas.items if isinstance(i, Text)]
    assert texts[:2] == ["指标", "目标 2025：≥ 1,600 亿元"]
    assert "单位：亿元" in texts
    assert "1,600" in texts  # a y tick at the target
    stars = [i for i in canvas.items if isinstance(i, Polygon) and len(i.points) == 10]
    assert len(stars) == 2  # in the legend and at 2025


def test_overview_titles_take_the_colour_of_their_status(catalogue):
    rows = list(catalogue.itertuples(index=False))[:3]
    panels = [panel(t, s) for t, s in zip(rows, ("met", "below", "above"))]
    canvas = charts.overview(panels, "zh", "总览")
    colours = {i.text: i.colour for i in canvas.items if isinstance(i, Text)}
    for t, status in zip(rows, ("met", "below", "above")):
        assert colours[t.indicator_zh] == STATUS_COLOURS[status]
    assert colours["达标"] == STATUS_COLOURS["met"]


def test_the_overview_has_four_columns_of_panels_beyond_six_targets(catalogue):
    panels = [panel(t) for t in list(catalogue.itertuples(index=False))[:13]]
    png = to_png(charts.overview(panels, "zh", "总览"), charts.PNG_DPI)
    width, height = Image.open(io.BytesIO(png)).size
    assert width == round(4 * 230.4 * 150 / 72)
    assert height == round((34 + 4 * 180 + 40) * 150 / 72)


def test_write_charts_writes_a_png_and_an_svg_per_target_and_the_overview(catalogue,
                                                                          tmp_path):
    rows = catalogue.set_index("id")
    panels = [panel(next(t for t in catalogue.itertuples(index=False) if t.id == ident))
              for ident in ("high_tech_enterprises", "sei_va_growth")]
    written = charts.write_charts(panels, tmp_path / "charts", "zh", "总览")
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == sorted(p.name for p in written)
    assert names == sorted(f"{stem}.{ext}" for stem in ["high_tech_enterprises",
                                                         "sei_va_growth", "overview"]
                           for ext in ("png", "svg"))
    # each file is its own target's chart: the plan's target in the title, the six yearly
    # values as one line, a growth target's required path dashed beside it
    for ident, target, dashed in (("high_tech_enterprises", "目标 2025：≥ 6,500 家", []),
                                  ("sei_va_growth", "目标 2025：年均增长 约 8%（±0.5）",
                                   [(GREY, "4 2.5")])):
        svg = (tmp_path / "charts" / f"{ident}.svg").read_text(encoding="utf-8")
        assert re.search(r"<title>(.*)</title>", svg)[1] == \
            f"{rows.loc[ident, 'indicator_zh']} · {target}"
        six = [(line.get("stroke"), line.get("stroke-dasharray"))
               for line in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}polyline")
               if len(line.get("points").split()) == 6]
        assert sorted(six, key=str) == sorted([(PALETTE[0], None)] + dashed, key=str), ident
        with Image.open(tmp_path / "charts" / f"{ident}.png") as png:
            assert png.size == (960, 600)
            colours = {c for _, c in png.convert("RGB").getcolors(960 * 600)}
        assert ImageColor.getrgb(PALETTE[0]) in colours  # the projection's line is drawn


def test_observed_and_filled_values_are_marked_and_the_as_of_year_drawn():
    from sim.charts.canvas import Circle

    path = pd.Series([10.0, 11, 12, 13, 14, 15], index=YEARS)
    kinds = {2020: "observed", 2021: "filled", 2022: "observed", 2023: "projected"}
    plain = charts.target_chart(charts.Panel(target(measure="level", target=16.0), {"预测": path},
                                             None, "亿元"), "zh")
    marked = charts.target_chart(charts.Panel(target(measure="level", target=16.0),
                                              {"预测": path}, None, "亿元", "", {"预测": kinds},
                                              2022), "zh")
    circles = [i for i in marked.items if isinstance(i, Circle)]
    extra = len(circles) - len([i for i in plain.items if isinstance(i, Circle)])
    # a large dot for each of the three values, a white ring centre for the filled one,
    # and the legend's dot and ring (two circles)
    assert extra == 3 + 1 + 1 + 2
    assert sum(c.colour == "#ffffff" for c in circles) == 2   # the filled value, its legend
    texts = [i.text for i in marked.items if isinstance(i, Text)]
    assert {"实际值", "插补值", "实际数据截至2022年"} <= set(texts)
