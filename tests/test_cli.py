"""The command line, end to end: outputs, exact error messages and exit codes."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import main

from . import reference
from .conftest import DECAY, MODEL, SCENARIOS


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_run_writes_every_output(cli, tmp_path):
    result = cli("run", SCENARIOS / "baseline.yaml")
    assert result.exit_code == 0, result.output
    assert "high_tech_enterprises" in result.output and "输出: outputs/baseline" in result.output
    out = tmp_path / "outputs" / "baseline"
    names = {p.name for p in out.iterdir()}
    assert names == {"indicators.csv", "results.csv", "targets.csv", "results.xlsx",
                     "manifest.json", "scenario.yaml", "charts"}
    indicators = pd.read_csv(out / "indicators.csv", encoding="utf-8-sig")
    assert indicators.columns[0] == "year"
    assert indicators.loc[0, "services_va"] == pytest.approx(7613.59)
    # the baseline sets no value: PySD's run of the model as it stands gives every number
    expected = reference.run().loc[2025.0]
    by_year = indicators.set_index("year")
    assert by_year.loc[2025, "services_va"] == pytest.approx(expected["services va"], rel=1e-9)
    assert by_year.loc[2025, "services_share_gdp"] == pytest.approx(
        100 * expected["services va"] / expected["gdp"], rel=1e-9)
    targets = pd.read_csv(out / "targets.csv", encoding="utf-8-sig")
    assert list(targets.columns[:11]) == ["id", "indicator_zh", "indicator_en", "unit",
                                          "unit_zh", "year", "target", "comparator",
                                          "projected", "gap", "status"]
    hte, row = expected["high tech enterprises"], targets.set_index("id").loc[
        "high_tech_enterprises"]
    assert (row["target"], row["comparator"]) == (6500, "at_least")  # 突破6500家
    assert row["projected"] == pytest.approx(hte, rel=1e-9)
    assert row["gap"] == pytest.approx(hte - 6500, rel=1e-9)
    assert row["status"] == ("met" if hte >= 6500 else "below")
    line = next(s for s in result.output.splitlines() if s.startswith("high_tech_enterprises"))
    assert f"{hte:,.2f}" in line.split() and f"{hte - 6500:,.2f}" in line.split()
    results = pd.read_csv(out / "results.csv", encoding="utf-8-sig")
    assert results.columns[0] == "time" and "services va real" in results.columns
    with pd.ExcelFile(out / "results.xlsx", engine="openpyxl") as workbook:
        assert set(workbook.sheet_names) == {"indicators", "targets", "results"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    run = manifest["runs"][0]
    assert run["parameters"]["initial services va"] == 7613.59
    assert len(run["model"]["sha256"]) == 64
    charts = {p.name for p in (out / "charts").iterdir()}
    assert {"overview.png", "overview.svg", "sei_va_growth.png", "finance_va.svg"} <= charts
    assert len(charts) == 2 * 14


def test_two_runs_give_identical_csv_and_the_saved_scenario_reruns(cli, tmp_path):
    assert cli("run", SCENARIOS / "downside.yaml", "--out", "a", "--lang", "en").exit_code == 0
    saved = tmp_path / "a" / "scenario.yaml"
    assert cli("run", saved, "--out", "b", "--lang", "en").exit_code == 0
    for name in ("indicators.csv", "results.csv", "targets.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    # and both are the downside's numbers: PySD run with its 2022 values, every variable
    expected = reference.run(reference.scenario_params(SCENARIOS / "downside.yaml"))
    results = pd.read_csv(tmp_path / "b" / "results.csv", encoding="utf-8-sig",
                          index_col="time")
    for name in ("gdp real", "services va", "high tech enterprises", "services trade"):
        assert results[name].to_numpy() == pytest.approx(
            expected[name].to_numpy(), rel=1e-9), name
    # services trade: 848.9 grows 5% a year but falls 5% in 2022
    assert results.loc[2025.0, "services trade"] == pytest.approx(848.9 * 1.05 ** 4 * 0.95)


def test_set_overrides_the_scenario(cli, tmp_path):
    result = cli("run", SCENARIOS / "baseline.yaml", "--out", "o", "--set",
                 "innovation loop strength=0", "--set", "sei_real_growth=0.1")
    assert result.exit_code == 0, result.output
    ind = pd.read_csv(tmp_path / "o" / "indicators.csv", encoding="utf-8-sig")
    assert ind["sei_va_growth"].iloc[1:].tolist() == pytest.approx([10.0] * 5, abs=1e-9)


@pytest.mark.parametrize("command, text, message", [
    ("run", "constants:\n  sei real growht: 0.1\n",
     "constants.sei real growht | unknown parameter. Did you mean 'sei real growth'? Run "
     "'sim params' for the list."),
    ("validate", "constants:\n  hte exit rate: 1.5\n",
     "constants.hte exit rate | 1.5 is outside the model's range [0, 1] for 'hte exit rate' "
     "(1/Year). Choose a value inside it."),
])
def test_bad_scenario_exits_1_with_one_line_and_writes_nothing(cli, tmp_path, command, text,
                                                               message):
    (tmp_path / "bad.yaml").write_text(f"model: {MODEL}\n{text}", encoding="utf-8")
    result = cli(command, "bad.yaml")
    assert result.exit_code == 1
    assert result.output == f"Error: bad.yaml:3: {message}\n"
    assert not (tmp_path / "outputs").exists()


def test_missing_scenario_file(cli):
    result = cli("run", "nowhere.yaml")
    assert (result.exit_code, result.output) == (
        1, "Error: nowhere.yaml: file not found. Check the path.\n")


def test_debug_shows_the_traceback(cli):
    result = cli("--debug", "validate", "nowhere.yaml")
    assert result.exit_code == 1
    assert result.exc_info[0].__name__ == "InputError"


def test_validate_ok(cli):
    result = cli("validate", SCENARIOS / "downside.yaml")
    assert result.exit_code == 0
    assert result.output.endswith(": ok (0 constants, 8 series, model qingdao_fyp.mdl)\n")


def test_params_json_lists_values_units_ranges(cli):
    result = cli("params", "--json")
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["initial high tech enterprises"]["value"] == 4396
    assert rows["sei real growth"]["unit"] == "1/Year"
    assert (rows["sei real growth"]["min"], rows["sei real growth"]["max"]) == (-0.2, 0.3)


def test_params_table(cli):
    result = cli("params")
    assert result.exit_code == 0
    assert "sei real growth = 0.08 [-0.2, 0.3] 1/Year" in result.output


def test_compare_writes_table_and_overlay_charts(cli, tmp_path):
    result = cli("compare", SCENARIOS / "baseline.yaml", SCENARIOS / "downside.yaml",
                 "--lang", "en")
    assert result.exit_code == 0, result.output
    out = tmp_path / "outputs" / "compare"
    table = pd.read_csv(out / "targets_by_scenario.csv", encoding="utf-8-sig")
    assert {"baseline:projected", "downside:projected"} <= set(table.columns)
    trade = table.set_index("id").loc["services_trade"]  # 848.9, 5% a year; -5% in 2022
    assert trade["baseline:projected"] == pytest.approx(848.9 * 1.05 ** 5)
    assert trade["downside:projected"] == pytest.approx(848.9 * 1.05 ** 4 * 0.95)
    assert (trade["baseline:status"], trade["downside:status"]) == ("below", "below")  # ≥1100
    hte = table.set_index("id").loc["high_tech_enterprises"]
    for name in ("baseline", "downside"):
        params = reference.scenario_params(SCENARIOS / f"{name}.yaml")
        expected = reference.run(params).loc[2025.0, "high tech enterprises"]
        assert hte[f"{name}:projected"] == pytest.approx(expected, rel=1e-9), name
    line = next(s for s in result.output.splitlines() if s.split()[:1] == ["services_trade"])
    assert line.split()[1:] == [f"{848.9 * 1.05 ** 5:,.2f}", f"{848.9 * 1.05 ** 4 * 0.95:,.2f}"]
    assert (out / "charts" / "overview.svg").is_file()
    assert {p.name for p in (out / "scenarios").iterdir()} == {"baseline.yaml",
                                                                "downside.yaml"}


def test_compare_rejects_two_scenarios_with_one_name(cli):
    result = cli("compare", SCENARIOS / "baseline.yaml", SCENARIOS / "baseline.yaml")
    assert result.exit_code == 1
    assert "two scenarios share this name" in result.output


def test_run_any_vensim_model_without_plan_targets(cli, tmp_path):
    (tmp_path / "decay.mdl").write_text(DECAY, encoding="utf-8")
    (tmp_path / "d.yaml").write_text("model: decay.mdl\n", encoding="utf-8")
    result = cli("run", "d.yaml", "--lang", "en", "--set", "rate=0.25")
    assert result.exit_code == 0, result.output
    out = tmp_path / "outputs" / "d"
    assert {p.name for p in out.iterdir()} == {"results.csv", "results.xlsx", "manifest.json",
                                               "scenario.yaml"}
    results = pd.read_csv(out / "results.csv", encoding="utf-8-sig", index_col="time")
    assert list(results["stock"]) == [100.0, 75.0, 56.25]


def test_the_collector_runs_again_after_the_library_has_loaded(cli):
    import gc

    result = cli("validate", SCENARIOS / "baseline.yaml")
    assert result.exit_code == 0
    assert result.output.endswith(": ok (0 constants, 0 series, model qingdao_fyp.mdl)\n")
    assert gc.isenabled()


def test_the_console_script_freezes_what_is_left_before_exit(monkeypatch):
    import gc

    from sim.cli import entry

    monkeypatch.setattr("sys.argv", ["sim", "--version"])
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as stop:
            entry()
        assert stop.value.code == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_run_counts_an_exceeded_about_target_as_met(cli, write_scenario):
    """With the loops off and SEI growth at 10.35%, the SEI target (8% 左右 ±0.5) is 超额 and
    counts among the met; read strictly it is above its band and does not."""
    from .conftest import LOOPS_OFF

    def count(strict):
        path = write_scenario(f"s{strict}.yaml", name=f"s{strict}",
                              constants={**LOOPS_OFF, "sei real growth": 0.1035},
                              targets={"sei_va_growth": {"strict": strict}})
        result = cli("run", path, "--lang", "en")
        assert result.exit_code == 0, result.output
        rows = [line.split() for line in result.output.splitlines()
                if line.startswith(("sei_va_growth", "high_tech", "tech_", "rd_", "finance",
                                    "logistics", "services", "producer", "digital", "online",
                                    "culture"))]
        sei = next(r for r in rows if r[0] == "sei_va_growth")
        assert sei[-3:-1] == ["10.35", "2.35"]  # projected and gap, by hand: 10.35 - 8
        met = sum(r[-1] in ("met", "exceeded") for r in rows)
        assert f"\n{met} of 13 modelled targets met" in result.output
        return sei[-1], met

    (loose, met_loose), (strict, met_strict) = count(False), count(True)
    assert (loose, strict) == ("exceeded", "above")
    assert met_loose == met_strict + 1


def test_malformed_set_options_are_reported_together(cli):
    result = cli("validate", SCENARIOS / "baseline.yaml", "--set", "noequals", "--set",
                 "sei real growth=fast", "--set", "sei real growth=inf")
    assert (result.exit_code, result.output) == (1, (
        "Error: --set: noequals | expected NAME=VALUE, e.g. --set 'services price "
        "growth=0.03'.\n"
        "--set: sei real growth | must be a number; got 'fast'. Write a number, e.g. 0.05.\n"
        "--set: sei real growth | must be a finite number.\n"))


@pytest.mark.parametrize("option, message", [
    ("sei real growh=0.1", "sei real growh | unknown parameter. Did you mean 'sei real "
     "growth'? Run 'sim params' for the list."),
    ("hte exit rate=1.5", "hte exit rate | 1.5 is outside the model's range [0, 1] for 'hte "
     "exit rate' (1/Year). Choose a value inside it."),
])
def test_a_set_option_the_model_rejects_is_named_as_the_option(cli, tmp_path, option,
                                                               message):
    result = cli("run", SCENARIOS / "baseline.yaml", "--set", option)
    assert (result.exit_code, result.output) == (1, f"Error: --set: {message}\n")
    assert not (tmp_path / "outputs").exists()
