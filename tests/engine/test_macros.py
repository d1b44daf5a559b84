"""Macros on the batch engine: each call its own copy of the macro's equations, with values
worked out by hand and equal to PySD's."""

import numpy as np
import pytest

from sim.engine import batch

from . import vensim_models as vm

TIME = {"initial": 0.0, "final": 2.0, "step": 0.5, "saveper": 0.5}
MACROS = """{UTF-8}
:MACRO: SCALE(input, factor)
SCALE = input * factor + offset
\t~\t\n\t~\t\n\t|
offset = 1
\t~\t\n\t~\t\n\t|
:END OF MACRO:
:MACRO: ACCUMULATE(inflow, start)
ACCUMULATE = INTEG(inflow, start)
\t~\t\n\t~\t\n\t|
:END OF MACRO:
:MACRO: TWICE(input)
TWICE = SCALE(input, 2)
\t~\t\n\t~\t\n\t|
:END OF MACRO:
"""


def _model(tmp_path, equations: dict) -> object:
    controls = {"INITIAL TIME": "0", "FINAL TIME": "2", "TIME STEP": "0.5",
                "SAVEPER": "TIME STEP"}
    body = "".join(f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n" for n, e in {**equations,
                                                                    **controls}.items())
    mdl = tmp_path / "m.mdl"
    mdl.write_text(MACROS + body, encoding="utf-8")
    return mdl


@pytest.fixture
def model(tmp_path):
    return _model(tmp_path, {
        "a": "2", "b": "3",
        "x": "SCALE(a, b)",  # 2 * 3 + 1
        "y": "SCALE(b, 10)",  # 3 * 10 + 1
        "both": "SCALE(a, b) + SCALE(b + 1, 10)",  # 7 + 41: two calls in one equation
        "s1": "ACCUMULATE(a, 0)",  # 2 t
        "s2": "ACCUMULATE(Time, b)",  # 3 + the Euler sum of Time: 3 + 0.5 (0 + 0.5 + ...)
        "nested": "TWICE(a + b)",  # 5 * 2 + 1
    })


def test_each_call_has_its_own_copy(model):
    c = batch.compile_model(model)
    out = batch.simulate(c, {}, TIME)
    np.testing.assert_array_equal(out["time"], [0, 0.5, 1, 1.5, 2])
    assert out["x"][0] == 7 and out["y"][0] == 31 and out["both"][0] == 48
    assert out["nested"][0] == 11
    np.testing.assert_array_equal(out["s1"], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(out["s2"], [3, 3, 3.25, 3.75, 4.5])
    # the copies stay hidden, as PySD reports no variable of a macro
    assert [k for k in c.outputs() if "macro" in k or k in ("offset", "scale")] == []


def test_calls_follow_members_and_agree_with_pysd(model):
    c = batch.compile_model(model)
    out = batch.simulate(c, {"a": np.array([2.0, -1.0]), "b": np.array([3.0, 0.5])}, TIME)
    np.testing.assert_array_equal(out["x"][0], [7, 0.5])  # -1 * 0.5 + 1
    np.testing.assert_array_equal(out["s1"][:, 1], [0, -0.5, -1, -1.5, -2])
    times, theirs = vm.pysd_results(model)
    ours = batch.simulate(c, {}, TIME)
    np.testing.assert_array_equal(ours["time"], times)
    for py, real in c.real_names.items():
        if real in theirs:
            np.testing.assert_array_equal(np.broadcast_to(ours[py], times.shape), theirs[real])


def test_a_macro_reading_a_model_variable_is_declined(tmp_path):
    mdl = _model(tmp_path, {"a": "2", "x": "SCALE(a, 2)"})
    mdl.write_text(mdl.read_text(encoding="utf-8").replace("+ offset", "+ a"),
                   encoding="utf-8")
    with pytest.raises(batch.Unsupported, match="a macro's reference to a, which is not"):
        batch.compile_model(mdl)
