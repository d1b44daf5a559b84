"""`sim backtest`: naive forecasts by hand, the projection against data the model made, and
the files it writes; `sim uncertainty --posterior` draws from a calibration's posterior."""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sim.calibration import backtest
from sim.cli import main

from ..conftest import SCENARIOS
from .test_fit import synthetic_rows

PRIORS = {
    "consumer services real growth": {"bounds": [0.0, 0.15], "prior": {
        "distribution": "normal", "mean": 0.05, "sd": 0.03, "source": "test"}},
    "services price growth": {"bounds": [-0.02, 0.1], "prior": {
        "distribution": "normal", "mean": 0.02, "sd": 0.02, "source": "test"}},
    "hte formation rate": {"bounds": [0.05, 0.6], "prior": {
        "distribution": "uniform", "lower": 0.05, "upper": 0.6, "source": "test"}}}
QUICK = {"name": "mcmc", "walkers": 32, "steps": 120, "burn": 60, "seed": 3}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_naive_forecasts_by_hand():
    observed = pd.Series({2016: 100.0, 2018: 121.0, 2019: 133.1})
    out = backtest.naive(observed, [2020, 2022], "level")
    # last CAGR: 121 -> 133.1 in one year is +10%; drift: 100 -> 133.1 in three years
    assert out.loc[2020, "last_cagr"] == pytest.approx(146.41)
    assert out.loc[2022, "last_cagr"] == pytest.approx(133.1 * 1.1 ** 3)
    assert out.loc[2022, "drift"] == pytest.approx(133.1 * 1.331 ** (3 / 3))
    shares = backtest.naive(pd.Series({2019: 60.0, 2020: 61.0, 2021: 61.5}), [2023],
                            "additive")
    assert shares.loc[2023, "last_cagr"] == pytest.approx(62.5)  # +0.5 a year
    assert shares.loc[2023, "drift"] == pytest.approx(61.5 + 2 * 0.75)
    rates = backtest.naive(pd.Series({2019: 6.0, 2020: 3.0, 2021: 9.0}), [2022, 2023], "rate")
    assert list(rates["last_cagr"]) == [9.0, 9.0]  # the last rate held
    assert list(rates["drift"]) == [6.0, 6.0]      # the mean rate


def test_backtest_scores_a_projection_of_data_the_model_made(cli, write_spec, tmp_path):
    rows = [r for r in synthetic_rows(0.0) if r[1] in ("services_va", "high_tech_enterprises")]
    spec = write_spec(rows, PRIORS, method=QUICK)
    result = cli("backtest", spec, "--hold-out-from", 2024, "--out", "bt", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = tmp_path / "bt"
    assert {p.name for p in out.iterdir()} >= {"errors.csv", "paths.csv", "summary.csv",
                                               "parameters.csv", "manifest.json", "charts"}
    assert (out / "charts" / "services_va.png").is_file()
    errors = pd.read_csv(out / "errors.csv", encoding="utf-8-sig")
    assert sorted(zip(errors["indicator"], errors["year"])) == [
        ("high_tech_enterprises", 2024), ("high_tech_enterprises", 2025),
        ("services_va", 2024), ("services_va", 2025)]
    observed = {(y, i): v for y, i, v in rows}
    for r in errors.itertuples():
        v21, v22, v23 = (observed[(y, r.indicator)] for y in (2021, 2022, 2023))
        ahead = r.year - 2023
        assert r.last_cagr == pytest.approx(v23 * (v23 / v22) ** ahead)
        assert r.drift == pytest.approx(v23 * math.exp(math.log(v23 / v21) / 2 * ahead))
        assert r.observed == pytest.approx(observed[(r.year, r.indicator)])
        assert abs(r.projection_error_pct) < 1.0  # the model made these data
        assert r.p5 <= r.projection <= r.p95
    assert "services_va 2025: projection" in result.output
    assert "gdp_nominal 2025: no observation held out, goal not assessed" in result.output


def test_backtest_needs_data_on_both_sides(cli, write_spec, tmp_path):
    rows = [r for r in synthetic_rows(0.0) if r[1] == "services_va"]
    spec = write_spec(rows, PRIORS, method=QUICK)
    result = cli("backtest", spec, "--hold-out-from", 2030, "--out", "bt")
    assert result.exit_code == 1
    assert result.output == ("Error: --hold-out-from: 2030 | no observations from 2030 in "
                             "data.csv, the data of spec.yaml. Choose a year inside the data's "
                             "span.\n")
    assert not (tmp_path / "bt").exists()


def test_uncertainty_draws_the_posterior(cli, write_spec, tmp_path):
    rows = [r for r in synthetic_rows(0.01) if r[1] in ("services_va", "high_tech_enterprises")]
    spec = write_spec(rows, PRIORS, method=QUICK)
    cli("calibrate", spec, "--out", "cal")  # a short chain: written even if not converged
    post = pd.read_csv(tmp_path / "cal" / "posterior.csv", encoding="utf-8-sig",
                       index_col="draw")
    result = cli("uncertainty", SCENARIOS / "baseline.yaml", "--posterior", "cal", "--samples",
                 50, "--seed", 2, "--out", "unc", "--lang", "en")
    assert result.exit_code == 0, result.output
    samples = pd.read_csv(tmp_path / "unc" / "samples.csv", encoding="utf-8-sig",
                          index_col="member")
    fitted = samples[post.columns]
    rows_of_posterior = {tuple(np.round(r, 12)) for r in post.to_numpy()}
    assert all(tuple(np.round(r, 12)) in rows_of_posterior for r in fitted.to_numpy())
    assert len(samples) == 50


def test_uncertainty_without_a_posterior_file(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("uncertainty", SCENARIOS / "baseline.yaml", "--posterior", "empty",
                 "--out", "unc")
    assert result.exit_code == 1
    assert result.output == ("Error: --posterior: empty | no posterior.csv in this folder. "
                             "Give the output folder of 'sim calibrate' with method mcmc.\n")
    assert not (tmp_path / "unc").exists()
