"""Run one scenario through PySD, from a freshly loaded model every time."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .. import model as model_mod
from ..scenario import Scenario
from ..yearly import year_of_step
from .timegrid import overrides


def time_grid(time: dict) -> np.ndarray:
    """Every integration time from initial to final, as PySD steps through them."""
    n = int(round((time["final"] - time["initial"]) / time["step"]))
    return time["initial"] + time["step"] * np.arange(n + 1)


def step_series(grid: np.ndarray, by_year: dict[int, float], default: float) -> pd.Series:
    """A rate that is `by_year[Y]` from Y-1 to Y and `default` in the other years (the year
    rule of sim/yearly.py)."""
    values = [by_year.get(year_of_step(t), default) for t in grid]
    return pd.Series(values, index=grid)


def run(scenario: Scenario, columns: list[str] | None = None) -> pd.DataFrame:
    """Results of `scenario`: a `time` index and one column per model variable.

    `columns` limits the output to those variables, which saves time in repeated runs.
    """
    info = model_mod.info(scenario.model)
    constants = scenario.resolved_constants(info)
    params: dict = dict(scenario.constants)
    grid = time_grid(scenario.time)
    for name, by_year in scenario.series.items():
        params[name] = step_series(grid, by_year, constants[name])
    model = model_mod.load(scenario.model, scenario.data)
    empty = [d.real_name for d in model._data_elements if d.data is None]
    if empty:
        from ..datafiles import no_data
        from ..errors import SimError

        raise SimError(no_data(scenario.model, empty))
    # settings the scenario leaves at the model's values follow the model's equations
    given = overrides(scenario.time, info.time)
    kwargs = dict(params=params, final_time=given.get("final"), time_step=given.get("step"),
                  saveper=given.get("saveper"), return_columns=columns)
    if "initial" in given:
        kwargs["initial_condition"] = (given["initial"], {})
    with warnings.catch_warnings():
        # PySD's own deprecation notices and its note that a constant became a series
        warnings.simplefilter("ignore")
        results = model.run(**kwargs)
    results.index = results.index.astype(float)
    # constants come back as int or float depending on how they were set: make them agree
    numeric = [c for c in results.columns if pd.api.types.is_numeric_dtype(results[c])]
    results[numeric] = results[numeric].astype(float)
    results.index.name = "time"
    return results
