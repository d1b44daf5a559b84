"""`sim calibrate` end to end: files, the calibrated scenario, failure to converge."""

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from scipy import optimize, stats

from sim.cli import main

from .. import reference
from ..conftest import SCENARIOS

ROWS = [(2021, "high_tech_enterprises", 5000.0), (2022, "high_tech_enterprises", 5600.0),
        (2023, "high_tech_enterprises", 6200.0)]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args])


def test_calibrate_writes_files_and_a_scenario_that_runs(cli, write_spec, tmp_path):
    spec = write_spec(ROWS, {"hte formation rate": {"bounds": [0.05, 0.6]}},
                      method={"starts": 1})
    result = cli("calibrate", spec, "--out", "cal", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = tmp_path / "cal"
    assert {p.name for p in out.iterdir()} >= {"fit.csv", "parameters.csv", "stats.csv",
                                               "correlation.csv", "t.yaml", "manifest.json",
                                               "charts", "projection_targets.csv"}
    fit = pd.read_csv(out / "fit.csv", encoding="utf-8-sig")
    assert list(fit["observed"]) == [5000.0, 5600.0, 6200.0]

    # the same least-squares fit done here: PySD runs the baseline, scipy finds the rate
    observed = np.array([5000.0, 5600.0, 6200.0])

    def hte(rate):
        results = reference.run({"hte formation rate": rate})
        return results.loc[[2021.0, 2022.0, 2023.0], "high tech enterprises"].to_numpy()

    best = optimize.minimize_scalar(lambda r: np.sum((hte(r) - observed) ** 2),
                                    bounds=(0.05, 0.6), method="bounded",
                                    options={"xatol": 1e-10}).x
    row = pd.read_csv(out / "parameters.csv", encoding="utf-8-sig").iloc[0]
    assert row["estimate"] == pytest.approx(best, abs=1e-6)
    residuals = hte(best) - observed
    assert list(fit["simulated"]) == pytest.approx(list(hte(best)), rel=1e-6)
    # its standard error: s^2 (J'J)^-1, s^2 the residual variance on 3 - 1 degrees of freedom
    slope = (hte(best + 1e-6) - hte(best - 1e-6)) / 2e-6
    se = np.sqrt(np.sum(residuals ** 2) / 2 / np.sum(slope ** 2))
    assert row["std_error"] == pytest.approx(se, rel=1e-3)
    assert row["upper95"] - row["estimate"] == pytest.approx(stats.t.ppf(0.975, 2) * se,
                                                             rel=1e-3)
    objective = np.sum((residuals / observed.mean()) ** 2)  # each series over its mean
    assert f"converged: objective {objective:.6g} after" in result.output
    assert f"hte formation rate {best:.5f} " in " ".join(result.output.split())

    saved = yaml.safe_load((out / "t.yaml").read_text(encoding="utf-8"))
    assert list(saved["constants"]) == ["hte formation rate"]
    assert saved["constants"]["hte formation rate"] == row["estimate"]
    assert (out / saved["extends"]).resolve() == (SCENARIOS / "baseline.yaml").resolve()
    rerun = cli("run", out / "t.yaml", "--out", "proj", "--lang", "en")
    assert rerun.exit_code == 0, rerun.output
    projected = pd.read_csv(tmp_path / "proj" / "targets.csv", encoding="utf-8-sig").set_index(
        "id").loc["high_tech_enterprises", "projected"]
    assert projected == pytest.approx(reference.run({"hte formation rate": row["estimate"]}).loc[
        2025.0, "high tech enterprises"], rel=1e-9)
    assert (out / "charts" / "high_tech_enterprises.png").is_file()


def test_a_fit_that_does_not_converge_keeps_its_best_point_and_exits_1(cli, write_spec,
                                                                        tmp_path):
    spec = write_spec(ROWS, {"hte formation rate": {"bounds": [0.05, 0.6], "start": 0.6},
                             "hte exit rate": {"bounds": [0.0, 0.5]}},
                      method={"starts": 1, "max_runs": 3})
    result = cli("calibrate", spec, "--out", "cal")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].endswith(
        "spec.yaml: the fit did not converge (stopped after max_runs = 3 model runs); "
        "its best point is kept in cal. Raise method.max_runs or narrow the bounds.")
    # three runs buy the start and no step from it: the best point is the start, the exit
    # rate's the model's own 0.08
    table = pd.read_csv(tmp_path / "cal" / "parameters.csv", encoding="utf-8-sig")
    assert list(table["estimate"]) == pytest.approx([0.6, 0.08], abs=1e-9)
    simulated = reference.run({"hte formation rate": 0.6, "hte exit rate": 0.08}).loc[
        [2021.0, 2022.0, 2023.0], "high tech enterprises"].to_numpy()
    fit = pd.read_csv(tmp_path / "cal" / "fit.csv", encoding="utf-8-sig")
    assert list(fit["simulated"]) == pytest.approx(list(simulated), rel=1e-8)
    objective = np.sum(((simulated - [5000.0, 5600.0, 6200.0]) / 5600.0) ** 2)
    assert f"DID NOT CONVERGE: objective {objective:.6g} after" in result.output


def test_bad_spec_writes_nothing(cli, write_spec, tmp_path):
    spec = write_spec(ROWS, {"hte formation rate": {"bounds": [0.6, 0.05]}})
    result = cli("calibrate", spec, "--out", "cal")
    assert result.exit_code == 1
    assert result.output == ("Error: spec.yaml:5: parameters.hte formation rate | needs "
                             "bounds: [lower, upper] with lower < upper.\n")
    assert not (tmp_path / "cal").exists()


def test_a_bad_prior_writes_nothing(cli, write_spec, tmp_path):
    spec = write_spec(ROWS, {"hte formation rate": {"bounds": [0.05, 0.6], "prior": {
        "distribution": "uniform", "lower": 0.0, "upper": 0.5, "source": "x"}}})
    result = cli("calibrate", spec, "--out", "cal")
    assert result.exit_code == 1
    assert result.output == (
        "Error: spec.yaml:9: parameters.hte formation rate.prior | lies outside the "
        "parameter's range: the prior reaches [0, 0.5] (centre 0.25), the bounds are "
        "[0.05, 0.6]. Move the prior inside the bounds or widen the bounds.\n")
    assert not (tmp_path / "cal").exists()


def test_a_shocks_fit_writes_its_shocks_and_an_anchored_scenario(cli, write_spec, tmp_path):
    rows = [(2020, "services_va", 7613.59), (2021, "services_va", 8596.07),
            (2022, "services_va", 9000.0), (2023, "services_va", 9700.0)]
    spec = write_spec(rows, {"services price growth": {"bounds": [-0.05, 0.15], "prior": {
        "distribution": "normal", "mean": 0.02, "sd": 0.02, "source": "test"}}},
        likelihood="shocks", method={"walkers": 16, "steps": 200, "burn": 50, "seed": 1})
    result = cli("calibrate", spec, "--out", "cal", "--lang", "en")
    out = tmp_path / "cal"
    assert {p.name for p in out.iterdir()} >= {"shocks.csv", "shock_stats.csv", "posterior.csv",
                                               "diagnostics.csv", "parameters.csv", "t.yaml"}
    assert (out / "charts" / "shock_services_price_shock.png").is_file()
    assert (out / "charts" / "prior_services_price_growth.svg").is_file()
    shocks = pd.read_csv(out / "shocks.csv", encoding="utf-8-sig")
    assert list(shocks["year"]) == [2021, 2022, 2023]
    saved = yaml.safe_load((out / "t.yaml").read_text(encoding="utf-8"))
    assert (out / saved["actuals"]).resolve() == (tmp_path / "data.csv").resolve()
    assert "services price growth" in result.output and "linearisation error" in result.output
    assert result.exit_code == 0, result.output
    # the trend at the median and the solved shocks, run by PySD, give back the data
    trend = pd.read_csv(out / "parameters.csv", encoding="utf-8-sig").iloc[0]["estimate"]
    solved = dict(zip(shocks["year"], shocks["value"]))
    expected = reference.run({"services price growth": trend, "services price shock":
                              reference.by_year("services price shock", solved)})
    assert list(expected.loc[[2021.0, 2022.0, 2023.0], "services va"]) == pytest.approx(
        [8596.07, 9000.0, 9700.0], rel=1e-9)
    # and so does the calibrated scenario, anchored on the same data
    rerun = cli("run", out / "t.yaml", "--out", "proj", "--lang", "en")
    assert rerun.exit_code == 0, rerun.output
    ind = pd.read_csv(tmp_path / "proj" / "indicators.csv", encoding="utf-8-sig",
                      index_col="year")
    assert list(ind.loc[2020:2023, "services_va"]) == pytest.approx(
        [7613.59, 8596.07, 9000.0, 9700.0], rel=1e-9)
