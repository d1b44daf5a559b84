"""The library API: the README's notebook example runs, constants are a dict, results write."""

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.errors import InputError

from .conftest import REPO


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A working folder laid out like the repository (scenarios beside models)."""
    for name in ("scenarios", "models"):
        shutil.copytree(REPO / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Library (notebooks)", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)


def test_the_readme_notebook_example_runs(repo_copy):
    names = {}
    exec(compile(readme_example(), "README.md", "exec"), names)
    base, fast, both, risk = (names[k] for k in ("base", "fast", "both", "risk"))
    # the plan's 2020 baseline: 服务业增加值 7613.59亿元, 61.4% of GDP
    assert base.indicators.loc[2020, "services_va"] == pytest.approx(7613.59)
    assert base.indicators.loc[2020, "services_share_gdp"] == pytest.approx(61.4, abs=0.01)
    # exact growth: 10% a year with the loop off compounds to 10.0% a year over 2020-2025
    assert fast.targets.set_index("id").loc["sei_va_growth", "projected"] == \
        pytest.approx(10.0, abs=1e-9)
    written = pd.read_csv(repo_copy / "outputs" / "fast_sei" / "targets.csv",
                          encoding="utf-8-sig").set_index("id")
    assert written.loc["sei_va_growth", "projected"] == pytest.approx(10.0, abs=1e-6)
    assert {"baseline:projected", "downside:projected"} <= set(both.table.columns)
    assert [s.scenario.name for s in both.simulations] == ["baseline", "downside"]
    trade = both.table.set_index("id").loc["services_trade"]  # 848.9; 5% a year, -5% in 2022
    assert trade["downside:projected"] == pytest.approx(848.9 * 1.05 ** 4 * 0.95)
    assert len(risk.samples) == 200
    # services trade depends on its growth alone, N(0.05, 0.02) cut to [-0.02, 0.12]; a Latin
    # hypercube of 200 has one draw in each 1/200 of it
    needed = (1100 / 848.9) ** (1 / 5) - 1
    growth = stats.truncnorm(-3.5, 3.5, loc=0.05, scale=0.02)
    p_met = risk.probabilities.set_index("id").loc["services_trade", "p_met"]
    assert p_met == pytest.approx(growth.sf(needed), abs=1 / 200)


def test_constants_win_over_the_file_and_fix_the_whole_run(repo_copy):
    # downside.yaml gives sei real growth a 2022 value; a constant fixes it for every year
    downside = sim.load_scenario("scenarios/downside.yaml")
    assert "sei real growth" in downside.series
    fixed = sim.load_scenario("scenarios/downside.yaml", {"sei real growth": 0.07})
    assert fixed.constants["sei real growth"] == 0.07 and "sei real growth" not in fixed.series
    by_keyword = sim.load_scenario("scenarios/downside.yaml", sei_real_growth=0.07)
    assert by_keyword.constants == fixed.constants and by_keyword.series == fixed.series
    loaded = sim.simulate(downside, {"sei_real_growth": 0.07})
    assert "sei real growth" not in loaded.scenario.series
    from_file = sim.simulate("scenarios/downside.yaml", {"sei real growth": 0.07})
    pd.testing.assert_frame_equal(loaded.results, from_file.results)


def test_bad_constants_name_the_argument(repo_copy):
    with pytest.raises(InputError) as err:
        sim.simulate("scenarios/baseline.yaml",
                     {"sei real growh": 0.1, "services price growth": "fast"})
    assert str(err.value).splitlines() == [
        "constants: services price growth | must be a finite number; got 'fast'. Write a "
        "number, e.g. 0.05.",
        "constants: sei real growh | unknown parameter. Did you mean 'sei real growth'? Run "
        "'sim params' for the list.",
    ]


def test_write_writes_what_the_command_writes(repo_copy):
    result = sim.uncertainty_analysis("scenarios/baseline.yaml", samples=50, seed=3)
    dest = sim.write(result, "u", lang="en")
    assert dest.name == "u"
    written = pd.read_csv(dest / "probabilities.csv", encoding="utf-8-sig")
    assert list(written["id"]) == list(result.probabilities["id"])
    # services trade of each member: 848.9 grown five years at the member's drawn rate
    growth = pd.read_csv(dest / "samples.csv", encoding="utf-8-sig")["services trade growth"]
    trade = 848.9 * (1 + growth.to_numpy()) ** 5
    row = written.set_index("id").loc["services_trade"]
    assert [row["p5"], row["p50"], row["p95"]] == pytest.approx(
        np.percentile(trade, [5, 50, 95]), rel=1e-9)
    assert row["p_met"] == pytest.approx(np.mean(trade >= 1100), abs=1e-12)
    with pytest.raises(TypeError, match="cannot write a dict"):
        sim.write({}, "x")


def test_parameters_and_the_default_model_ship_with_the_package():
    table = sim.parameters()
    # the plan's 2020 baseline (plan_indicators.csv)
    assert table.set_index("name").loc["initial services va", "value"] == 7613.59
    assert sim.default_model().name == "qingdao_fyp.mdl" and sim.default_model().is_file()


def test_import_sim_loads_no_library_module():
    import subprocess
    import sys

    code = "import sys, sim; print(sorted(m for m in sys.modules if m.startswith(('sim.', "\
           "'pandas', 'numpy'))))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


def test_members_run_at_once_and_each_equals_its_single_run(repo_copy):
    members = pd.DataFrame({"sei_real_growth": [0.06, 0.10], "innovation loop strength": [0, 0]},
                           index=pd.Index(["slow", "fast"], name="case"))
    both = sim.simulate("scenarios/baseline.yaml", members=members)
    for case, growth in (("slow", 0.06), ("fast", 0.10)):
        one = sim.simulate("scenarios/baseline.yaml", {"sei real growth": growth,
                                                       "innovation loop strength": 0})
        pd.testing.assert_frame_equal(both.results.xs(case), one.results, rtol=1e-12)
        pd.testing.assert_frame_equal(both.indicators.xs(case), one.indicators, rtol=1e-12)
        mine = both.targets[both.targets["case"] == case].drop(columns="case")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), one.targets, rtol=1e-12)
        # exact growth with the loop off: the member's rate, every year
        assert both.indicators.xs(case)["sei_va_growth"].iloc[1:].tolist() == \
            pytest.approx([growth * 100] * 5, abs=1e-9)
    dest = both.write("m")
    assert {p.name for p in dest.iterdir()} == {"members.csv", "results.csv", "indicators.csv",
                                                "targets.csv", "results.xlsx", "scenario.yaml",
                                                "manifest.json"}
    written = pd.read_csv(dest / "indicators.csv", encoding="utf-8-sig",
                          index_col=["case", "year"])
    assert written.loc[("fast", 2025), "sei_va_growth"] == pytest.approx(10.0, abs=1e-9)


def test_bad_members_name_each_column(repo_copy):
    with pytest.raises(InputError) as err:
        sim.simulate("scenarios/baseline.yaml",
                     members={"sei real growh": [0.1], "hte exit rate": [1.5],
                              "finance real growth": [float("nan")]})
    assert str(err.value).splitlines() == [
        "members: sei real growh | unknown parameter. Did you mean 'sei real growth'? Run "
        "'sim params' for the list.",
        "members: hte exit rate | values 1.5 to 1.5 reach outside the model's range [0, 1] "
        "(1/Year). Keep them inside it.",
        "members: finance real growth | every value must be a number.",
    ]


def test_library_problems_name_arguments_not_command_line_options(repo_copy):
    with pytest.raises(InputError) as err:
        sim.uncertainty_analysis("scenarios/baseline.yaml", samples=3)
    assert str(err.value).startswith("samples: 3 | too few members: use at least ")
    # 5 years in steps of 1/128 are 640 steps a member; 40,000,000 / 640 = 62,500 members
    (repo_copy / "fine.yaml").write_text("extends: scenarios/upside.yaml\n"
                                         "time: {step: 0.0078125, saveper: 1}\n",
                                         encoding="utf-8")
    with pytest.raises(InputError) as err:
        sim.uncertainty_analysis("fine.yaml", samples=100_000)
    assert str(err.value) == ("samples: 100000 | 100,000 members of 640 steps each make "
                              "64,000,000 model steps; the limit is 40,000,000. Use at most "
                              "62,500 members.")


def test_load_scenario_applies_constants_and_names_an_unknown_one(repo_copy):
    # baseline.yaml leaves services price growth at the model's value, 0.025
    assert "services price growth" not in sim.load_scenario("scenarios/baseline.yaml").constants
    given = sim.load_scenario("scenarios/baseline.yaml",
                              constants={"services_price_growth": 0.031})
    assert given.constants["services price growth"] == 0.031
    unknown = {"servcies price growth": 0.03}
    with pytest.raises(InputError) as from_file:
        sim.load_scenario("scenarios/baseline.yaml", constants=unknown)
    with pytest.raises(InputError) as on_loaded:
        sim.simulate(given, unknown)
    message = ("constants: servcies price growth | unknown parameter. Did you mean 'services "
               "price growth'? Run 'sim params' for the list.")
    assert str(from_file.value) == str(on_loaded.value) == message
