"""Calibration charts read back from the page: the fit's points, the posterior histogram's
area, the prior curve, the median, the shocks' bars and the back-test's band and forecasts."""

import re

import numpy as np
import pandas as pd
import pytest

from sim.charts import calibration as charts
from sim.charts.canvas import Line, Polygon, Text
from sim.charts.labels import PALETTE
from sim.charts.svg import to_svg

from .pages import flat, to_data


def diamonds(canvas, colour):
    """Centres of the diamond markers in `colour` (the legend's first, left out)."""
    return [((p.points[0][0]), (p.points[0][1] + p.points[2][1]) / 2)
            for p in canvas.items if isinstance(p, Polygon) and len(p.points) == 4
            and p.colour == colour and p.points[0][0] == p.points[2][0]][1:]


def test_the_fit_chart_puts_the_observed_points_and_the_simulated_path_where_they_belong():
    simulated = pd.Series([100.0, 110, 121, 133.1], index=range(2019, 2023))
    observed = pd.Series([99.0, 112, 120], index=[2019, 2020, 2022])
    canvas = charts.fit_chart("高新技术企业数量", simulated, observed, "zh")
    back = to_data(canvas)
    assert flat(back(p) for p in diamonds(canvas, PALETTE[1])) == pytest.approx(
        flat(observed.items()), abs=1e-6)
    path = next(i for i in canvas.items if isinstance(i, Line) and i.colour == PALETTE[0]
                and len(i.points) == 4)
    assert flat(back(p) for p in path.points) == pytest.approx(flat(simulated.items()))
    assert re.search(r"<title>(.*)</title>", to_svg(canvas))[1] == "高新技术企业数量"


def test_the_posterior_histogram_has_area_one_under_the_prior_curve_and_the_median_line():
    draws = np.random.default_rng(7).normal(0.05, 0.01, 5000)
    grid = np.linspace(0.0, 0.1, 201)
    density = np.exp(-((grid - 0.06) / 0.02) ** 2 / 2) / (0.02 * np.sqrt(2 * np.pi))
    canvas = charts.prior_posterior_chart("services_price_growth", draws, grid, density, "en")
    back = to_data(canvas)
    bars = [p for p in canvas.items if isinstance(p, Polygon) and p.alpha == 0.6]
    assert len(bars) == 50
    area = 0.0
    for bar in bars:
        (x0, y0), (x1, _), (_, y1), _ = [back(p) for p in bar.points]
        area += (x1 - x0) * (y1 - y0)
    assert area == pytest.approx(1.0, rel=1e-6)
    prior = next(i for i in canvas.items if isinstance(i, Line) and i.colour == PALETTE[1]
                 and len(i.points) == len(grid))
    assert flat(back(p) for p in prior.points) == pytest.approx(flat(zip(grid, density)),
                                                              abs=1e-9)
    ordered = np.sort(draws)
    middle = (ordered[2499] + ordered[2500]) / 2
    (median,) = [i for i in canvas.items if isinstance(i, Line) and i.dash == (4, 2.5)
                 and len(i.points) == 2 and i.points[0][0] == i.points[1][0]]
    assert back(median.points[0])[0] == pytest.approx(middle)


def test_shocks_are_bars_from_zero_blue_up_and_red_down():
    shocks = pd.DataFrame({"shock": "s", "year": [2019, 2020, 2021],
                           "value": [0.02, -0.01, 0.005]})
    canvas = charts.shock_chart("服务价格冲击", shocks, "zh")
    back = to_data(canvas)
    bars = [p for p in canvas.items if isinstance(p, Polygon)]
    assert [b.colour for b in bars] == [PALETTE[0], PALETTE[1], PALETTE[0]]
    for bar, (year, value) in zip(bars, zip(shocks["year"], shocks["value"])):
        (x0, base), (x1, _), (_, top), _ = [back(p) for p in bar.points]
        assert (base, top) == pytest.approx((0.0, value), abs=1e-9)
        assert ((x0 + x1) / 2, x1 - x0) == pytest.approx((year, 0.6))
    assert "冲击（增速偏离趋势）" in [t.text for t in canvas.items if isinstance(t, Text)]


def backtest_path():
    years = list(range(2016, 2025))
    path = pd.DataFrame({"indicator": "services_va", "year": years,
                         "observed": [100, 108, 115, 125, 130, 141, 150, 158, 170.0],
                         "projection": [101, 107, 116, 124, 131, 140, 149, 160, 171.0],
                         "p5": [95, 100, 108, 116, 122, 130, 138, 147, 155.0],
                         "p95": [105, 113, 122, 131, 139, 149, 160, 172, 186.0]})
    held = path["year"] >= 2022
    path["last_cagr"] = np.where(held, [0, 0, 0, 0, 0, 0, 152, 161, 171.0], np.nan)
    path["drift"] = np.where(held, [0, 0, 0, 0, 0, 0, 149, 157, 165.0], np.nan)
    return path


def test_the_backtest_band_and_naive_forecasts_start_at_the_last_fitted_year():
    path = backtest_path()
    canvas = charts.backtest_chart("services_va", path, 2022, "zh")
    back = to_data(canvas)
    band = next(p for p in canvas.items if isinstance(p, Polygon) and p.alpha == 0.15)
    ahead = path[path["year"] >= 2021]
    expected = list(zip(ahead["year"], ahead["p5"])) + \
        list(zip(ahead["year"][::-1], ahead["p95"][::-1]))
    assert flat(back(p) for p in band.points) == pytest.approx(flat(expected), abs=1e-6)
    for dash, column in (((1, 2), "last_cagr"), ((5, 2, 1, 2), "drift")):
        line = next(i for i in canvas.items if isinstance(i, Line) and i.dash == dash
                    and len(i.points) > 2)
        expected = [(2021, 141.0)] + list(zip(range(2022, 2025), path[column].iloc[-3:]))
        assert flat(back(p) for p in line.points) == pytest.approx(flat(expected), abs=1e-6)
    split = next(i for i in canvas.items if isinstance(i, Line) and i.colour == "#8c959f")
    assert back(split.points[0])[0] == pytest.approx(2021.5)
    assert len(diamonds(canvas, PALETTE[1])) == 9


def test_the_writers_name_files_after_the_series(tmp_path):
    shocks = pd.DataFrame({"shock": ["services price shock"] * 2 + ["hte growth shock"] * 3,
                           "year": [2020, 2021, 2020, 2021, 2022],
                           "value": [0.01, -0.01, 0.02, 0.03, -0.04]})
    written = charts.write_shock_charts(shocks, tmp_path, "zh")
    assert [p.name for p in written] == ["shock_hte_growth_shock.png",
                                         "shock_hte_growth_shock.svg",
                                         "shock_services_price_shock.png",
                                         "shock_services_price_shock.svg"]
    for stem, title, bars in (("hte_growth_shock", "hte growth shock", 3),
                              ("services_price_shock", "services price shock", 2)):
        svg = (tmp_path / f"shock_{stem}.svg").read_text(encoding="utf-8")
        assert re.search(r"<title>(.*)</title>", svg)[1] == title
        assert svg.count("<polygon") == bars, stem  # one bar a year of its own series
    written = charts.write_backtest_charts(backtest_path(), 2022, tmp_path, "en")
    assert [p.name for p in written] == ["services_va.png", "services_va.svg"]
    svg = (tmp_path / "services_va.svg").read_text(encoding="utf-8")
    assert re.search(r"<title>(.*)</title>", svg)[1] == "services_va"
