"""The one compute path: a scenario run for one or many parameter sets.

A single run is an ensemble of one. Members run all at once with the batch engine, or member
by member through PySD (in worker processes when there are several) when the batch engine
does not support the model or PySD is asked for; both give the same (saved times x members)
arrays, and a frame of one member is what a single run returns."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .engine import batch, external, pysd_engine
from .scenario import Scenario
from .yearly import step_function

CHUNK = 10_000  # members per batch call: bounds memory and paces the progress display


@dataclass
class Ensemble:
    """Saved times and, per variable (Vensim name), an array of shape (times, members)."""

    times: np.ndarray
    values: dict[str, np.ndarray]
    engine: str
    notice: str | None = None

    def frame(self, member: int = 0) -> pd.DataFrame:
        """One member's results: a `time` index and one column per variable."""
        return pd.DataFrame({k: v[:, member] for k, v in self.values.items()},
                            index=pd.Index(self.times, name="time"))

    def yearly(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Whole years and the variable's values at them, shape (years, members)."""
        whole = np.isclose(self.times, np.round(self.times), atol=1e-9)
        return np.round(self.times[whole]).astype(int), self.values[name][whole]


def _series_functions(scenario: Scenario, defaults: dict, solved: dict) -> dict:
    """A scenario's yearly values; other years take `defaults` (a member's draw, or the
    constant), so a drawn parameter keeps the scenario's year-by-year overrides. `solved`
    (input -> year -> values per member) are an anchored run's shocks, which win."""
    return {batch.key(name): step_function(scenario.series.get(name, {}),
                                           defaults.get(name, 0.0), solved.get(name))
            for name in set(scenario.series) | set(solved)}


def _anchoring(scenario: Scenario):
    """The actuals and as-of year of an anchored scenario, or None."""
    if scenario.actuals is None:
        return None
    from . import actuals, anchoring

    observed = actuals.load(scenario.actuals, scenario.model)
    return observed, anchoring.as_of_year(scenario, observed, scenario.as_of)


def _pysd_member(member: Scenario) -> pd.DataFrame:
    return pysd_engine.run(member)


def fallback_notice(scenario: Scenario, exc: Exception, members: int) -> str:
    """The one line that says a model ran with PySD because the batch engine declined it."""
    who = "it ran with PySD" if members == 1 else \
        f"its {members} members ran one by one with PySD"
    return (f"{scenario.model.name} uses {exc}, which the batch engine does not support; "
            f"{who}.")


def run(scenario: Scenario, draws: pd.DataFrame | None = None, progress=None,
        outputs: list[str] | None = None, engine: str = "batch",
        fallback: bool = True) -> Ensemble:
    """Every member of `draws` (one row per member, one column per parameter, Vensim names;
    None: one member with the scenario's values) through the model.

    `outputs` (Vensim names) limits the variables kept to those of them the model has, all
    of them by default. `engine` "batch" runs every member at once and, unless `fallback` is
    off, hands a model it does not support to PySD with a notice; "pysd" runs PySD. A
    scenario with actuals anchors every member on them (sim/anchoring.py)."""
    from . import model as model_mod

    if draws is None:
        draws = pd.DataFrame(index=pd.RangeIndex(1))
    notice = None
    if engine == "batch":
        resolved = scenario.resolved_constants(model_mod.info(scenario.model))
        try:
            return _with_batch(scenario, draws, progress, outputs, resolved)
        except batch.Unsupported as exc:  # the model, or this run of it (a delay too short)
            if not fallback:
                raise
            notice = fallback_notice(scenario, exc, len(draws))
    return _with_pysd(scenario, draws, progress, notice, outputs)


def _with_batch(scenario, draws, progress, outputs, resolved) -> Ensemble:
    n = len(draws)
    c = batch.compiled(scenario.model)
    fixed = {batch.key(k): v for k, v in scenario.constants.items() if k not in draws}
    names = {batch.key(k): k for k in draws.columns}
    wanted = c.outputs() if outputs is None else [
        batch.key(k) for k in outputs if batch.key(k) in c.real_names]
    times = batch.saved_times(c, scenario.time, {
        **fixed, **{key: draws[real].to_numpy(float) for key, real in names.items()}},
        {batch.key(name) for name in scenario.series})
    values = {k: np.empty((len(times), n)) for k in wanted}
    anchored = _anchoring(scenario)
    data = external.data_series(c, scenario.model, scenario.data)
    for start in range(0, n, CHUNK):
        chunk = draws.iloc[start:start + CHUNK]
        stop = start + len(chunk)
        drawn = {real: chunk[real].to_numpy(float) for real in draws.columns}
        params = {**fixed, **{key: drawn[real] for key, real in names.items()}}
        solved = {}
        if anchored is not None:
            from .anchoring import solve

            solution = solve(scenario, *anchored, members=drawn)
            params.update({batch.key(k): v for k, v in solution.initial.items()})
            solved = solution.shocks
        series = {**data, **_series_functions(scenario, {**resolved, **drawn}, solved)}
        batch.simulate(c, params, scenario.time, series, wanted,
                       out={k: v[:, start:stop] for k, v in values.items()})
        if progress:
            progress(stop, n)
    return Ensemble(times, {c.real_names[k]: v for k, v in values.items()}, "batch")


def _members(scenario: Scenario, draws: pd.DataFrame) -> list[Scenario]:
    """One scenario per member: its draws, and with actuals its solved initial values and
    shocks (anchoring needs the batch engine, which PySD members then follow exactly)."""
    solution, anchored = None, _anchoring(scenario)
    if anchored is not None:
        from .anchoring import solve

        solution = solve(scenario, *anchored,
                         members={k: draws[k].to_numpy(float) for k in draws.columns})
    members = []
    for i, row in enumerate(draws.to_dict(orient="records")):
        constants = {**scenario.constants, **{k: float(v) for k, v in row.items()}}
        series = {k: dict(v) for k, v in scenario.series.items()}
        if solution is not None:
            constants.update({k: float(v[i]) for k, v in solution.initial.items()})
            for name, by_year in solution.shocks.items():
                series.setdefault(name, {}).update({y: float(v[i]) for y, v in by_year.items()})
        members.append(replace(scenario, constants=constants, series=series, actuals=None,
                               as_of=None))
    return members


def _with_pysd(scenario, draws, progress, notice, outputs=None) -> Ensemble:
    members = _members(scenario, draws)
    if len(members) == 1:
        results = [_pysd_member(members[0])]
    else:
        results = []
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for i, table in enumerate(pool.map(_pysd_member, members, chunksize=8), start=1):
                results.append(table)
                if progress and (i % 50 == 0 or i == len(members)):
                    progress(i, len(members))
    first = results[0]
    names = list(first.columns) if outputs is None else [n for n in outputs
                                                         if n in first.columns]
    values = {name: np.column_stack([r[name].to_numpy(float) for r in results])
              for name in names}
    return Ensemble(first.index.to_numpy(float), values, "pysd", notice)
