"""TREND, FORECAST, SAMPLE IF TRUE, GET TIME VALUE, GAME and a DELAY whose order PySD lowers:
the batch engine against values worked out by hand (and against PySD where that is the
reference), for one member and for several at once."""

import math

import numpy as np
import pytest

from sim.engine import batch

from . import vensim_models as vm

TIME = {"initial": 0.0, "final": 3.0, "step": 0.25, "saveper": 0.25}
T = np.arange(13) * 0.25


def _model(tmp_path, equations: dict[str, str]):
    controls = {"INITIAL TIME": "0", "FINAL TIME": "3", "TIME STEP": "0.25",
                "SAVEPER": "TIME STEP"}
    body = "".join(f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n" for n, e in {**equations,
                                                                  **controls}.items())
    mdl = tmp_path / "m.mdl"
    mdl.write_text("{UTF-8}\n" + body, encoding="utf-8")
    return mdl


def _run(mdl, params=None):
    return batch.simulate(batch.compile_model(mdl), params or {}, TIME)


def test_trend_of_an_exponential_input_stays_at_its_growth_per_step(tmp_path):
    """With input e^(g t) and an initial trend (e^(g dt) - 1) / dt, the average is a fixed
    fraction c of the input at every Euler step (c r = c + (1 - c) dt / T with r = e^(g dt)),
    so TREND = (1 - c) / (T c) = (r - 1) / dt throughout; from an initial trend of 0 it
    starts at 0."""
    mdl = _model(tmp_path, {"input": "EXP(0.1 * Time)",
                            "steady": "TREND(input, avg, (EXP(0.1 * 0.25) - 1) / 0.25)",
                            "cold": "TREND(input, avg, 0)", "avg": "2"})
    c = batch.compile_model(mdl)
    out = batch.simulate(c, {}, TIME)
    np.testing.assert_allclose(out["steady"], (math.exp(0.025) - 1) / 0.25, rtol=1e-9)
    # from 0: the average starts at the input, then moves (1 - 1) x dt / 2 = 0
    assert out["cold"][0] == 0.0
    assert out["cold"][1] == pytest.approx((math.exp(0.025) - 1) / 2, rel=1e-12)
    both = batch.simulate(c, {"avg": np.array([2.0, 0.5])}, TIME)
    np.testing.assert_allclose(both["steady"], (math.exp(0.025) - 1) / 0.25, rtol=1e-9)
    np.testing.assert_array_equal(both["cold"][:, 0], out["cold"])
    assert both["cold"][1, 1] == pytest.approx((math.exp(0.025) - 1) / 0.5, rel=1e-12)


def test_forecast_of_a_ramp_by_hand(tmp_path):
    """FORECAST(1 + Time, 1, 2): AV starts at the input (initial trend 0) and follows it by
    (input - AV) x 0.25 per step; the forecast is input x (1 + (input - AV) / AV x 2)."""
    mdl = _model(tmp_path, {"f": "FORECAST(1 + Time, 1, 2)", "flat": "FORECAST(4, 1, 2)"})
    out = _run(mdl)
    assert out["f"][0] == 1.0
    assert out["f"][1] == pytest.approx(1.25 * (1 + 0.25 / 1 * 2), rel=1e-15)  # AV still 1
    av = 1 + (1.25 - 1) * 0.25
    assert out["f"][2] == pytest.approx(1.5 * (1 + (1.5 - av) / av * 2), rel=1e-15)
    np.testing.assert_array_equal(out["flat"], 4.0)  # a constant forecasts itself
    mdl = _model(tmp_path, {"f": "FORECAST(1 + Time, 1, horizon)", "horizon": "2"})
    both = batch.simulate(batch.compile_model(mdl), {"horizon": np.array([2.0, 0.0])}, TIME)
    np.testing.assert_array_equal(both["f"][:, 0], out["f"])
    np.testing.assert_array_equal(both["f"][:, 1], 1 + T)  # no horizon: the input itself


def test_sample_if_true_holds_its_last_sample(tmp_path):
    """Sampled while 0.5 <= Time < 1 (2 x Time: 1.0, 1.5), held at 1.5 afterwards, and the
    initial value (different per member) before."""
    mdl = _model(tmp_path, {"init": "5",
                            "s": "SAMPLE IF TRUE(Time >= 0.5 :AND: Time < 1, 2 * Time, init)"})
    c = batch.compile_model(mdl)
    one = batch.simulate(c, {}, TIME)["s"]
    np.testing.assert_array_equal(one, [5, 5, 1.0, 1.5] + [1.5] * 9)
    two = batch.simulate(c, {"init": np.array([5.0, 7.0])}, TIME)["s"]
    np.testing.assert_array_equal(two[:, 1], [7, 7, 1.0, 1.5] + [1.5] * 9)
    np.testing.assert_array_equal(two[:, 0], one)


def test_sample_if_true_of_a_stock(tmp_path):
    """Sampling a stock while it is below 1, in steps of 0.25 from 0: 0, 0.25, 0.5, 0.75,
    then 0.75 held."""
    mdl = _model(tmp_path, {"stock": "INTEG(1, 0)", "s": "SAMPLE IF TRUE(stock < 1, stock, 9)"})
    np.testing.assert_array_equal(_run(mdl)["s"], [0, 0.25, 0.5, 0.75] + [0.75] * 9)


def test_get_time_value_and_game(tmp_path):
    """GET TIME VALUE(0, offset, 0) is the current time plus the offset; GAME(x) is x."""
    mdl = _model(tmp_path, {"g": "GET TIME VALUE(0, -2, 0)", "x": "GAME(3 * Time)",
                            "stock": "INTEG(GAME(2), 1)"})
    out = _run(mdl)
    np.testing.assert_array_equal(out["g"], T - 2)
    np.testing.assert_array_equal(out["x"], 3 * T)
    np.testing.assert_array_equal(out["stock"], 1 + 2 * T)


@pytest.mark.parametrize("relative, measure", [(1, 0), (0, 1), (2, 3)])
def test_get_time_value_pysd_does_not_implement_is_unsupported(tmp_path, relative, measure):
    mdl = _model(tmp_path, {"g": f"GET TIME VALUE({relative}, 0, {measure})"})
    with pytest.raises(batch.Unsupported, match="GET TIME VALUE"):
        batch.compile_model(mdl)


def _delay(order: int, delay: float, inputs) -> list[float]:
    """A DELAY chain of `order` stages, Euler with dt 0.25, each stage holding delay
    time x its outflow, the input changing at each step."""
    stages = [0.0] * order
    out = []
    for x in inputs:
        out.append(stages[-1] / delay)
        flows = [x] + [s / delay for s in stages]
        stages = [s + (flows[i] - flows[i + 1]) * order * 0.25 for i, s in enumerate(stages)]
    return out


def test_a_delay_shorter_than_its_order_times_time_step_runs_at_a_lower_order(tmp_path):
    """DELAY3 over 0.5 with TIME STEP 0.25: 3 x 0.25 > 0.5, so PySD lowers the order to 2
    (2 x 0.25 is not above 0.5); over 1.0 it keeps 3. Vensim keeps 3 in both (the SDXorg
    model `arguments` differs from PySD there); the batch engine follows PySD, per member."""
    mdl = _model(tmp_path, {"d": "DELAY3(STEP(1, 0.5), delay time)", "delay time": "0.5"})
    steps = [float(t >= 0.5) for t in T]
    c = batch.compile_model(mdl)
    out = batch.simulate(c, {}, TIME)["d"]
    np.testing.assert_allclose(out, _delay(2, 0.5, steps), rtol=1e-14, atol=1e-15)
    assert not np.allclose(out, _delay(3, 0.5, steps))
    both = batch.simulate(c, {"delay_time": np.array([0.5, 1.0])}, TIME)["d"]
    np.testing.assert_allclose(both[:, 0], _delay(2, 0.5, steps), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(both[:, 1], _delay(3, 1.0, steps), rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(out, vm.pysd_results(mdl)[1]["d"])


def test_a_subscripted_delay_lowers_every_element_to_the_shortest_ones_order(tmp_path):
    """PySD's DELAY object spans all elements of its equation and lowers the order for the
    smallest delay time: element B (delay 1.0, order 3 alone) runs at order 2 too."""
    body = ("{UTF-8}\ndim: A, B\n\t~\t\n\t~\t\n\t|\n"
            "delay time[dim] = 0.5, 1.0\n\t~\t\n\t~\t\n\t|\n"
            "d[dim] = DELAY3(STEP(1, 0.5), delay time[dim])\n\t~\t\n\t~\t\n\t|\n")
    body += "".join(f"{n} = {e}\n\t~\t\n\t~\t\n\t|\n" for n, e in {
        "INITIAL TIME": "0", "FINAL TIME": "3", "TIME STEP": "0.25",
        "SAVEPER": "TIME STEP"}.items())
    mdl = tmp_path / "m.mdl"
    mdl.write_text(body, encoding="utf-8")
    out = _run(mdl)
    steps = [float(t >= 0.5) for t in T]
    np.testing.assert_allclose(out["d[B]"], _delay(2, 1.0, steps), rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(out["d[B]"], vm.pysd_results(mdl)[1]["d[B]"])


def test_sample_if_true_between_saved_times_follows_vensim(tmp_path):
    """With SAVEPER 0.5 and TIME STEP 0.25, PySD evaluates SAMPLE IF TRUE's condition for
    the unsaved steps after the stock has moved on (it caches values only when it saves
    them), and so keeps 0 at Time 0.5 where Vensim keeps the sample of Time 0.25; the
    batch engine samples every step at its own time, as Vensim does."""
    mdl = _model(tmp_path, {"stock": "INTEG(1, 0)",
                            "s": "SAMPLE IF TRUE(MODULO(stock, 1) < 0.3, Time, -1)"})
    out = batch.simulate(batch.compile_model(mdl), {}, dict(TIME, saveper=0.5))
    # sampled at 0, 0.25 (stock 0.25 < 0.3), held at 0.5; sampled at 1, 1.25, held at 1.5
    np.testing.assert_array_equal(out["s"], [0, 0.25, 1, 1.25, 2, 2.25, 3])
