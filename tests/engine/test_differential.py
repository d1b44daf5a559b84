"""The batch engine against PySD on random models, and on each model such a search has
found them to differ (kept as fixed regression tests, with the value worked out by hand)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from sim.engine import batch

from . import vensim_models as vm

TIME = {"initial": 0.0, "final": 3.0, "step": 0.25, "saveper": 0.25}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # hypothesis's report formatter
@settings(max_examples=120, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
@given(vm.models())
def test_random_models_agree_with_pysd(tmp_path_factory, text):
    mdl = tmp_path_factory.mktemp("random") / "m.mdl"
    mdl.write_text(text, encoding="utf-8")
    try:
        problems = vm.disagreements(mdl)
    except vm.PySDFailed:
        return  # PySD itself raises on this model: nothing to compare with
    assert problems == [], text


def _model(tmp_path, equations: dict[str, str]) -> object:
    """A model file; an equation starting with "([(" defines a lookup table."""
    controls = {"INITIAL TIME": "0", "FINAL TIME": "3", "TIME STEP": "0.25",
                "SAVEPER": "TIME STEP"}
    body = "".join(f"{n}{e}\n\t~\t\n\t~\t\n\t|\n" if e.startswith("([(") else
                   f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n"
                   for n, e in {**equations, **controls}.items())
    mdl = tmp_path / "m.mdl"
    mdl.write_text("{UTF-8}\n" + body, encoding="utf-8")
    return mdl


def _both(mdl, name):
    ours = batch.simulate(batch.compile_model(mdl), {}, TIME)[name]
    _, theirs = vm.pysd_results(mdl)
    return np.asarray(ours, float), theirs[name]


@pytest.mark.parametrize("expr, expected", [
    ("-2^2", -4.0),  # a negative literal as the base: PySD writes -2**2
    ("2^3^2", 512.0),  # PySD groups powers from the right
    ("c - -c^2", 12.0),
    ("c^-1 * 3", 1.0),
    ("-c^2", -9.0),
    ("(3 > 2) + (3 > 2)", 2.0),  # comparisons add as numbers, not as logical OR
    ("-(3 > 2)", -1.0),
    ("MODULO(-7, 3)", -1.0),  # MODULO keeps the sign of x (x - QUANTUM(x, m))
    ("MODULO(7, -3)", 0.0),  # and is 0 for m below SMALL_VENSIM
    ("QUANTUM(-7, 3)", -6.0),
    ("INTEGER(-2.5)", -2.0),
    # PySD's INTEGER is Python's int(): no negative zero, so dividing by it gives +inf
    ("WITH LOOKUP(Time, ([(0,0)-(4,4)],(0,3),(4,3))) / QUANTUM(-0.0000001, 2)", np.inf),
    ("WITH LOOKUP(Time, ([(0,0)-(4,4)],(0,3),(4,3))) / INTEGER(-0.5)", np.inf),
    ("IF THEN ELSE(c > 1, 1, 1 / 0)", 1.0),  # the branch not taken may divide by zero
    ("IF THEN ELSE(c > 1, 1, Time ^ -1)", 1.0),  # even by Time, 0 at the start
    ("tab(LN(-1))", 1.0),  # a lookup at NaN gives its first value, as in PySD
    ("WITH LOOKUP(LN(-1), ([(0,0)-(2,2)],(0,1),(2,2)))", np.nan),  # an inline one NaN
    ("c > 1 :AND: c < 2 :OR: c = 3", 1.0),
    ("LOG(8, 2)", 3.0),
    ("PULSE(0, 5) ^ (-1)", 1.0),  # PULSE is a number numpy may raise to a negative power
])
def test_expressions_found_to_differ_now_agree(tmp_path, expr, expected):
    mdl = _model(tmp_path, {"tab": "([(-2,-1)-(4,3)],(-2,1),(0,0),(4,3))", "c": "3",
                            "x": expr})
    ours, theirs = _both(mdl, "x")
    np.testing.assert_allclose(theirs, expected, rtol=1e-15)  # the value worked out by hand
    np.testing.assert_array_equal(ours, theirs)


def test_quoted_names_and_na(tmp_path):
    mdl = _model(tmp_path, {'"effect of time-on-growth"': "([(0,0)-(10,10)],(0,1),(10,2))",
                            "growth": '"effect of time-on-growth"(Time) + 0 * :NA:',
                            "missing": ":NA:"})
    ours, theirs = _both(mdl, "growth")
    np.testing.assert_array_equal(ours, np.full(13, np.nan))
    np.testing.assert_array_equal(np.isnan(theirs), np.isnan(ours))
    mdl = _model(tmp_path, {'"effect of time-on-growth"': "([(0,0)-(10,10)],(0,1),(10,2))",
                            "growth": '"effect of time-on-growth"(Time)'})
    ours, theirs = _both(mdl, "growth")
    np.testing.assert_allclose(ours, 1 + np.arange(13) * 0.25 / 10, rtol=1e-15)
    np.testing.assert_array_equal(ours, theirs)


def test_smoothi_with_an_integer_initial_value_follows_vensim(tmp_path):
    """PySD keeps the stages of SMOOTH3I(0.7, 1.5, 0) in an integer array, so that they
    never move (and SMOOTHI's lags a step); Vensim and the batch engine smooth towards 0.7
    from the first step."""
    mdl = _model(tmp_path, {"s": "SMOOTH3I(0.7, 1.5, 0)", "s1": "SMOOTHI(0.7, 1.5, 0)"})
    out = batch.simulate(batch.compile_model(mdl), {}, TIME)
    stage = np.zeros(3)
    expected_s, expected_s1, one = [], [], 0.0
    for _ in range(13):
        expected_s.append(stage[-1])
        expected_s1.append(one)
        stage = stage + (np.concatenate([[0.7], stage[:-1]]) - stage) * 3 / 1.5 * 0.25
        one = one + (0.7 - one) * 1 / 1.5 * 0.25
    np.testing.assert_allclose(out["s"], expected_s, rtol=1e-14)
    np.testing.assert_allclose(out["s1"], expected_s1, rtol=1e-14)


def test_delay_n_and_smooth_n_with_a_changing_delay_and_an_order_read_at_the_start(tmp_path):
    """PySD reads the order once (3 here, as Time = 0 < 10) and shifts the delay time along
    the stages; the batch engine gives the same numbers."""
    mdl = _model(tmp_path, {"input": "1 + STEP(4, 1) + Time", "order": "3 + STEP(1, 10)",
                            "delay time": "1 + STEP(1, 1.5)",
                            "d": "DELAY N(input, delay time, 2, order)",
                            "s": "SMOOTH N(input, delay time, 2, order)"})
    c = batch.compile_model(mdl)
    assert sum(s.name.startswith("_delay_time") for s in c.states) == 3
    out = batch.simulate(c, {}, TIME)
    _, theirs = vm.pysd_results(mdl)
    for name in ("d", "s"):
        np.testing.assert_allclose(out[name], theirs[name], rtol=1e-13, err_msg=name)
    assert out["d"][0] == 2.0 and out["s"][0] == 2.0
