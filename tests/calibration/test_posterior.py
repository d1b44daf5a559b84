"""MCMC posteriors: known parameters recovered from data the model made; a parameter the data
cannot see keeps its prior; the likelihood and the diagnostics by hand."""

from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from sim import calibration
from sim.calibration import posterior
from sim.calibration.likelihood import NU0, SeriesLikelihood

from ..conftest import SCENARIOS
from .test_fit import synthetic_rows

SAMPLER = {"name": "mcmc", "walkers": 64, "steps": 250, "burn": 100, "seed": 5}


def test_likelihood_integrates_each_series_scale_out():
    lik = SeriesLikelihood(np.array(["a", "b", "a"]), {"a": 0.1})
    r = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    by_hand = [-0.5 * ((NU0 + 2) * np.log(NU0 * 0.01 + 1 + 9) + (NU0 + 1) * np.log(
        NU0 * 0.02 ** 2 + 4)),
        -0.5 * ((NU0 + 2) * np.log(NU0 * 0.01) + (NU0 + 1) * np.log(NU0 * 0.02 ** 2))]
    assert lik(r) == pytest.approx(by_hand, rel=1e-12)


def test_mcmc_recovers_known_parameters(write_spec):
    truth = {"services price growth": 0.031, "hte formation rate": 0.21}
    rows = [r for r in synthetic_rows(0.01) if r[1] in ("services_va", "high_tech_enterprises")]
    params = {
        "services price growth": {"bounds": [-0.05, 0.15], "prior": {
            "distribution": "normal", "mean": 0.0, "sd": 0.05, "source": "test"}},
        "hte formation rate": {"bounds": [0.0, 0.8], "prior": {
            "distribution": "uniform", "lower": 0.0, "upper": 0.8, "source": "test"}}}
    cal = calibration.calibrate(calibration.load(write_spec(rows, params, method=SAMPLER)))
    table = cal.parameters.set_index("parameter")
    for name, value in truth.items():
        assert table.loc[name, "p5"] <= value <= table.loc[name, "p95"], name
        assert table.loc[name, "estimate"] == pytest.approx(value, abs=0.01), name
        assert table.loc[name, "sd"] < 0.1 * 0.05, name  # far narrower than either prior
    assert cal.posterior.acceptance > 0.1


def test_a_parameter_the_data_cannot_see_keeps_its_prior(write_spec):
    rows = [r for r in synthetic_rows(0.01) if r[1] == "high_tech_enterprises"]
    prior = {"distribution": "normal", "mean": 0.09, "sd": 0.02, "source": "test"}
    params = {"hte formation rate": {"bounds": [0.0, 0.8], "prior": {
                  "distribution": "uniform", "lower": 0.0, "upper": 0.8, "source": "test"}},
              "online retail growth": {"bounds": [0.0, 0.3], "prior": prior}}
    cal = calibration.calibrate(calibration.load(write_spec(
        rows, params, method={**SAMPLER, "steps": 350})))
    draws = cal.posterior.draws["online retail growth"]
    # the prior, truncated to the bounds [0, 0.3]: almost exactly N(0.09, 0.02)
    truth = stats.truncnorm((0 - 0.09) / 0.02, (0.3 - 0.09) / 0.02, loc=0.09, scale=0.02)
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        assert draws.quantile(q) == pytest.approx(truth.ppf(q), abs=0.2 * 0.02), q
    assert draws.std() == pytest.approx(0.02, rel=0.15)
    warning = cal.parameters.set_index("parameter").loc["online retail growth", "warning"]
    assert "the posterior is close to the prior" in warning


def test_split_rhat_by_hand():
    chain = np.zeros((4, 2, 1))
    chain[:, 0, 0] = [0.0, 1.0, 2.0, 3.0]
    chain[:, 1, 0] = [1.0, 1.0, 1.0, 3.0]
    # four half-chains of two steps: (0,1) (1,1) (2,3) (1,3)
    means = np.array([0.5, 1.0, 2.5, 2.0])
    within = np.mean([0.5, 0.0, 0.5, 2.0])
    between = 2 * means.var(ddof=1)
    expected = np.sqrt(((2 - 1) / 2 * within + between / 2) / within)
    assert posterior.split_rhat(chain)[0] == pytest.approx(expected, rel=1e-12)


SHOCKS = {"services price shock": {2021: 0.012, 2022: -0.018, 2023: 0.006, 2024: -0.003,
                                   2025: 0.009},
          "hte growth shock": {2021: 0.03, 2022: -0.05, 2023: 0.01, 2024: 0.04, 2025: -0.02}}


def test_trends_from_anchored_shocks(write_spec):
    """Data made by the model with known trends plus year-specific shocks: the posterior of
    an additive trend centres on the trend plus the mean shock (the shocks are what the
    anchored run solves for), and a parameter no series responds to keeps its prior."""
    from sim import runner, scenario

    base = scenario.load(SCENARIOS / "baseline.yaml")
    truth = scenario.with_values(base, "truth", constants={"services price growth": 0.03})
    truth = replace(truth, series={**truth.series, **SHOCKS})
    table = runner.simulate(truth).indicators
    rows = [(y, name, table.loc[y, name]) for name in ("services_va", "high_tech_enterprises")
            for y in range(2020, 2026)]
    prior = {"distribution": "normal", "mean": 0.09, "sd": 0.02, "source": "test"}
    params = {"services price growth": {"bounds": [-0.05, 0.15], "prior": {
                  "distribution": "uniform", "lower": -0.05, "upper": 0.15, "source": "t"}},
              "online retail growth": {"bounds": [0.0, 0.3], "prior": prior}}
    spec = calibration.load(write_spec(rows, params, likelihood="shocks",
                                       method={**SAMPLER, "steps": 600, "burn": 150}))
    cal = calibration.calibrate(spec)
    assert cal.linearisation_error < 1e-4
    table = cal.parameters.set_index("parameter")
    mean_shock = np.mean(list(SHOCKS["services price shock"].values()))
    assert table.loc["services price growth", "estimate"] == pytest.approx(
        0.03 + mean_shock, abs=0.002)
    assert table.loc["services price growth", "p5"] < 0.03 < table.loc[
        "services price growth", "p95"]
    shocks = cal.fit.set_index(["shock", "year"])["value"]
    theta = table.loc["services price growth", "estimate"]
    for year, value in SHOCKS["services price shock"].items():  # shock = truth - trend
        assert shocks[("services price shock", year)] == pytest.approx(
            value + 0.03 - theta, abs=1e-3)
    draws = cal.posterior.draws["online retail growth"]
    unseen = stats.truncnorm(-0.09 / 0.02, 0.21 / 0.02, loc=0.09, scale=0.02)
    for q in (0.05, 0.5, 0.95):
        assert draws.quantile(q) == pytest.approx(unseen.ppf(q), abs=0.2 * 0.02), q
