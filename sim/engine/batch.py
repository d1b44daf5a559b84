"""A numpy engine that runs N parameter sets at once, built from PySD's abstract model.

PySD parses the .mdl into an abstract model (expressions as syntax trees). This module turns
each expression into a numpy expression, orders the auxiliaries by their dependencies and
integrates every stock with Euler steps exactly as PySD does, so that the two engines agree
to rounding. Every variable is a scalar or an array over the N members; one loop over time
advances them all. Models that use anything outside the supported subset raise Unsupported,
naming what is missing, so that callers can fall back to PySD.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

SMALL_VENSIM = 1e-6  # PySD's threshold in XIDZ, ZIDZ and PULSE
CONTROLS = ("initial_time", "final_time", "time_step", "saveper")


class Unsupported(Exception):
    """The model uses a construct the batch engine does not implement."""


def _step(t, dt, value, tstep):
    return value * (t + dt / 2 > tstep)


def _ramp(t, slope, start, finish=None):
    final = t if finish is None else np.minimum(finish, t)
    return (t + SMALL_VENSIM > start) * slope * (final - start)


def _pulse(t, start, width):
    out = np.where((start - SMALL_VENSIM <= t) & (t < start + width), 1.0, 0.0)
    return out if np.ndim(out) else float(out)


def _xidz(a, b, x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(b) < SMALL_VENSIM, x, a / np.where(b == 0, 1, b))


def _zidz(a, b):
    return _xidz(a, b, 0.0)


def _where(condition, yes, no):
    out = np.where(condition, yes, no)
    return out if np.ndim(out) else float(out)


FUNCTIONS = {
    "min": "np.minimum", "max": "np.maximum", "abs": "np.abs", "exp": "np.exp", "ln": "np.log",
    "sqrt": "np.sqrt", "sin": "np.sin", "cos": "np.cos", "tan": "np.tan",
    "arcsin": "np.arcsin", "arccos": "np.arccos", "arctan": "np.arctan", "integer": "np.trunc", "modulo": "np.mod", "xidz": "_xidz",
    "zidz": "_zidz", "if_then_else": "_where",
}
ENV = {"np": np, "_step": _step, "_ramp": _ramp, "_pulse": _pulse, "_xidz": _xidz,
       "_zidz": _zidz, "_where": _where}
ARITHMETIC = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "**"}
LOGIC = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "=": "==", "<>": "!="}


@dataclass
class State:
    """A stock, or a hidden stage of SMOOTH, DELAY or INITIAL: its initial value and ddt."""

    name: str
    initial: str
    ddt: str


@dataclass
class Compiled:
    """The model as numpy source: constants, ordered auxiliaries, states and lookups."""

    real_names: dict[str, str]
    constants: dict[str, float]
    aux: dict[str, str]
    states: list[State]
    lookups: dict[str, tuple[np.ndarray, np.ndarray]]
    order: list[str] = field(default_factory=list)
    functions: dict = field(default_factory=dict)

    def outputs(self) -> list[str]:
        """Python names of the variables PySD reports, in PySD's column order: the control
        settings first, then the model's variables in the order of the file."""
        kept = [n for n in self.real_names if n not in self.lookups]
        controls = [n for n in kept if n in CONTROLS]
        return controls + [n for n in kept if n not in controls]


class _Builder:
    """Turns abstract syntax into numpy source, collecting hidden states on the way."""

    def __init__(self, lookup_names: set[str], constants: dict[str, float]):
        self.lookup_names = lookup_names
        self.constants = constants
        self.states: list[State] = []
        self.aux: dict[str, str] = {}
        self.count = 0

    def hidden(self, kind: str) -> str:
        self.count += 1
        return f"_{kind}_{self.count}"

    def expr(self, node) -> str:
        from pysd.translators.structures import abstract_expressions as ae

        if isinstance(node, bool):
            return "1.0" if node else "0.0"
        if isinstance(node, (int, float)):
            return repr(float(node))
        if isinstance(node, ae.ReferenceStructure):
            if node.subscripts:
                raise Unsupported("subscripted variables")
            return "t" if node.reference == "time" else f"v[{node.reference!r}]"
        if isinstance(node, ae.ArithmeticStructure):
            args = [f"({self.expr(a)})" for a in node.arguments]
            if node.operators == ["negative"]:
                return f"-{args[0]}"
            if any(op not in ARITHMETIC for op in node.operators):
                raise Unsupported(f"operator {node.operators}")
            out = args[0]
            for op, arg in zip(node.operators, args[1:], strict=True):
                out += f" {ARITHMETIC[op]} {arg}"
            return out
        if isinstance(node, ae.LogicStructure):
            args = [f"({self.expr(a)})" for a in node.arguments]
            ops = node.operators
            if ops == [":NOT:"]:
                return f"np.logical_not{args[0]}"
            if all(op == ":AND:" for op in ops):
                return "np.logical_and.reduce([" + ", ".join(args) + "])"
            if all(op == ":OR:" for op in ops):
                return "np.logical_or.reduce([" + ", ".join(args) + "])"
            if len(ops) == 1 and ops[0] in LOGIC:
                return f"{args[0]} {LOGIC[ops[0]]} {args[1]}"
            raise Unsupported(f"logical operators {ops}")
        if isinstance(node, ae.CallStructure):
            return self.call(node)
        if isinstance(node, ae.InlineLookupsStructure):
            table = node.lookups
            return (f"np.interp({self.expr(node.argument)}, np.array({list(table.x)!r}), "
                    f"np.array({list(table.y)!r}))")
        if isinstance(node, (ae.SmoothStructure, ae.SmoothNStructure)):
            return self.smooth(node)
        if isinstance(node, (ae.DelayStructure, ae.DelayNStructure)):
            return self.delay(node)
        if isinstance(node, ae.InitialStructure):
            name = self.hidden("initial")
            self.states.append(State(name, self.expr(node.initial), "0.0"))
            return f"v[{name!r}]"
        raise Unsupported(type(node).__name__.replace("Structure", "").upper() or "construct")

    def call(self, node) -> str:
        name = node.function.reference
        args = [self.expr(a) for a in node.arguments]
        if name in FUNCTIONS:
            return f"{FUNCTIONS[name]}({', '.join(args)})"
        if name == "step":
            return f"_step(t, v['time_step'], {', '.join(args)})"
        if name == "ramp":
            return f"_ramp(t, {', '.join(args)})"
        if name == "pulse" and len(args) == 2:
            return f"_pulse(t, {', '.join(args)})"
        if name in self.lookup_names:
            return f"_lookup_{name}({', '.join(args)})"
        raise Unsupported(f"the function {name.upper()}")

    def _order(self, node) -> int:
        from pysd.translators.structures import abstract_expressions as ae

        order = getattr(node, "order", 1)
        if isinstance(order, ae.ReferenceStructure) and order.reference in self.constants:
            order = self.constants[order.reference]
        if not isinstance(order, (int, float)) or order != int(order) or order < 1:
            raise Unsupported("a SMOOTH N or DELAY N whose order is not a fixed number")
        return int(order)

    def smooth(self, node) -> str:
        """Order-n exponential smoothing: n stages, each adjusting over smooth_time / n."""
        n = self._order(node)
        inp, time_ = self.expr(node.input), self.expr(node.smooth_time)
        init = self.expr(node.initial) if node.initial is not None else inp
        names = [self.hidden("smooth") for _ in range(n)]
        targets = [inp] + [f"v[{s!r}]" for s in names[:-1]]
        for name, target in zip(names, targets, strict=True):
            self.states.append(State(name, init, f"({target} - v[{name!r}]) * {n} / ({time_})"))
        return f"v[{names[-1]!r}]"

    def delay(self, node) -> str:
        """Order-n material delay: n stages, each holding delay_time / n of the flow."""
        n = self._order(node)
        inp, time_ = self.expr(node.input), self.expr(node.delay_time)
        init = self.expr(node.initial) if node.initial is not None else inp
        names = [self.hidden("delay") for _ in range(n)]
        outflows = [f"v[{s!r}] / (({time_}) / {n})" for s in names]
        inflows = [inp] + outflows[:-1]
        for name, inflow, outflow in zip(names, inflows, outflows, strict=True):
            self.states.append(State(name, f"({init}) * ({time_}) / {n}",
                                     f"({inflow}) - ({outflow})"))
        out = self.hidden("delay_out")
        self.aux[out] = outflows[-1]
        return f"v[{out!r}]"


def _abstract_model(mdl: Path):
    from ..model import pysd_quietly

    pysd_quietly()
    from pysd.translators.vensim.vensim_file import VensimFile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vensim = VensimFile(str(mdl))
        vensim.parse()
        return vensim.get_abstract_model()


def compile_model(mdl: Path) -> Compiled:
    """Translate `mdl` for the batch engine; raise Unsupported if it cannot."""
    from pysd.translators.structures import abstract_expressions as ae

    abstract = _abstract_model(mdl)
    if len(abstract.sections) != 1:
        raise Unsupported("macros")
    elements = abstract.sections[0].elements
    real, lookups, constants, stocks, exprs = {}, {}, {}, {}, {}
    for element in elements:
        if len(element.components) != 1 or element.components[0].subscripts[0]:
            raise Unsupported("subscripted variables")
        ast = element.components[0].ast
        py = key(element.name)
        real[py] = element.name
        if isinstance(ast, ae.LookupsStructure):
            lookups[py] = (np.array(ast.x, dtype=float), np.array(ast.y, dtype=float))
        elif isinstance(ast, (int, float)) and not isinstance(ast, bool):
            constants[py] = float(ast)
        elif isinstance(ast, ae.IntegStructure):
            if ast.non_negative:
                raise Unsupported("non-negative stocks")
            stocks[py] = ast
        else:
            exprs[py] = ast
    builder = _Builder(set(lookups), constants)
    aux = {py: builder.expr(ast) for py, ast in exprs.items()}
    dynamic = [real[n] for n in CONTROLS if n in aux and re.search(r"\bt\b", aux[n])]
    if dynamic:
        raise Unsupported(f"time settings that change during the run ({', '.join(dynamic)})")
    states = [State(py, builder.expr(ast.initial), builder.expr(ast.flow))
              for py, ast in stocks.items()]
    aux.update(builder.aux)
    states += builder.states
    compiled = Compiled(real, constants, aux, states, lookups)
    compiled.order = _topological(aux, {s.name for s in states} | set(constants))
    compiled.functions = _functions(compiled)
    return compiled


def key(name: str) -> str:
    """The name by which PySD's abstract model refers to a variable."""
    return " ".join(str(name).split()).lower().replace(" ", "_")


def _refs(source: str) -> set[str]:
    return set(re.findall(r"v\['([^']+)'\]", source))


def _topological(aux: dict[str, str], known: set[str]) -> list[str]:
    order, done, visiting = [], set(known) | set(CONTROLS), set()

    def visit(name):
        if name in done:
            return
        if name in visiting:
            raise Unsupported("a simultaneous (algebraic) loop")
        visiting.add(name)
        for dep in _refs(aux[name]):
            if dep in aux:
                visit(dep)
        visiting.discard(name)
        done.add(name)
        order.append(name)

    for name in aux:
        visit(name)
    return order


def _functions(c: Compiled) -> dict:
    env = dict(ENV)
    for name, (x, y) in c.lookups.items():
        env[f"_lookup_{name}"] = (lambda x_, y_: lambda arg: np.interp(arg, x_, y_))(x, y)
    compile_ = lambda src: eval(f"lambda v, t: {src}", env)  # noqa: E731
    return {"aux": {n: compile_(c.aux[n]) for n in c.order},
            "init": {s.name: compile_(s.initial) for s in c.states},
            "ddt": {s.name: compile_(s.ddt) for s in c.states},
            "aux_any": {n: compile_(src) for n, src in c.aux.items()}}


@lru_cache(maxsize=8)
def _compiled_cached(path: str, sha: str) -> Compiled:
    from ..model import cached_object

    def build():
        try:
            c = compile_model(Path(path))
        except Unsupported as exc:  # remembered too, so that the next run skips parsing
            return exc
        c.functions = {}  # functions are rebuilt from the sources; they do not pickle
        return c

    c = cached_object(Path(path), sha, "batch", build)
    if isinstance(c, Unsupported):
        raise c
    c.functions = _functions(c)
    return c


def compiled(mdl: Path) -> Compiled:
    """The compiled model, cached per file content within a process."""
    from ..model import file_sha256

    path = Path(mdl).resolve()
    return _compiled_cached(str(path), file_sha256(path))


class _Initial(dict):
    """Values at the initial time, each computed on first use (stocks' initial values may
    depend on auxiliaries, which depend on other stocks)."""

    def __init__(self, c: Compiled, base: dict, t: float):
        super().__init__(base)
        self.c, self.t, self.pending = c, t, set()
        self.states = {s.name for s in c.states}

    def __missing__(self, key):
        if key in self.pending:
            raise Unsupported(f"a circular initial value ({self.c.real_names.get(key, key)})")
        self.pending.add(key)
        fns = self.c.functions
        if key in self.states:
            value = fns["init"][key](self, self.t)
        elif key in fns["aux_any"]:
            value = fns["aux_any"][key](self, self.t)
        else:
            raise KeyError(key)
        self.pending.discard(key)
        self[key] = value
        return value


def simulate(c: Compiled, params: dict, time: dict, series: dict | None = None) -> dict:
    """Integrate the model for every member at once.

    `params` maps Python names of constants to scalars or arrays of shape (N,); `series`
    maps names to callables of time (a value for every step). Returns the saved times and,
    for each output variable, an array of shape (saves,) or (saves, N).
    """
    series = series or {}
    dt, t0, t1, saveper = time["step"], time["initial"], time["final"], time["saveper"]
    n_steps = int(round((t1 - t0) / dt))
    every = int(round(saveper / dt))
    values = dict(c.constants)
    values.update({"initial_time": t0, "final_time": t1, "time_step": dt, "saveper": saveper})
    values.update(params)
    fns = c.functions
    for name, fn in series.items():
        values[name] = fn(t0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        v = _Initial(c, values, t0)
        state = {s.name: v[s.name] for s in c.states}
        v = dict(values)
        outputs = c.outputs()
        saved: dict[str, list] = {n: [] for n in outputs}
        times = []
        for k in range(n_steps + 1):
            t = t0 + k * dt
            for name, fn in series.items():
                v[name] = fn(t)
            v.update(state)
            for name in c.order:
                v[name] = fns["aux"][name](v, t)
            if k % every == 0:
                times.append(t)
                for name in outputs:
                    saved[name].append(v[name])
            if k == n_steps:
                break
            for s in c.states:
                state[s.name] = state[s.name] + dt * fns["ddt"][s.name](v, t)
    return {"time": np.array(times), **{n: np.array(np.broadcast_arrays(*vals)) if any(
        np.ndim(x) for x in vals) else np.array(vals, dtype=float) for n, vals in saved.items()}}


def run(scenario, columns: list[str] | None = None) -> pd.DataFrame:
    """One scenario's results in the same form as the PySD runner (for `--engine batch`)."""
    from .. import model as model_mod

    c = compiled(scenario.model)
    info = model_mod.info(scenario.model)
    resolved = scenario.resolved_constants(info)
    params = {key(k): float(v) for k, v in scenario.constants.items()}
    series = {}
    for name, by_year in scenario.series.items():
        default = resolved[name]
        series[key(name)] = (
            lambda t, b=by_year, d=default: b.get(int(math.floor(t + 1e-9)) + 1, d))
    out = simulate(c, params, scenario.time, series)
    table = pd.DataFrame({c.real_names[n]: np.asarray(out[n], dtype=float)
                          for n in c.outputs()}, index=pd.Index(out["time"], name="time"))
    return table[columns] if columns else table
