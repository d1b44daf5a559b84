"""Target measures and status rules, each case worked out by hand."""

import math

import numpy as np
import pytest

from sim import measures


def test_growth_measures_of_a_ten_percent_path():
    levels = np.array([[100.0], [110.0], [121.0], [133.1], [146.41], [161.051]])
    years = range(2020, 2026)
    assert measures.value(levels, years, "cagr", 2025, 2020)[0] == pytest.approx(10.0)
    assert measures.value(levels, years, "cumulative_growth", 2025, 2020)[0] == \
        pytest.approx(61.051)
    assert measures.value(levels, years, "level", 2024, 2020, 100)[0] == pytest.approx(14641.0)
    assert math.isnan(measures.value(levels, years, "level", 2030, 2020)[0])
    assert measures.yoy(levels)[:, 0] == pytest.approx([10.0] * 5)


def test_average_growth_of_a_tracked_rate_is_the_cagr_not_one_year():
    # +12% in 2021 alone is not an average: the chained index is 1.12 after one year
    rates = np.array([[12.0], [8.0]])
    assert math.isnan(measures.value(rates[:1], [2021], "average_growth", 2022, 2020)[0])
    # 1.12 x 1.08 = 1.2096 over two years: sqrt(1.2096) - 1 = 9.9818...%
    assert measures.value(rates, [2021, 2022], "average_growth", 2022, 2020)[0] == \
        pytest.approx((1.2096 ** 0.5 - 1) * 100)
    assert measures.index_from_rates(rates)[:, 0] == pytest.approx([1.0, 1.12, 1.2096])


@pytest.mark.parametrize("measured,comparator,tolerance,strict,expected", [
    (55.4, "approx", 1.0, False, "met"), (56.0, "approx", 1.0, False, "met"),
    (56.5, "approx", 1.0, False, "exceeded"), (56.5, "approx", 1.0, True, "above"),
    (53.9, "approx", 1.0, False, "below"), (54.0, "approx", 1.0, True, "met"),
    (99999.0, "at_least", math.nan, True, "met"), (54.99, "reach", math.nan, False, "below"),
])
def test_status_follows_the_comparator(measured, comparator, tolerance, strict, expected):
    assert measures.status(measured, 55.0, comparator, tolerance, strict).item() == expected
    assert measures.met(measured, 55.0, comparator, tolerance, strict).item() == \
        (expected in ("met", "exceeded"))


def test_an_upside_sei_growth_of_10_35_is_exceeded_not_met_when_strict():
    # 8% 左右 ± 0.5: the band is [7.5, 8.5]; 10.35 lies above it
    assert measures.status([8.2, 10.35], 8.0, "approx", 0.5).tolist() == ["met", "exceeded"]
    assert measures.met([10.35], 8.0, "approx", 0.5, strict=True).tolist() == [False]


def test_a_growth_target_is_met_once_the_level_reaches_the_level_it_implies():
    # technology contracts: 286.6 x 1.15^5 = 2.0113571875 x 286.6 = 576.455; 709.6 in 2024
    # is past it
    level = measures.implied_level("cagr", 15.0, 5, 286.6)
    assert level == pytest.approx(576.45497, rel=1e-6)
    lo, hi = measures.level_bounds("cagr", 15.0, "reach", math.nan, 5, 286.6)
    assert (lo, hi) == (pytest.approx(576.45497, rel=1e-6), math.inf)
    assert measures.classify(709.6, lo, hi).item() == "met"
    assert measures.implied_level("cumulative_growth", 15.0, 5, 200.0) == pytest.approx(230.0)
    # SEI 8% ± 0.5 over five years: the band's levels are 1.075^5 and 1.085^5 of the base
    lo, hi = measures.level_bounds("cagr", 8.0, "approx", 0.5, 5)
    assert (lo, hi) == (pytest.approx(1.075 ** 5), pytest.approx(1.085 ** 5))


def test_required_growth_and_points_and_path():
    # 6500 high-tech firms by 2025 from 5554 in 2021: (6500/5554)^(1/4) - 1
    # 1.040104^4 = 1.170326 = 6500/5554
    assert measures.required(5554, 2021, 6500, 2025) == pytest.approx(4.0104, abs=1e-4)
    # a share from 53.7% in 2022 to 55% in 2025: 1.3 points over 3 years
    assert measures.required(53.7, 2022, 55.0, 2025, points=True) == pytest.approx(1.3 / 3)
    years, path = measures.required_path(2020, 200.0, 2022, 242.0)
    assert years.tolist() == [2020, 2021, 2022] and path == pytest.approx([200, 220, 242])
    years, path = measures.required_path(2020, 50.0, 2025, 55.0, points=True)
    assert path == pytest.approx([50, 51, 52, 53, 54, 55])
    assert measures.is_points("level", "%") and not measures.is_points("cagr", "%")


def test_on_track_means_on_or_above_the_constant_pace_path():
    # 100 in 2020 to 161.051 in 2025 is 10% a year: 121 in 2022 is on it, 120 behind
    assert measures.on_track(2020, 100.0, 2022, 121.0, 2025, 161.051)
    assert not measures.on_track(2020, 100.0, 2022, 120.0, 2025, 161.051)
    # a share: 50 -> 55 in points is 52 in 2022
    assert measures.on_track(2020, 50.0, 2022, 52.0, 2025, 55.0, points=True)
    assert not measures.on_track(2020, 50.0, 2022, 51.9, 2025, 55.0, points=True)


def test_band_paths_end_at_the_band_levels():
    years, lo, hi = measures.band_paths("cagr", 8.0, "approx", 0.5, 2020, 100.0, 2025)
    assert lo[-1] == pytest.approx(100 * 1.075 ** 5) and hi[1] == pytest.approx(108.5)
