"""Targets: measures, comparators, gaps and the catalogue built from the plan."""

import csv

import pandas as pd
import pytest

from sim import targets

from .conftest import MODEL, REPO


def catalogue():
    return targets.catalogue_for(MODEL)


def test_a_target_row_is_measured_and_judged_through_measures():
    values = pd.Series([100.0, 110.0, 121.0, 133.1, 146.41, 161.051], index=range(2020, 2026))
    row = next(t for t in catalogue().itertuples(index=False)
               if t.id == "tech_contract_turnover_growth")  # 15% a year from 2020
    measured = targets.target_measure(values.to_numpy()[:, None], values.index, row)
    assert measured[0] == pytest.approx(10.0)  # 161.051 = 100 x 1.1^5
    assert targets.target_status(measured, row)[0] == "below"


def test_every_plan_target_is_in_the_catalogue_with_its_value():
    source = REPO.parent / "shared" / "data" / "plan_indicators.csv"
    if not source.is_file():
        pytest.skip("shared/data/plan_indicators.csv is not beside this clone")
    with open(source, encoding="utf-8") as f:
        plan = [r for r in csv.DictReader(f) if r["kind"] == "target"]
    ours = catalogue().set_index("id")
    assert len(ours) == len(plan)
    for row in plan:
        assert ours.loc[row["id"], "target"] == float(row["value"])
        assert ours.loc[row["id"], "comparator"] == row["comparator"]
        assert ours.loc[row["id"], "year"] == int(row["year"])


def test_approx_targets_have_a_tolerance_and_modelled_targets_a_variable():
    table = catalogue()
    approx = table[table["comparator"] == "approx"]
    assert approx["tolerance"].notna().all()
    modelled = table[table["variable"] != targets.TRACKED]
    assert set(modelled["id"]) == {
        "producer_services_share_of_services", "services_employment_share",
        "digital_core_share_gdp", "online_retail_above_limit", "services_trade", "logistics_va",
        "finance_va", "tech_contract_turnover_growth", "culture_industry_share_gdp",
        "sei_va_growth", "high_tech_enterprises", "tech_smes", "rd_share_gdp"}


def test_overrides_change_tolerance_and_reading():
    table = targets.with_overrides(catalogue(), {
        "tech_contract_turnover_growth": {"measure": "cumulative_growth"},
        "digital_core_share_gdp": {"tolerance": 2.0}})
    row = table.set_index("id")
    assert row.loc["tech_contract_turnover_growth", "measure"] == "cumulative_growth"
    assert row.loc["digital_core_share_gdp", "tolerance"] == 2.0


def test_evaluate_gives_gap_and_status():
    results = pd.DataFrame({"high tech enterprises": [4396.0, 5000, 5500, 6000, 6200, 6400],
                            "sei va real": [100.0, 108, 116.64, 125.9712, 136.048896,
                                            146.93280768]},
                           index=[2020.0, 2021, 2022, 2023, 2024, 2025])
    table = targets.evaluate(results, catalogue()).set_index("id")
    assert table.loc["high_tech_enterprises", "gap"] == pytest.approx(-100)
    assert table.loc["high_tech_enterprises", "status"] == "below"
    assert table.loc["sei_va_growth", "projected"] == pytest.approx(8.0)
    assert table.loc["sei_va_growth", "status"] == "met"
    assert table.loc["finance_va", "status"] == "outside run"
    assert table.loc["service_clusters", "status"] == "tracked"


def test_required_path_compounds_the_target_rate():
    values = pd.Series([200.0, 0, 0, 0, 0, 0], index=range(2020, 2026))
    row = next(t for t in catalogue().itertuples(index=False)
               if t.id == "tech_contract_turnover_growth")
    path = targets.required_path(values, row)
    assert path[2025] == pytest.approx(200 * 1.15 ** 5)
    assert path[2021] == pytest.approx(230)
