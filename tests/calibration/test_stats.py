"""Fit statistics against values worked out by hand."""

import math

import pytest

from sim.calibration.stats import series_stats


def test_theil_decomposition_by_hand():
    out = series_stats([1.0, 2.0, 3.0], [2.0, 2.0, 4.0])
    assert out["rmse"] == pytest.approx(math.sqrt(2 / 3))
    assert out["mape"] == pytest.approx((1 + 0 + 1 / 3) / 3 * 100)
    assert out["r2"] == pytest.approx(0.0)
    assert out["um"] == pytest.approx(2 / 3)
    sd_s, sd_a = math.sqrt(8 / 9), math.sqrt(2 / 3)
    assert out["us"] == pytest.approx((sd_s - sd_a) ** 2 / (2 / 3))
    r = (2 / 3) / (sd_s * sd_a)
    assert out["uc"] == pytest.approx(2 * (1 - r) * sd_s * sd_a / (2 / 3))
    assert out["um"] + out["us"] + out["uc"] == pytest.approx(1.0)
    assert out["theil_u"] == pytest.approx(math.sqrt(2 / 3) / (math.sqrt(8) + math.sqrt(14 / 3)))


def test_a_perfect_fit_and_a_single_point():
    perfect = series_stats([1.0, 2.0], [1.0, 2.0])
    assert (perfect["rmse"], perfect["r2"]) == (0.0, 1.0)
    single = series_stats([5.0], [4.0])
    assert single["rmse"] == 1.0 and math.isnan(single["r2"]) and math.isnan(single["um"])
