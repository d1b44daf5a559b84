"""End-to-end runs through the library: what a notebook gets back."""

import pytest

from sim import runner

from . import reference
from .conftest import SCENARIOS


def test_simulate_returns_pandas_objects():
    sim = runner.simulate(SCENARIOS / "baseline.yaml")
    assert sim.results.index.name == "time"
    assert sim.indicators.loc[2020, "services_va"] == pytest.approx(7613.59)
    assert sim.indicators.loc[2020, "gdp_nominal"] == pytest.approx(12400.56)
    assert set(sim.targets["status"]) <= {"met", "below", "above", "tracked"}
    expected = reference.run()  # the baseline sets nothing: the model as it stands
    assert list(sim.results.index) == list(expected.index)
    for name in ("gdp", "services va", "sei va real", "high tech enterprises",
                 "rd share of gdp", "services employment share"):
        assert sim.results[name].to_numpy() == pytest.approx(expected[name].to_numpy(),
                                                             rel=1e-9), name
    rd = sim.targets.set_index("id").loc["rd_share_gdp"]  # 2.9% 达到: a level in percent
    assert rd["projected"] == pytest.approx(100 * expected.loc[2025.0, "rd share of gdp"])
    assert rd["status"] == ("met" if rd["projected"] >= 2.9 else "below")


def test_the_plan_path_meets_every_modelled_target():
    """plan_path.yaml sets each rate to what its target implies from the plan's numbers."""
    targets = runner.simulate(SCENARIOS / "plan_path.yaml").targets
    modelled = targets[targets["status"] != "tracked"]
    assert len(modelled) == 13
    assert (modelled["status"] == "met").all(), modelled[["id", "projected", "status"]]
    assert modelled["gap"].abs().max() < 0.05


def test_the_downside_is_below_the_baseline_from_2022():
    base = runner.simulate(SCENARIOS / "baseline.yaml").indicators
    down = runner.simulate(SCENARIOS / "downside.yaml").indicators
    assert down.loc[2021, "gdp_real"] == pytest.approx(base.loc[2021, "gdp_real"])
    assert down.loc[2022, "gdp_real"] < base.loc[2022, "gdp_real"]
    assert down.loc[2025, "services_va"] < base.loc[2025, "services_va"]
    expected = reference.run(reference.scenario_params(SCENARIOS / "downside.yaml"))
    for year in range(2020, 2026):
        assert down.loc[year, "gdp_real"] == pytest.approx(
            expected.loc[float(year), "gdp real"], rel=1e-9), year
        assert down.loc[year, "services_va"] == pytest.approx(
            expected.loc[float(year), "services va"], rel=1e-9), year


def test_changing_the_reading_of_the_tech_contract_target(write_scenario):
    from .conftest import MODEL

    path = write_scenario(model=str(MODEL), targets={"tech_contract_turnover_growth": {
        "measure": "cumulative_growth"}}, constants={"tech contract turnover growth": 0.1})
    row = runner.simulate(path).targets.set_index("id").loc["tech_contract_turnover_growth"]
    assert row["projected"] == pytest.approx((1.1 ** 5 - 1) * 100)
    assert row["status"] == "met"


def test_compare_table_has_one_column_pair_per_scenario(tmp_path):
    import pandas as pd

    runner.comparison([SCENARIOS / "baseline.yaml", SCENARIOS / "upside.yaml"]).write(
        tmp_path / "cmp")
    table = pd.read_csv(tmp_path / "cmp" / "targets_by_scenario.csv", encoding="utf-8-sig")
    assert "baseline:projected" in table.columns and "upside:status" in table.columns
    hte = table.set_index("id").loc["high_tech_enterprises"]
    assert hte["upside:projected"] > hte["baseline:projected"]
    for name in ("baseline", "upside"):
        expected = reference.run(reference.scenario_params(SCENARIOS / f"{name}.yaml"))
        assert hte[f"{name}:projected"] == pytest.approx(
            expected.loc[2025.0, "high tech enterprises"], rel=1e-9), name
        assert hte[f"{name}:status"] == ("met" if hte[f"{name}:projected"] >= 6500
                                         else "below")
