"""`sim calibrate` end to end: files, the calibrated scenario, failure to converge."""

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main

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
    saved = yaml.safe_load((out / "t.yaml").read_text(encoding="utf-8"))
    assert list(saved["constants"]) == ["hte formation rate"]
    assert (out / saved["extends"]).resolve() == (SCENARIOS / "baseline.yaml").resolve()
    rerun = cli("run", out / "t.yaml", "--out", "proj", "--lang", "en")
    assert rerun.exit_code == 0, rerun.output
    assert (out / "charts" / "high_tech_enterprises.png").is_file()


def test_a_fit_that_does_not_converge_keeps_its_best_point_and_exits_1(cli, write_spec,
                                                                        tmp_path):
    spec = write_spec(ROWS, {"hte formation rate": {"bounds": [0.05, 0.6], "start": 0.6},
                             "hte exit rate": {"bounds": [0.0, 0.5]}},
                      method={"starts": 1, "max_runs": 3})
    result = cli("calibrate", spec, "--out", "cal")
    assert result.exit_code == 1
    assert "the fit did not converge" in result.output
    assert (tmp_path / "cal" / "parameters.csv").is_file()


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
