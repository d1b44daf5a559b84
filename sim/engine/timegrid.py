"""The time grid of a run when the model's time settings are equations.

A Vensim model may define INITIAL TIME, FINAL TIME, TIME STEP or SAVEPER by an expression.
PySD then evaluates them as it steps: at time t it stops unless t + TIME STEP x 1e-5 < FINAL
TIME, saves t when it lies a whole number of SAVEPERs from the initial time, and moves on by
TIME STEP, each setting evaluated at t. The batch engine walks the same condition before
the run, so its settings may depend on Time, constants and the auxiliaries built from them
(not on stocks: the grid must be known, and shared by every member, before the run starts).
A setting that depends on Time becomes a series over the grid; one that depends only on
constants is evaluated once per run. A scenario value that differs from the model's own is
an override, as in the PySD runner, and holds for the whole run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..budget import MAX_STEPS
from . import functions
from .translate import CONTROLS, Unsupported, refs

RPREC = 1e-5  # PySD's relative precision of the final and saving times
KEYS = dict(zip(("initial", "final", "step", "saveper"), CONTROLS, strict=True))
SETTING = {name: k for k, name in KEYS.items()}  # the scenario's key of each setting


def overrides(time: dict, defaults: dict) -> dict:
    """The scenario's time settings ({initial, final, step, saveper}) that differ from the
    model's own (as PySD reports them on loading the model): these hold for the whole run."""
    return {k: v for k, v in time.items() if k in KEYS and not math.isclose(v, defaults[k])}


@dataclass
class Plan:
    """PySD's integration times, the save index at each (-1 when not saved), the saved times
    as PySD rounds them, and the time settings: a value per run, or one per step."""

    grid: list
    saves: list
    times: np.ndarray
    values: dict
    series: dict = field(default_factory=dict)


def grid(t0: float, t1: float, dt: float, saveper: float) -> Plan:
    """The plan of fixed settings (each time the previous plus TIME STEP)."""
    return _walk(lambda t: {"final_time": t1, "time_step": dt, "saveper": saveper}, t0, {})


def _walk(settings, t0, timed, limit: int | None = None) -> Plan:
    """Steps from t0 as PySD's Model._integrate does, `settings(t)` giving FINAL TIME,
    TIME STEP and SAVEPER at t (and the settings in `timed`, kept as series); at most
    `limit` steps (a FINAL TIME that moves on with Time would never be reached)."""
    t = np.float64(t0)
    steps, saves, saved, series = [], [], [], {k: [] for k in timed}
    while True:
        now = settings(t)
        dt, saveper = now["time_step"], now["saveper"]
        if not dt > 0:
            raise Unsupported(f"a TIME STEP that is not positive ({dt:g} at time {t:g})")
        steps.append(t)
        for k in timed:
            series[k].append(np.float64(now[k]))
        prec = dt * RPREC
        delay = t - t0
        if delay % saveper < prec or -delay % saveper < prec:
            saves.append(len(saved))
            saved.append(np.round(t, -int(np.log10(prec))))
        else:
            saves.append(-1)
        if not t + dt * RPREC < now["final_time"]:
            break
        if limit is not None and len(steps) > limit:
            raise Unsupported(f"time settings that give more than {limit:,} steps")
        t = t + np.float64(dt)
    times = np.array(saved, dtype=float)
    times.flags.writeable = False  # shared between calls
    return Plan(steps, saves, times, {}, series)


class Controls:
    """A model's time settings given by equations, and what each depends on."""

    def __init__(self, c):
        from .codegen import Generator

        self.c = c
        self.equations = {k: c.aux[k] for k in CONTROLS if k in c.aux}
        g = Generator(c, set(), set(), set())
        self.needs = {k: self._closure(g, k) for k in self.equations}
        for k, (names, _) in self.needs.items():
            stateful = sorted(n for n in names if n in g.states)
            if stateful:
                real = c.real_names.get(k, k)
                raise Unsupported(f"a {real} that depends on the model's stocks or delays "
                                  "(the batch engine fixes the time grid before the run)")
        self.programs: dict = {}
        self.defaults = self._defaults() if self.equations else {}

    def _closure(self, g, control: str) -> tuple[set[str], bool]:
        """The names a setting's equation depends on, through auxiliaries and other settings,
        and whether any of them reads Time."""
        from .codegen import _uses_time

        seen, todo, timed = set(), [control], False
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            tree = self.equations.get(name, g.aux.get(name))
            if tree is not None:
                timed = timed or _uses_time(tree)
                todo += refs(tree)
        return seen - {control}, timed

    def _defaults(self) -> dict:
        """The settings as PySD reports them on loading the model, which sets the clock to
        INITIAL TIME evaluated at Time 0 (kept as `start`), then evaluates them there."""
        constants = {n: np.float64(v) for n, v in self.c.constants.items()}
        self.start = self.evaluate(set(self.equations), set(), constants, 0.0).get(
            "initial_time", constants.get("initial_time"))
        at = self.evaluate(set(self.equations), set(), constants, self.start)
        return {k: float(at.get(name, constants.get(name))) for k, name in KEYS.items()}

    def evaluate(self, live: set, params: set, values: dict, t) -> dict:
        """The settings in `live` at time t, the others taken from `values`."""
        key = (frozenset(live), frozenset(params))
        if key not in self.programs:
            self.programs[key] = self._program(live, params)
        source_fn, folded = self.programs[key]
        with np.errstate(all="ignore"):
            return source_fn(np.float64(t), values, folded)

    def _program(self, live: set, params: set):
        """One generated function returning the live settings at a time."""
        from .codegen import Generator

        g = Generator(self.c, set(params), set(), set())
        order, done = [], set()

        def visit(name):
            if name in done or (name not in live and name not in g.aux):
                return
            done.add(name)
            tree = self.equations[name] if name in live else g.aux[name]
            for dep in sorted(refs(tree)):
                visit(dep)
            order.append(name)

        for k in CONTROLS:
            if k in live:
                visit(k)
        body, pending = [], "time_step" in live  # STEP reads the TIME STEP of this time
        for name in order:
            code = g.expression(self.equations[name] if name in live else g.aux[name], False)
            if pending and "(t, time_step," in code.src:
                raise Unsupported("a STEP that a changing TIME STEP depends on")
            body.append(f"    {g.ident(name)} = {code.src}")
            if name == "time_step":
                body.append(f"    time_step = {g.ident(name)}")
                pending = False
        lines = ["def _settings(t, K, F):", "    time_step = K.get('time_step')"]
        lines += [f"    {v} = K[{n!r}]" for n, v in g.ids.items()
                  if n in g.inputs and n not in live]
        lines += [f"    {k} = F[{k!r}]" for k in g.folded]
        lines += body
        lines.append("    return {" + ", ".join(f"{k!r}: {g.ident(k)}" for k in CONTROLS
                                                if k in live) + "}")
        env = dict(functions.ENV)
        exec(compile("\n".join(lines) + "\n", "<time settings>", "exec"), env)  # noqa: S102
        return env["_settings"], dict(g.folded)

    def plan(self, time: dict, values: dict, params: set, series: set = frozenset()) -> Plan:
        """The grid of one run: `time` the scenario's settings, `values` every input by
        name (members as arrays), `params` the names the caller sets, `series` those it
        gives as functions of time."""
        given = overrides(time, self.defaults) if self.equations else {}
        changed = params | series | {KEYS[k] for k in given}  # inputs other than the model's
        live = {k for k, (names, timed) in self.needs.items()
                if SETTING[k] not in given and (timed or names & changed)}
        for k in live:
            if self.needs[k][0] & series:
                raise Unsupported(f"a {self.c.real_names.get(k, k)} that depends on a "
                                  "series given by the scenario")
        fixed = {name: np.float64(time[k]) for k, name in KEYS.items()}
        if not live:
            p = _cached_grid(*(time[k] for k in KEYS))
            return Plan(p.grid, p.saves, p.times, fixed)
        values = {**values, **fixed}
        timed = {k for k in live if self.needs[k][1]}

        def settings(t):
            now = self.evaluate(live, params, values, t)
            return {**fixed, **{k: self._one(k, v) for k, v in now.items()}}

        t0 = fixed["initial_time"]
        if "initial_time" in live:  # PySD evaluates it at the time its clock had on loading
            t0 = settings(self.start)["initial_time"]
        constant = settings(t0)
        p = _walk(lambda t: settings(t) if timed else constant, t0, timed, MAX_STEPS)
        return Plan(p.grid, p.saves, p.times, {k: constant[k] for k in CONTROLS}, p.series)

    def _one(self, name: str, value) -> np.float64:
        """A setting's value, the same for every member (the grid is shared)."""
        if np.ndim(value):
            if not np.all(value == value.flat[0]):
                real = self.c.real_names.get(name, name)
                raise Unsupported(f"a {real} that differs between members")
            value = value.flat[0]
        return np.float64(value)


_GRIDS: dict = {}


def _cached_grid(t0, t1, dt, saveper) -> Plan:
    """Fixed settings' plans, kept for reuse (they are read only)."""
    k = (t0, t1, dt, saveper)
    if k not in _GRIDS:
        if len(_GRIDS) > 32:
            _GRIDS.clear()
        _GRIDS[k] = grid(t0, t1, dt, saveper)
    return _GRIDS[k]


def controls(c) -> Controls:
    """The compiled model's time settings, analysed once."""
    if "controls" not in c.__dict__:
        c.__dict__["controls"] = Controls(c)
    return c.__dict__["controls"]
