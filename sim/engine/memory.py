"""Vensim functions that remember: TREND, FORECAST and SAMPLE IF TRUE as hidden states of the
batch engine's trees, each written as PySD's stateful object computes it, and the order of a
DELAY chain as PySD lowers it when the delay is shorter than its order times TIME STEP."""

from __future__ import annotations

from .translate import State


def _op(ops: str, *args) -> tuple:
    return ("op", tuple(ops.split()), args)


def trend(tr, node) -> tuple:
    """PySD's Trend: an average AV that starts at input / (1 + initial trend x average
    time) and moves by (input - AV) / average time; its value is
    ZIDZ(input - AV, average time x |AV|)."""
    inp, time_ = tr.expr(node.input), tr.expr(node.average_time)
    start = tr.expr(node.initial_trend)
    name = tr.hidden("trend")
    av = ("ref", name)
    tr.states.append(State(name, _op("/", inp, _op("+", ("num", 1), _op("*", start, time_))),
                           _op("/", _op("-", inp, av), time_)))
    return ("call", "zidz", (_op("-", inp, av), _op("*", time_, ("call", "abs", (av,)))))


def forecast(tr, node) -> tuple:
    """PySD's Forecast: AV starts at input / (1 + initial trend) and moves by (input - AV) /
    average time; its value is input x (1 + ZIDZ(input - AV, average time x AV) x
    horizon)."""
    inp, time_ = tr.expr(node.input), tr.expr(node.average_time)
    horizon, start = tr.expr(node.horizon), tr.expr(node.initial_trend)
    name = tr.hidden("forecast")
    av = ("ref", name)
    tr.states.append(State(name, _op("/", inp, _op("+", ("num", 1), start)),
                           _op("/", _op("-", inp, av), time_)))
    gain = ("call", "zidz", (_op("-", inp, av), _op("*", time_, av)))
    return _op("*", inp, _op("+", ("num", 1), _op("*", gain, horizon)))


def sample_if_true(tr, node) -> tuple:
    """PySD's SampleIfTrue: the input while the condition holds, else the value kept from
    the last step (the initial value until it first holds). The kept value is replaced at
    every step by state x 0 + that value, as PySD writes it (an infinite state turns NaN)."""
    cond, inp = tr.expr(node.condition), tr.expr(node.input)
    name = tr.hidden("sample")
    kept = ("ref", name)
    value = ("call", "if_then_else", (cond, inp, kept))
    tr.states.append(State(name, tr.expr(node.initial),
                           _op("+", _op("*", kept, ("num", 0)), value), kind="set"))
    return value


def delay_order(tr, node, n: int, time_: tuple) -> tuple:
    """The order of a DELAY chain of n stages, as PySD sets it at the start: lowered while
    order x TIME STEP exceeds the smallest delay time of the equation's elements (PySD's
    object spans them all). A hidden value read once; every element of one equation
    shares it."""
    orders = tr.delay_orders
    if id(node) not in orders:
        orders[id(node)] = State(tr.hidden("order"), ("call", "delay_order", (
            ("num", n), ("ref", "time_step"))), ("num", 0), "initial")
    state = orders[id(node)]
    if not any(s is state for s in tr.states):  # a trial translation may have dropped it
        tr.states.append(state)
    kind, fn, args = state.initial
    if time_ not in args[2:]:
        state.initial = (kind, fn, args + (time_,))
    return ("ref", state.name)


def last_stage(order: tuple, stages: list[str]) -> tuple:
    """The stage a DELAY chain flows out of: the one at its (possibly lowered) order."""
    if len(stages) == 1:
        return ("ref", stages[0])
    return ("call", "stage", (order,) + tuple(("ref", s) for s in stages))


# PySD's syntax structures, by class name, and the function that translates each
STRUCTURES = {"TrendStructure": trend, "ForecastStructure": forecast,
              "SampleIfTrueStructure": sample_if_true}
