"""A numpy engine that runs N parameter sets at once, built from PySD's abstract model.

PySD parses the .mdl into an abstract model; `translate` turns it into expression trees and
`codegen` into one Python function that steps every member through time with numpy, writing
each expression as PySD writes it and integrating as PySD does (same time grid, walked by
timegrid.py, same Euler update), so that the two engines agree to rounding. Models that use
anything outside the supported subset raise Unsupported, naming what is missing, so that
callers can fall back to PySD.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import timegrid
from .codegen import Program
from .translate import CONTROLS, Model, State, Unsupported, key, translate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CONTROLS", "Compiled", "State", "Unsupported", "compiled", "compile_model", "key",
           "program", "run", "saved_times", "simulate", "time_grid"]

class Compiled(Model):
    """A translated model, with its generated run functions cached per kind of call."""

    def outputs(self) -> list[str]:
        """Python names of the variables PySD reports, in PySD's column order: the control
        settings first, then the model's variables in the order of the file."""
        kept = [n for n in self.real_names if n not in self.lookups]
        controls = [n for n in kept if n in CONTROLS]
        return controls + [n for n in kept if n not in controls]

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("programs", None)
        state.pop("numbers", None)
        state.pop("controls", None)
        return state


def compile_model(mdl: Path) -> Compiled:
    """Translate `mdl` for the batch engine; raise Unsupported if it cannot."""
    model = translate(mdl)
    c = Compiled(**model.__dict__)
    timegrid.controls(c)  # time settings the grid can follow, or Unsupported
    # every equation has code, or Unsupported (DATA variables come as series)
    program(c, set(), set(c.data), set(), c.outputs())
    return c


@lru_cache(maxsize=8)
def _compiled_cached(path: str, sha: str) -> Compiled:
    from ..model import cached_object

    def build():
        try:
            return compile_model(Path(path))
        except Unsupported as exc:  # remembered too, so that the next run skips parsing
            return exc

    c = cached_object(Path(path), sha, "batch", build)
    if isinstance(c, Unsupported):
        raise c
    return c


def compiled(mdl: Path) -> Compiled:
    """The compiled model, cached per file content within a process, and made again when a
    data file it read has changed."""
    from .. import datafiles
    from ..model import file_sha256

    path = Path(mdl).resolve()
    found = _compiled_cached(str(path), file_sha256(path))
    if datafiles.changed(path, found.sources):
        _compiled_cached.cache_clear()
        found = _compiled_cached(str(path), file_sha256(path))
    return found


def _constants(c: Compiled) -> dict:
    """The model's constants as numpy floats (as a division by zero gives inf, not an
    error), converted once per compiled model."""
    if "numbers" not in c.__dict__:
        c.__dict__["numbers"] = {n: np.float64(v) for n, v in c.constants.items()}
    return c.__dict__["numbers"]


def program(c: Compiled, inputs: set, series: set, member: set, outputs: list,
            axis: bool = True) -> Program:
    """The run function for these inputs (set names, series names, names that differ
    between members) and outputs, generated once per combination; `axis` off unrolls
    subscripted variables into one array per element."""
    programs = c.__dict__.setdefault("programs", {})
    cache_key = (frozenset(inputs), frozenset(series), frozenset(member), tuple(outputs), axis)
    if cache_key not in programs:
        programs[cache_key] = Program(c, set(inputs), set(series), set(member), list(outputs),
                                      axis)
    return programs[cache_key]


def time_grid(time: dict) -> tuple[list[float], list[int], np.ndarray]:
    """PySD's integration times (each the previous plus TIME STEP), the save index at each
    (-1 when not saved) and the saved times as PySD rounds them, for fixed settings."""
    plan = timegrid._cached_grid(time["initial"], time["final"], time["step"], time["saveper"])
    return plan.grid, plan.saves, plan.times


def _inputs(c: Compiled, params: dict) -> tuple[dict, set]:
    """Every constant by name, those of `params` replacing the model's (arrays for the
    values that differ between members), and the sizes of those arrays."""
    values = dict(_constants(c))
    sizes = set()
    for name, value in params.items():
        if np.ndim(value):
            value = np.asarray(value, dtype=float)
            sizes.add(value.shape[0])
        else:
            value = np.float64(value)
        values[name] = value
    return values, sizes


def saved_times(c: Compiled, time: dict, params: dict, series=()) -> np.ndarray:
    """The times a run of these parameters saves (see simulate)."""
    values, _ = _inputs(c, params)
    return timegrid.controls(c).plan(time, values, set(params), set(series)).times


def simulate(c: Compiled, params: dict, time: dict, series: dict | None = None,
             outputs: list[str] | None = None, out: dict | None = None,
             axis: bool = True) -> dict:
    """Integrate the model for every member at once.

    `time` holds the scenario's settings (initial, final, step, saveper); those the model
    defines by equations follow them unless `time` gives another value (timegrid.py).
    `params` maps Python names of constants to scalars or arrays of shape (N,); `series`
    maps names to callables of time returning a scalar or an array of shape (N,); `outputs`
    limits the result to those Python names (all of PySD's columns by default); `out` may
    hold arrays of shape (saves, N) to write them into; `axis` off runs subscripted
    variables unrolled, one array per element. Returns the saved times and, per output, an
    array of shape (saves,) or (saves, N).
    """
    series = series or {}
    outputs = list(c.outputs() if outputs is None else outputs)
    unknown = [n for n in outputs if n not in c.real_names]
    if unknown:
        raise KeyError(f"not variables of the model: {', '.join(unknown)}")
    values, sizes = _inputs(c, params)
    plan = timegrid.controls(c).plan(time, values, set(params), set(series))
    grid, saves, times = plan.grid, plan.saves, plan.times
    values.update(plan.values)
    steps = dict(plan.series)  # time settings that change during the run
    for name, fn in series.items():
        steps[name] = [fn(t) for t in grid]
        sizes.update(np.shape(x)[0] for x in steps[name] if np.ndim(x))
    if len(sizes) > 1:
        raise ValueError(f"parameters and series give different numbers of members: {sizes}")
    members = sizes.pop() if sizes else None
    member = {n for n in params if isinstance(values[n], np.ndarray)}
    member |= {n for n, v in steps.items() if any(np.ndim(x) for x in v)}
    inputs = set(params) - set(series)
    prog = program(c, inputs, set(steps), member, outputs, axis)
    out = dict(out or {})
    if any(np.shape(a)[0] != len(times) for a in out.values()):
        raise Unsupported("time settings that give members different saved times")
    rows = prog.rows
    fresh = [n for n in outputs if n not in out and n not in rows]
    if fresh:  # one block each for member and common outputs: fewer allocations
        many = [n for n in fresh if n in prog.member]
        one = [n for n in fresh if n not in prog.member]
        out.update(zip(many, np.empty((len(many), len(times), members or 1))))
        out.update(zip(one, np.empty((len(one), len(times)))))
    if not rows:
        with np.errstate(all="ignore"):
            prog.function(values, prog.constants, steps, out, grid, saves, len(grid) - 1)
        return {"time": times.copy(), **out}
    # a subscripted variable's block is saved whole: (saves, elements, members or 1)
    blocks = {b: np.empty((len(times), prog.sizes[b], (members or 1) if b in prog.member
                           else 1)) for b in prog.nodes if b in prog.sizes}
    direct = {n: out[n] for n in outputs if n not in rows}
    with np.errstate(all="ignore"):
        prog.function(values, prog.constants, steps, {**direct, **blocks}, grid, saves,
                      len(grid) - 1)
    for name in outputs:
        if name in rows:
            block, row = rows[name]
            saved = blocks[block][:, row]
            if name in out:
                out[name][...] = saved if out[name].ndim == 2 else saved[:, 0]
            else:
                out[name] = saved if block in prog.member else saved[:, 0]
    return {"time": times.copy(), **out}


def run(scenario, columns: list[str] | None = None) -> pd.DataFrame:
    """One scenario's results on the batch engine alone (Unsupported when it cannot run it),
    in the same form as the PySD runner."""
    from ..ensemble import run as run_members

    return run_members(scenario, outputs=columns, fallback=False).frame(0)
