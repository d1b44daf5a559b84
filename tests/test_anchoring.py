"""Anchored runs: observed years reproduced exactly, gaps filled by the stated rule, the
scenario's assumptions from the as-of year on. Expected values come from the actuals written
here and the scenario's own rates, by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from sim import anchoring, ensemble, runner
from sim import scenario as scen

from .conftest import LOOPS_OFF

HEADER = "year,indicator,value,unit,grade,basis,source\n"
# year, indicator, value, unit: the actuals every test here anchors on
TABLE = """
2020 tech_smes 5600 count
2020 finance_va 850 100 million yuan
2021 services_va 8596.07 100 million yuan
2021 services_real_growth 9.2 %/year
2021 gdp_nominal 14136.46 100 million yuan
2022 gdp_nominal 14920.75 100 million yuan
2022 gdp_real_growth 3.9 %/year
2023 services_va 10000.0 100 million yuan
2021 high_tech_enterprises 5554 count
2023 high_tech_enterprises 7000 count
2022 services_trade 900.0 100 million yuan
2023 finance_va 1000.0 100 million yuan
2021 sei_va_growth 12.0 %/year
"""
ROWS = {(int(y), i): (float(v), " ".join(u)) for y, i, v, *u in
        (line.split() for line in TABLE.strip().splitlines())}


def write_actuals(path, rows=ROWS):
    lines = [f"{y},{i},{v},{u},A,,test figure" for (y, i), (v, u) in rows.items()]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def anchored(write_scenario, tmp_path):
    actuals = write_actuals(tmp_path / "actuals.csv")
    path = write_scenario(constants=LOOPS_OFF, actuals=str(actuals), as_of=2023)
    return runner.simulate(path)


def test_every_observed_value_is_reproduced(anchored):
    table = anchored.indicators
    for (year, indicator), (value, _) in ROWS.items():
        assert table.loc[year, indicator] == pytest.approx(value, rel=1e-9, abs=1e-9), \
            (indicator, year)
        assert anchored.anchor.provenance.loc[year, indicator] == "observed"


def test_a_level_gap_follows_constant_growth_between_observations(anchored):
    # high-tech enterprises: 5554 in 2021, 7000 in 2023, nothing in 2022
    filled = 5554 * (7000 / 5554) ** 0.5
    assert anchored.indicators.loc[2022, "high_tech_enterprises"] == pytest.approx(filled,
                                                                                   rel=1e-9)
    assert anchored.anchor.provenance.loc[2022, "high_tech_enterprises"] == "filled"


def test_a_leading_gap_grows_from_the_initial_value(anchored):
    # finance: 850 in 2020 (sets the initial stock), 1000 in 2023; 2021 and 2022 filled
    for year in (2021, 2022):
        expected = 850 * (1000 / 850) ** ((year - 2020) / 3)
        assert anchored.indicators.loc[year, "finance_va"] == pytest.approx(expected, rel=1e-9)
        assert anchored.anchor.provenance.loc[year, "finance_va"] == "filled"


def test_after_its_last_observation_a_series_keeps_the_scenarios_rate(anchored):
    # services trade: 900 in 2022; the scenario's rate is 5% a year (models/README.md)
    table = anchored.indicators
    assert table.loc[2023, "services_trade"] == pytest.approx(900 * 1.05, rel=1e-12)
    assert table.loc[2025, "services_trade"] == pytest.approx(900 * 1.05 ** 3, rel=1e-12)
    assert anchored.anchor.provenance.loc[2023, "services_trade"] == "modelled"
    assert anchored.anchor.provenance.loc[2024, "services_trade"] == "projected"


def test_an_unobserved_growth_rate_keeps_the_scenarios_rate(anchored):
    # SEI growth observed for 2021 only; with the loops off 2022 grows at the trend 8%
    table = anchored.indicators
    assert table.loc[2021, "sei_va_growth"] == pytest.approx(12.0, rel=1e-9)
    assert table.loc[2022, "sei_va_growth"] == pytest.approx(8.0, rel=1e-9)
    assert anchored.anchor.shocks.loc[2021, "sei real shock"] == pytest.approx(0.04, rel=1e-9)


def test_initial_values_come_from_the_initial_years_actuals(anchored):
    assert anchored.indicators.loc[2020, "tech_smes"] == pytest.approx(5600)
    constants = anchored.anchor.scenario.constants
    assert constants["initial tech smes"] == pytest.approx(5600)
    assert constants["initial finance va"] == pytest.approx(850)


def test_growth_targets_keep_2020_as_their_base(anchored):
    # 12% observed in 2021, then the loops-off trend of 8%: averaged over five years from 2020
    row = anchored.targets.set_index("id").loc["sei_va_growth"]
    expected = ((1.12 * 1.08 ** 4) ** (1 / 5) - 1) * 100
    assert row["projected"] == pytest.approx(expected, rel=1e-9)


def test_data_after_the_as_of_year_are_not_used(write_scenario, tmp_path):
    actuals = write_actuals(tmp_path / "actuals.csv")
    path = write_scenario(constants=LOOPS_OFF, actuals=str(actuals), as_of=2022)
    sim = runner.simulate(path)
    assert sim.anchor.as_of == 2022
    assert sim.indicators.loc[2023, "services_va"] != pytest.approx(10000.0, rel=1e-3)
    assert sim.anchor.provenance.loc[2023, "services_va"] == "projected"
    # the default as-of year is the latest year with data
    assert runner.simulate(path, as_of=None).anchor.as_of == 2022
    assert runner.simulate(write_scenario("t.yaml", constants=LOOPS_OFF,
                                          actuals=str(actuals))).anchor.as_of == 2023


def test_the_scenarios_assumption_for_an_observed_year_gives_way(write_scenario, tmp_path):
    actuals = write_actuals(tmp_path / "actuals.csv")
    path = write_scenario(constants=LOOPS_OFF, actuals=str(actuals),
                          series={"sei real growth": {2021: 0.02, 2024: 0.05}})
    sim = runner.simulate(path)
    assert sim.indicators.loc[2021, "sei_va_growth"] == pytest.approx(12.0, rel=1e-9)
    assert sim.indicators.loc[2024, "sei_va_growth"] == pytest.approx(5.0, rel=1e-9)
    assert any("series 'sei real growth' for 2021" in n for n in sim.anchor.notices)


def test_both_engines_give_the_same_anchored_run(anchored):
    pysd = runner.simulate(anchored.scenario, engine_name="pysd")
    assert pysd.engine == "pysd"
    pd.testing.assert_frame_equal(pysd.indicators, anchored.indicators, rtol=1e-9)


def test_every_member_of_an_ensemble_reproduces_the_actuals(write_scenario, tmp_path):
    actuals = write_actuals(tmp_path / "actuals.csv")
    path = write_scenario(actuals=str(actuals), as_of=2023)
    s = scen.load(path)
    draws = pd.DataFrame({"sei real growth": [0.05, 0.08, 0.11],
                          "services price growth": [0.0, 0.02, 0.04]})
    ens = ensemble.run(s, draws)
    years, services = ens.yearly("services va")
    assert np.allclose(services[list(years).index(2021)], 8596.07, rtol=1e-9)
    assert np.allclose(services[list(years).index(2023)], 10000.0, rtol=1e-9)
    later = services[list(years).index(2025)]
    assert later[0] < later[1] < later[2]      # members part after the as-of year
    # and each member is the single anchored run with its own values
    member = write_scenario("m.yaml", actuals=str(actuals), as_of=2023,
                            constants={"sei real growth": 0.11,
                                       "services price growth": 0.04})
    single = runner.simulate(member).indicators.loc[2025, "services_va"]
    assert later[2] == pytest.approx(single, rel=1e-9)


def test_an_as_of_year_outside_the_run_is_refused(write_scenario, tmp_path):
    actuals = write_actuals(tmp_path / "actuals.csv")
    path = write_scenario(actuals=str(actuals), as_of=2030)
    with pytest.raises(anchoring.SimError, match=r"as-of year 2030 is outside the run"):
        runner.simulate(path)


def test_contradictory_actuals_name_the_year(write_scenario, tmp_path):
    rows = {(2021, "services_va"): (8596.07, "100 million yuan"),
            (2021, "services_share_gdp"): (60.8, "%"),
            (2021, "gdp_nominal"): (14136.46, "100 million yuan"),
            (2021, "industry_va"): (100000.0, "100 million yuan")}
    actuals = write_actuals(tmp_path / "bad.csv", rows)
    sim = runner.simulate(write_scenario(actuals=str(actuals)))
    # industry_va pins the industry price; GDP is then far from its actual, and says so
    assert any(n.startswith("gdp_nominal 2021: observed 14136.5") for n in sim.anchor.notices)
    assert sim.anchor.provenance.loc[2021, "gdp_nominal"] == "modelled"
    assert math.isclose(sim.indicators.loc[2021, "industry_va"], 100000.0, rel_tol=1e-9)
