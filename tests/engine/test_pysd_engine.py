"""The PySD runner: exact growth, the plan's baselines, real versus nominal, time series."""

import shutil
import warnings

import numpy as np
import pytest

from sim import engine, scenario
from sim.engine.pysd_engine import step_series, time_grid

from ..conftest import LOOPS_OFF, MODEL


def results_for(write_scenario, **data):
    return engine.pysd_engine.run(scenario.load(write_scenario(**data)))


def yoy(results, name):
    yearly = results[name].loc[[2020.0, 2021.0, 2022.0, 2023.0, 2024.0, 2025.0]]
    return (yearly / yearly.shift(1) - 1).iloc[1:].to_numpy()


@pytest.mark.parametrize("step", [1.0, 0.25, 0.0625])
def test_a_growth_parameter_of_8_percent_gives_exactly_8_percent(write_scenario, step):
    res = results_for(write_scenario, time={"step": step},
                      constants={**LOOPS_OFF, "sei real growth": 0.08})
    np.testing.assert_allclose(yoy(res, "sei va real"), 0.08, rtol=0, atol=1e-12)


def test_every_growth_stock_compounds_exactly(write_scenario):
    rates = {"primary real growth": ("primary va real", 0.031),
             "logistics real growth": ("logistics va real", 0.047),
             "consumer services real growth": ("consumer services va real", 0.052),
             "services price growth": ("services price index", 0.027),
             "services trade growth": ("services trade", 0.061),
             "rd intensity growth": ("rd share of gdp", 0.036)}
    res = results_for(write_scenario, constants={**LOOPS_OFF,
                                                 **{k: v for k, (_, v) in rates.items()}})
    for name, (stock, rate) in rates.items():
        np.testing.assert_allclose(yoy(res, stock), rate, rtol=0, atol=1e-12, err_msg=name)


def test_firm_stocks_grow_at_formation_less_exit(write_scenario):
    res = results_for(write_scenario, constants={**LOOPS_OFF, "hte formation rate": 0.2,
                                                 "hte exit rate": 0.07})
    np.testing.assert_allclose(yoy(res, "high tech enterprises"), 0.13, rtol=0, atol=1e-12)


def test_zero_net_growth_keeps_the_firm_stock_flat(write_scenario):
    res = results_for(write_scenario, constants={**LOOPS_OFF, "hte formation rate": 0.1,
                                                 "hte exit rate": 0.1})
    np.testing.assert_allclose(res["high tech enterprises"], 4396, rtol=1e-12)


def test_2020_values_are_the_plans_baselines(write_scenario):
    first = results_for(write_scenario).loc[2020.0]
    assert first["services va"] == pytest.approx(7613.59, rel=1e-12)
    assert first["gdp"] == pytest.approx(425.41 + 4361.56 + 7613.59, rel=1e-12)
    assert round(100 * first["services share of gdp"], 1) == 61.4
    assert first["producer services share of services"] == pytest.approx(0.537, rel=1e-12)
    assert first["high tech enterprises"] == 4396
    assert first["services trade"] == pytest.approx(848.9)
    assert first["tech contract turnover"] == pytest.approx(286.6)
    assert first["rd share of gdp"] == pytest.approx(300.9 / 12400.56, abs=5e-5)


def test_nominal_is_real_times_prices(write_scenario):
    res = results_for(write_scenario, constants={**LOOPS_OFF, "logistics real growth": 0.06,
                                                 "services price growth": 0.03})
    np.testing.assert_allclose(yoy(res, "logistics va"), 1.06 * 1.03 - 1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(yoy(res, "logistics va real"), 0.06, rtol=0, atol=1e-12)


def test_a_yearly_value_sets_that_years_growth_only(write_scenario):
    res = results_for(write_scenario, constants={**LOOPS_OFF, "sei real growth": 0.08},
                      series={"sei real growth": {2022: -0.02}})
    np.testing.assert_allclose(yoy(res, "sei va real"), [0.08, -0.02, 0.08, 0.08, 0.08],
                               rtol=0, atol=1e-12)


def test_step_series_maps_each_time_to_the_year_it_ends_in():
    grid = time_grid({"initial": 2020, "final": 2022, "step": 0.5})
    series = step_series(grid, {2022: 9.0}, 1.0)
    assert list(series.index) == [2020.0, 2020.5, 2021.0, 2021.5, 2022.0]
    assert list(series) == [1.0, 1.0, 9.0, 9.0, 1.0]


def test_loops_off_keep_the_services_job_share_constant(write_scenario):
    res = results_for(write_scenario, constants=LOOPS_OFF)
    np.testing.assert_allclose(res["services employment share"], 0.45, rtol=1e-12)


def test_each_loop_changes_the_outcome_it_drives(write_scenario):
    off = results_for(write_scenario, constants=LOOPS_OFF).loc[2025.0]
    on = results_for(write_scenario, constants={}).loc[2025.0]
    assert on["sei va real"] != pytest.approx(off["sei va real"], rel=1e-6)
    assert on["producer services va real"] != pytest.approx(off["producer services va real"],
                                                            rel=1e-6)
    assert on["services employment share"] > off["services employment share"]


def test_results_match_pysd_run_directly(write_scenario, tmp_path):
    """Same numbers as PySD's own translation and run of a copy of the .mdl."""
    constants = {"sei real growth": 0.07, "services price growth": 0.02}
    ours = results_for(write_scenario, constants=constants)
    copy = tmp_path / "copy.mdl"
    shutil.copyfile(MODEL, copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd

        direct = pysd.read_vensim(str(copy)).run(params=constants)
    for column in direct.columns:
        np.testing.assert_allclose(ours[column].to_numpy(dtype=float),
                                   direct[column].to_numpy(dtype=float), rtol=1e-12,
                                   err_msg=column)


def test_the_run_can_start_earlier_with_other_initial_stocks(write_scenario):
    res = results_for(write_scenario, time={"initial": 2015, "final": 2020},
                      constants={**LOOPS_OFF, "initial services va": 5000,
                                 "consumer services real growth": 0.07,
                                 "other producer services real growth": 0.07,
                                 "logistics real growth": 0.07, "finance real growth": 0.07,
                                 "initial logistics va": 700, "initial finance va": 500})
    assert list(res.index) == [2015.0, 2016.0, 2017.0, 2018.0, 2019.0, 2020.0]
    assert res.loc[2015.0, "services va"] == pytest.approx(5000)
    assert res.loc[2020.0, "services va real"] == pytest.approx(5000 * 1.07 ** 5)
