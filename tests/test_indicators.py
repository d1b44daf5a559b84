"""Plan indicators in the plan's units from model results."""

import pandas as pd
import pytest

from sim import indicators

from .conftest import MODEL


def test_annual_keeps_whole_years_only():
    results = pd.DataFrame({"x": [1.0, 2, 3]}, index=[2020.0, 2020.5, 2021.0])
    assert list(indicators.annual(results).index) == [2020, 2021]


def test_shares_become_percent_and_growth_is_year_on_year():
    cat = indicators.catalogue_for(MODEL)
    results = pd.DataFrame({"services share of gdp": [0.614, 0.62],
                            "sei va real": [1000.0, 1080.0]}, index=[2020.0, 2021.0])
    table = indicators.compute(results, cat)
    assert table.loc[2020, "services_share_gdp"] == pytest.approx(61.4)
    assert table.loc[2021, "sei_va_growth"] == pytest.approx(8.0)
    assert pd.isna(table.loc[2020, "sei_va_growth"])
    assert list(table.columns) == ["services_share_gdp", "sei_va_growth", "sei_va_real"]


def test_catalogue_covers_the_required_indicators():
    ids = set(indicators.catalogue_for(MODEL)["id"])
    assert {"services_va", "services_share_gdp", "gdp_nominal", "gdp_real",
            "producer_services_share_of_services", "sei_va_growth", "logistics_va",
            "finance_va", "services_trade", "digital_core_share_gdp",
            "culture_industry_share_gdp", "services_employment_share", "rd_share_gdp",
            "high_tech_enterprises", "tech_smes", "tech_contract_turnover",
            "online_retail_above_limit"} <= ids


def test_no_catalogue_for_a_model_without_one(tmp_path):
    assert indicators.catalogue_for(tmp_path / "other.mdl") is None
