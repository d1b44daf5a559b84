"""Run one scenario for many parameter sets: all at once with the batch engine, or member by
member through PySD in worker processes when the batch engine does not support the model."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .engine import batch, pysd_engine
from .scenario import Scenario
from .yearly import step_function

CHUNK = 2500  # members per batch call: bounds memory and paces the progress display


@dataclass
class Ensemble:
    """Saved times and, per variable (Vensim name), an array of shape (times, members)."""

    times: np.ndarray
    values: dict[str, np.ndarray]
    engine: str
    notice: str | None = None

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


def _pysd_member(args):
    scenario, constants = args
    member = replace(scenario, constants={**scenario.constants, **constants})
    return pysd_engine.run(member)


def run(scenario: Scenario, draws: pd.DataFrame, progress=None) -> Ensemble:
    """Every member of `draws` (one column per parameter, Vensim names) through the model."""
    from . import model as model_mod

    info = model_mod.info(scenario.model)
    resolved = scenario.resolved_constants(info)
    n = len(draws)
    try:
        c = batch.compiled(scenario.model)
    except batch.Unsupported as exc:
        notice = (f"{scenario.model.name} uses {exc}, which the batch engine does not "
                  f"support; its {n} members ran one by one with PySD.")
        return _with_pysd(scenario, draws, progress, notice)
    fixed = {batch.key(k): v for k, v in scenario.constants.items() if k not in draws}
    names = {batch.key(k): k for k in draws.columns}
    anchored = _anchoring(scenario)
    parts = []
    for start in range(0, n, CHUNK):
        chunk = draws.iloc[start:start + CHUNK]
        drawn = {real: chunk[real].to_numpy(float) for real in draws.columns}
        params = {**fixed, **{key: drawn[real] for key, real in names.items()}}
        solved = {}
        if anchored is not None:
            from .anchoring import solve

            solution = solve(scenario, *anchored, members=drawn)
            params.update({batch.key(k): v for k, v in solution.initial.items()})
            solved = solution.shocks
        series = _series_functions(scenario, {**resolved, **drawn}, solved)
        out = batch.simulate(c, params, scenario.time, series)
        size = len(chunk)
        parts.append({k: np.broadcast_to(v.reshape(len(out["time"]), -1),
                                         (len(out["time"]), size)) for k, v in out.items()
                      if k != "time"})
        if progress:
            progress(min(start + CHUNK, n), n)
    values = {c.real_names[k]: np.concatenate([p[k] for p in parts], axis=1)
              for k in c.outputs()}
    return Ensemble(out["time"], values, "batch")


def _with_pysd(scenario, draws, progress, notice) -> Ensemble:
    jobs = [(scenario, {k: float(v) for k, v in row.items()})
            for row in draws.to_dict(orient="records")]
    results = []
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for i, table in enumerate(pool.map(_pysd_member, jobs, chunksize=8), start=1):
            results.append(table)
            if progress and (i % 50 == 0 or i == len(jobs)):
                progress(i, len(jobs))
    first = results[0]
    values = {name: np.column_stack([r[name].to_numpy(float) for r in results])
              for name in first.columns}
    return Ensemble(first.index.to_numpy(float), values, "pysd", notice)
