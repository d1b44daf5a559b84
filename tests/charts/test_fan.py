"""Fan charts: bands at the given percentiles, the median, the target and P(met) in the title."""

import re
import warnings

import pandas as pd
import pytest

from sim import targets
from sim.charts.canvas import Line, Polygon
from sim.charts.fan import FanPanel, fan_chart
from sim.charts.labels import PALETTE
from sim.charts.svg import to_svg

from ..conftest import MODEL
from .pages import flat, to_data

YEARS = list(range(2020, 2026))
BANDS = pd.DataFrame({"p5": [10, 11, 12, 13, 14, 15], "p25": [12, 13, 14, 15, 16, 17],
                      "p50": [13, 14, 15, 16, 17, 18], "p75": [14, 15, 16, 17, 18, 19],
                      "p95": [16, 17, 19, 21, 23, 26]}, index=YEARS, dtype=float)


@pytest.fixture(scope="module")
def catalogue():
    return targets.catalogue_for(MODEL)


def level_target(catalogue):
    return next(t for t in catalogue.itertuples(index=False) if t.measure == "level")


def test_the_bands_outline_the_percentiles_given(catalogue):
    canvas = fan_chart(FanPanel(level_target(catalogue), BANDS, None, "亿元", 0.42), "zh")
    outer, inner = [i for i in canvas.items if isinstance(i, Polygon)
                    and i.colour == PALETTE[0] and len(i.points) > 4]  # not the legend's
    assert (outer.alpha, inner.alpha) == (0.15, 0.3)
    expect_outer = [(y, BANDS.at[y, "p5"]) for y in YEARS] + \
        [(y, BANDS.at[y, "p95"]) for y in reversed(YEARS)]
    expect_inner = [(y, BANDS.at[y, "p25"]) for y in YEARS] + \
        [(y, BANDS.at[y, "p75"]) for y in reversed(YEARS)]
    got_outer = [to_data(canvas)(p) for p in outer.points]
    got_inner = [to_data(canvas)(p) for p in inner.points]
    assert flat(got_outer) == pytest.approx(flat(expect_outer), abs=1e-6)
    assert flat(got_inner) == pytest.approx(flat(expect_inner), abs=1e-6)
    median = next(i for i in canvas.items if isinstance(i, Line) and i.colour == PALETTE[0]
                  and len(i.points) == len(YEARS))
    assert flat(to_data(canvas)(p) for p in median.points) == pytest.approx(
        flat(zip(YEARS, BANDS["p50"])), abs=1e-6)


def test_the_title_names_the_indicator_the_target_and_the_chance_in_chinese(catalogue):
    t = level_target(catalogue)
    svg_title = re.search(r"<title>(.*)</title>",
                          to_svg(fan_chart(FanPanel(t, BANDS, None, "亿元", 0.42), "zh")))[1]
    assert svg_title.startswith(t.indicator_zh)
    assert svg_title.endswith("达标概率 42%")


def test_a_growth_target_draws_its_required_path_dashed(catalogue):
    t = next(t for t in catalogue.itertuples(index=False) if t.measure != "level")
    required = pd.Series([13 * (1 + t.target / 100) ** i for i in range(6)], index=YEARS)
    canvas = fan_chart(FanPanel(t, BANDS, required, "亿元", 0.5), "en")
    dashed = [i for i in canvas.items if isinstance(i, Line) and i.dash == (4, 2.5)
              and len(i.points) == len(YEARS)]
    assert len(dashed) == 1
    assert [to_data(canvas)(p)[1] for p in dashed[0].points] == pytest.approx(
        list(required), rel=1e-9)


def test_every_fan_chart_renders_without_missing_glyphs(catalogue):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for lang in ("zh", "en"):
            for t in catalogue.itertuples(index=False):
                required = None if t.measure == "level" else BANDS["p50"]
                to_svg(fan_chart(FanPanel(t, BANDS, required, "亿元 万人 家 %", 0.42), lang))
    assert [str(w.message) for w in caught] == []
