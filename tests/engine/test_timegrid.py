"""Time settings given by equations on the batch engine, with grids worked out by hand and
equal to PySD's."""

import numpy as np
import pandas as pd
import pytest

from sim import engine, ensemble, scenario
from sim.engine import batch, timegrid

from . import vensim_models as vm


def _model(tmp_path, controls: dict, equations: dict | None = None) -> object:
    equations = {"rate": "2", "stock": "INTEG(rate, 0)", **(equations or {}), **controls}
    body = "".join(f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n" for n, e in equations.items())
    mdl = tmp_path / "m.mdl"
    mdl.write_text("{UTF-8}\n" + body, encoding="utf-8")
    return mdl


SPAN = {"span": "2", "INITIAL TIME": "0", "FINAL TIME": "INITIAL TIME + span",
        "TIME STEP": "span / 8", "SAVEPER": "TIME STEP * 2"}
DEFAULTS = {"initial": 0.0, "final": 2.0, "step": 0.25, "saveper": 0.5}


def test_settings_built_from_constants_follow_them(tmp_path):
    c = batch.compile_model(_model(tmp_path, SPAN))
    assert timegrid.controls(c).defaults == DEFAULTS
    out = batch.simulate(c, {}, DEFAULTS)
    np.testing.assert_array_equal(out["time"], [0, 0.5, 1, 1.5, 2])
    np.testing.assert_array_equal(out["stock"], [0, 1, 2, 3, 4])
    out = batch.simulate(c, {"span": 4}, DEFAULTS)  # TIME STEP 0.5, FINAL TIME 4, SAVEPER 1
    np.testing.assert_array_equal(out["time"], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(out["stock"], [0, 2, 4, 6, 8])
    np.testing.assert_array_equal(out["time_step"], [0.5] * 5)
    # a scenario's FINAL TIME other than the model's holds; the others follow the equations
    out = batch.simulate(c, {"span": 4}, {**DEFAULTS, "final": 1.0})
    np.testing.assert_array_equal(out["time"], [0, 1])
    np.testing.assert_array_equal(out["stock"], [0, 2])


def test_members_with_different_grids_are_declined(tmp_path):
    c = batch.compile_model(_model(tmp_path, SPAN))
    with pytest.raises(batch.Unsupported, match="a FINAL TIME that differs between members"):
        batch.simulate(c, {"span": np.array([2.0, 4.0])}, DEFAULTS)
    out = batch.simulate(c, {"span": np.array([4.0, 4.0]), "rate": np.array([1.0, 2.0])},
                         DEFAULTS)
    np.testing.assert_array_equal(out["stock"][-1], [4, 8])


def test_both_runners_follow_a_scenario_constant_in_the_settings(tmp_path):
    _model(tmp_path, SPAN)
    (tmp_path / "s.yaml").write_text("model: m.mdl\nconstants:\n  span: 4\n",
                                     encoding="utf-8")
    s = scenario.load(tmp_path / "s.yaml")
    ours, theirs = batch.run(s), engine.pysd_engine.run(s)
    np.testing.assert_array_equal(ours.index, [0, 1, 2, 3, 4])
    assert ours.equals(theirs)
    members = ensemble.run(s, pd.DataFrame({"rate": [1.0, 3.0]}), outputs=["stock"])
    assert members.engine == "batch"
    np.testing.assert_array_equal(members.values["stock"][-1], [4, 12])


def test_a_saveper_of_time_step_follows_the_scenario_time_step(tmp_path):
    _model(tmp_path, {"INITIAL TIME": "0", "FINAL TIME": "2", "TIME STEP": "1",
                      "SAVEPER": "TIME STEP"})
    (tmp_path / "s.yaml").write_text("model: m.mdl\ntime:\n  step: 0.5\n", encoding="utf-8")
    s = scenario.load(tmp_path / "s.yaml")
    assert s.time["saveper"] == 1  # the model's value, as the scenario reports it
    ours, theirs = batch.run(s), engine.pysd_engine.run(s)
    np.testing.assert_array_equal(ours.index, [0, 0.5, 1, 1.5, 2])  # saved at every step
    np.testing.assert_array_equal(ours["SAVEPER"], [0.5] * 5)
    assert ours.equals(theirs)


def test_a_final_time_of_time_stops_the_run(tmp_path):
    mdl = _model(tmp_path, {"INITIAL TIME": "0", "FINAL TIME": "IF THEN ELSE(Time >= 1.5, "
                            "Time, 10)", "TIME STEP": "0.5", "SAVEPER": "TIME STEP"})
    c = batch.compile_model(mdl)
    out = batch.simulate(c, {}, {"initial": 0.0, "final": 10.0, "step": 0.5, "saveper": 0.5})
    np.testing.assert_array_equal(out["time"], [0, 0.5, 1, 1.5])
    np.testing.assert_array_equal(out["final_time"], [10, 10, 10, 1.5])
    times, theirs = vm.pysd_results(mdl)
    np.testing.assert_array_equal(times, out["time"])
    np.testing.assert_array_equal(theirs["FINAL TIME"], out["final_time"])


def test_a_time_step_that_changes_drives_each_step(tmp_path):
    mdl = _model(tmp_path, {"INITIAL TIME": "0", "FINAL TIME": "2",
                            "TIME STEP": "IF THEN ELSE(Time < 1, 0.5, 0.25)",
                            "SAVEPER": "TIME STEP"}, {"rate": "1"})
    c = batch.compile_model(mdl)
    out = batch.simulate(c, {}, {"initial": 0.0, "final": 2.0, "step": 0.5, "saveper": 0.5})
    expected = [0, 0.5, 1, 1.25, 1.5, 1.75, 2]
    np.testing.assert_array_equal(out["time"], expected)
    np.testing.assert_array_equal(out["stock"], expected)  # the integral of 1
    np.testing.assert_array_equal(out["time_step"], [0.5, 0.5] + [0.25] * 5)
    times, theirs = vm.pysd_results(mdl)
    np.testing.assert_array_equal(times, expected)
    np.testing.assert_array_equal(theirs["stock"], expected)


def test_a_final_time_of_a_stock_is_declined(tmp_path):
    mdl = _model(tmp_path, {"INITIAL TIME": "0", "FINAL TIME": "IF THEN ELSE(stock > 2.5, "
                            "Time, 10)", "TIME STEP": "0.5", "SAVEPER": "TIME STEP"})
    with pytest.raises(batch.Unsupported, match="a FINAL TIME that depends on the model's "
                       "stocks or delays"):
        batch.compile_model(mdl)
