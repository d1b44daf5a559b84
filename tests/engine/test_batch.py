"""The batch engine agrees with PySD, on our model and on standard test models."""

import warnings

import numpy as np
import pandas as pd
import pytest

from sim import engine, model, scenario
from sim.engine import batch

from ..conftest import MODEL, SCENARIOS, vensim_model

@pytest.mark.parametrize("name", ["baseline", "plan_path", "downside", "upside"])
def test_every_shipped_scenario_matches_pysd(name):
    s = scenario.load(SCENARIOS / f"{name}.yaml")
    ours = batch.run(s)
    theirs = engine.pysd_engine.run(s)
    assert list(ours.columns) == list(theirs.columns)
    assert list(ours.index) == list(theirs.index)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-9,
                               atol=0)


def test_random_members_at_once_match_pysd_one_by_one():
    info = model.info(MODEL)
    rng = np.random.default_rng(7)
    names = [n for n in info.parameters if not n.startswith("initial ")]
    n = 4
    draws = {}
    for name in names:
        p = info.parameters[name]
        lo = p.value * 0.8 if p.value > 0 else p.value - 0.01
        hi = p.value * 1.2 if p.value > 0 else p.value + 0.01
        lo = max(lo, p.minimum) if p.minimum is not None else lo
        hi = min(hi, p.maximum) if p.maximum is not None else hi
        draws[name] = lo + rng.random(n) * (hi - lo)
    c = batch.compiled(MODEL)
    base = scenario.load(SCENARIOS / "baseline.yaml")
    out = batch.simulate(c, {batch.key(k): v for k, v in draws.items()}, base.time)
    for member in range(n):
        one = scenario.with_values(base, "draw", constants={k: float(v[member])
                                                            for k, v in draws.items()})
        theirs = engine.pysd_engine.run(one)
        for name in theirs.columns:
            ours = out[batch.key(name)]
            ours = ours[:, member] if ours.ndim == 2 else ours
            np.testing.assert_allclose(ours, theirs[name].to_numpy(float), rtol=1e-9,
                                       err_msg=name)


def test_unsupported_models_fall_back_to_pysd_with_a_notice(tmp_path):
    mdl = tmp_path / "pt.mdl"
    mdl.write_text(vensim_model({"x": "Time + 0 * RANDOM UNIFORM(0, 1, 0)"}, final=6),
                   encoding="utf-8")
    (tmp_path / "s.yaml").write_text("model: pt.mdl\n", encoding="utf-8")
    s = scenario.load(tmp_path / "s.yaml")
    with pytest.raises(batch.Unsupported, match="random numbers \\(RANDOM UNIFORM: "):
        batch.run(s)
    results, used, notice = engine.run_with(s)
    assert used == "pysd"
    assert notice == ("pt.mdl uses random numbers (RANDOM UNIFORM: PySD draws them from "
                      "numpy's unseeded global generator and ignores the seed, so its draws "
                      "cannot be reproduced), which the batch engine does not support; it ran "
                      "with PySD.")
    assert list(results["x"]) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def _equation(name, expr, units=""):
    return f"{name} = {expr}\n\t~\t{units}\n\t~\t\n\t|\n"


def test_delays_smooths_and_input_functions_match_pysd(tmp_path):
    """Each supported function in one model, checked against PySD step by step."""
    eqs = [
        ("input", "5 + STEP(10, 3) + RAMP(2, 4, 8) + PULSE(6, 2) * 7"),
        ("delay time", "2 + 0 * Time"),
        ("d1", "DELAY1(input, delay time)"), ("d3", "DELAY3(input, 4)"),
        ("d1i", "DELAY1I(input, 3, 1)"), ("d3i", "DELAY3I(input, 3, 2)"),
        ("s1", "SMOOTH(input, 2)"), ("s3", "SMOOTH3(input, 3)"),
        ("s1i", "SMOOTHI(input, 2, 10)"), ("s3i", "SMOOTH3I(input, 3, 0)"),
        ("first", "INITIAL(input + 1)"),
        ("looked up", "table(Time)"), ("inline", "WITH LOOKUP(Time, ([(0,0)-(9,9)],(0,1),(9,4)))"),
        ("mixed", "MIN(d1, MAX(s1, 3)) + ABS(-s3) + EXP(-Time / 10) + LN(1 + Time) "
                  "+ IF THEN ELSE(Time > 4 :AND: Time < 8, 1, -1) + XIDZ(1, Time - 5, 0) "
                  "+ ZIDZ(Time, 0) + SQRT(Time)"),
        ("stock", "INTEG(input - stock / delay time, first)"),
        ("INITIAL TIME", "0"), ("FINAL TIME", "12"), ("TIME STEP", "0.25"),
        ("SAVEPER", "TIME STEP"),
    ]
    mdl = tmp_path / "functions.mdl"
    table = "table(\n\t[(0,0)-(10,10)],(0,0),(5,8),(10,10))\n\t~\t\n\t~\t\n\t|\n"
    mdl.write_text("{UTF-8}\n" + table + "".join(_equation(n, e) for n, e in eqs),
                   encoding="utf-8")
    (tmp_path / "s.yaml").write_text("model: functions.mdl\n", encoding="utf-8")
    s = scenario.load(tmp_path / "s.yaml")
    ours = batch.run(s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = engine.pysd_engine.run(s)
    assert list(ours.columns) == list(theirs.columns)
    np.testing.assert_allclose(ours.to_numpy(float), theirs.to_numpy(float), rtol=1e-9,
                               atol=1e-12)
    assert len(ours) == 49


def test_series_with_a_value_per_member_match_pysd_member_by_member():
    """A series may give each member its own value in some years (a shock drawn per
    member): member m matches PySD run with member m's values."""
    import math
    from dataclasses import replace

    base = scenario.load(SCENARIOS / "baseline.yaml")
    shock = np.array([0.02, 0.05, 0.11])
    growth = np.array([0.07, 0.08, 0.09])
    c = batch.compiled(MODEL)

    def sei(t):
        year = int(math.floor(t + 1e-9)) + 1
        return shock if year == 2022 else 0.08

    out = batch.simulate(c, {"consumer_services_real_growth": growth}, base.time,
                         {"sei_real_growth": sei}, ["sei_va_real", "gdp"])
    assert out["sei_va_real"].shape == (len(out["time"]), 3)
    for m in range(3):
        member = replace(base, constants={**base.constants,
                                          "consumer services real growth": growth[m]},
                         series={"sei real growth": {2022: shock[m]}})
        theirs = engine.pysd_engine.run(member)
        for name, column in (("sei_va_real", "sei va real"), ("gdp", "gdp")):
            np.testing.assert_allclose(out[name][:, m], theirs[column].to_numpy(float),
                                       rtol=1e-12, err_msg=column)
    assert out["sei_va_real"][-1, 0] < out["sei_va_real"][-1, 2]


def test_outputs_keep_only_the_variables_asked_for_with_the_same_values():
    base = scenario.load(SCENARIOS / "baseline.yaml")
    c = batch.compiled(MODEL)
    params = {"sei_real_growth": np.array([0.05, 0.08]), "finance_real_growth": 0.07}
    every = batch.simulate(c, params, base.time)
    some = batch.simulate(c, params, base.time, outputs=["gdp", "sei_va_real"])
    assert sorted(some) == ["gdp", "sei_va_real", "time"]
    for name in ("gdp", "sei_va_real"):
        np.testing.assert_array_equal(some[name], every[name])
    with pytest.raises(KeyError, match="not variables of the model: no_such_thing"):
        batch.simulate(c, params, base.time, outputs=["no_such_thing"])


def test_ensemble_outputs_match_a_full_run():
    from sim import ensemble

    base = scenario.load(SCENARIOS / "baseline.yaml")
    draws = pd.DataFrame({"sei real growth": [0.05, 0.08, 0.1],
                          "finance real growth": [0.06, 0.07, 0.08]})
    full = ensemble.run(base, draws)
    some = ensemble.run(base, draws, outputs=["gdp"])
    assert list(some.values) == ["gdp"]
    np.testing.assert_array_equal(some.values["gdp"], full.values["gdp"])
    np.testing.assert_array_equal(some.times, full.times)
    assert full.values["gdp"].shape == (len(full.times), 3)


def test_a_delay_pysd_lowers_runs_and_a_run_the_batch_engine_declines_falls_back(tmp_path):
    """A DELAY3 of 1 with a TIME STEP of 0.5: PySD lowers the order to 2 and so does the
    batch engine. A DELAY FIXED whose delay time differs between members is declined at
    the start of the run, and the ensemble runs with PySD."""
    from sim import ensemble

    mdl = tmp_path / "d.mdl"
    mdl.write_text(vensim_model({"x": "DELAY3(height, 1)", "height": "base + Time",
                                 "base": "1", "y": "DELAY FIXED(height, base, 0)"},
                                step=0.5, saveper=0.5), encoding="utf-8")
    (tmp_path / "s.yaml").write_text("model: d.mdl\n", encoding="utf-8")
    s = scenario.load(tmp_path / "s.yaml")
    results, used, notice = engine.run_with(s)
    assert (used, notice) == ("batch", None)
    # PySD's two stages, each holding input x delay time (1 at the start), flowing out at
    # stage / delay time, with Euler steps worked out by hand: 1, 1, 1, 1.5, 2
    stages, expected = np.array([1.0, 1.0]), []
    for k in range(5):
        expected.append(stages[-1] / 1)
        inflow = np.array([1 + 0.5 * k, stages[0] / 1])
        stages = stages + (inflow - stages / 1) * 2 * 0.5
    assert expected == [1.0, 1.0, 1.0, 1.5, 2.0]
    np.testing.assert_allclose(results["x"].to_numpy(float), expected, rtol=1e-12)
    ens = ensemble.run(s, pd.DataFrame({"base": [1.0, 2.0]}))
    assert ens.engine == "pysd"
    assert ens.notice == ("d.mdl uses a DELAY FIXED whose delay time differs between "
                          "members or elements, which the batch engine does not support; its "
                          "2 members ran one by one with PySD.")
    # the input of 1 (base 1) and 2 (base 2) TIME STEPs before, 0 until then
    np.testing.assert_allclose(ens.values["y"], [[0, 0], [0, 0], [1, 0], [1.5, 0], [2, 2]])
