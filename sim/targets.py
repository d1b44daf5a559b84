"""The plan's targets: comparators, measures, gaps and status.

The catalogue is `targets.csv` beside the model file. Each target has a comparator
(approx = 左右 within a tolerance; at_least = 以上/超过/突破; reach = 达到, both meaning at
least the value by the target year) and a measure:

- level: the variable's value in the target year, times `scale` (100 for a share in %);
- cagr: compound annual growth from base_year to year, in %: (v_T / v_0)^(1/(T-0)) - 1;
- cumulative_growth: total growth from base_year to year, in %: v_T / v_0 - 1.

Targets whose variable is 'tracked, not modelled' are counts of projects or places: they
are listed with their target but never simulated.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .indicators import annual

CATALOGUE_NAME = "targets.csv"
COMPARATORS = ("approx", "at_least", "reach")
MEASURES = ("level", "cagr", "cumulative_growth")
TRACKED = "tracked, not modelled"
COLUMNS = ["id", "indicator_zh", "indicator_en", "unit", "year", "target", "comparator",
           "projected", "gap", "status", "tolerance", "measure", "variable"]


def catalogue_for(model_path: Path) -> pd.DataFrame | None:
    """The targets that ship beside `model_path`, or None for a model that has none."""
    path = Path(model_path).with_name(CATALOGUE_NAME)
    if not path.is_file():
        return None
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    for col in ("year", "base_year"):
        table[col] = table[col].astype(int)
    for col in ("target", "scale"):
        table[col] = table[col].astype(float)
    table["tolerance"] = [float(t) if t != "" else math.nan for t in table["tolerance"]]
    return table


def with_overrides(catalogue: pd.DataFrame, overrides: dict) -> pd.DataFrame:
    """The catalogue with a scenario's `targets:` section applied (tolerance, measure)."""
    table = catalogue.copy()
    for tid, spec in overrides.items():
        row = table.index[table["id"] == tid]
        for key, value in spec.items():
            table.loc[row, key] = value
    return table


def measure(values: pd.Series, how: str, year: int, base_year: int, scale: float) -> float:
    """One target measure from a yearly series (index: year)."""
    if year not in values.index or (how != "level" and base_year not in values.index):
        return math.nan
    end = float(values[year])
    if how == "level":
        return end * scale
    start = float(values[base_year])
    if how == "cagr":
        return ((end / start) ** (1.0 / (year - base_year)) - 1.0) * 100.0
    return (end / start - 1.0) * 100.0


def status(projected: float, target: float, comparator: str, tolerance: float) -> str:
    """met / below / above for one projected value against its target."""
    gap = projected - target
    if comparator == "approx":
        tol = 0.0 if math.isnan(tolerance) else tolerance
        if abs(gap) <= tol + 1e-9 * max(1.0, abs(target)):
            return "met"
        return "below" if gap < 0 else "above"
    return "met" if gap >= -1e-9 * max(1.0, abs(target)) else "below"


def evaluate(results: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The targets table: every target with its projected value, gap and status."""
    yearly = annual(results)
    rows = []
    for t in catalogue.itertuples(index=False):
        row = {c: getattr(t, c) for c in COLUMNS if hasattr(t, c)}
        if t.variable == TRACKED:
            row.update(projected=math.nan, gap=math.nan, status="tracked")
        elif t.variable not in yearly.columns:
            row.update(projected=math.nan, gap=math.nan, status="outside run")
        else:
            value = measure(yearly[t.variable], t.measure, t.year, t.base_year, t.scale)
            if math.isnan(value):
                row.update(projected=math.nan, gap=math.nan, status="outside run")
            else:
                row.update(projected=value, gap=value - t.target,
                           status=status(value, t.target, t.comparator, t.tolerance))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def required_path(values: pd.Series, target) -> pd.Series | None:
    """The path a target implies, for charts: compound growth for growth targets.

    For a cagr target it is base value x (1 + target)^(t - base); for cumulative growth,
    the constant rate that reaches the total; for level targets, None.
    """
    if target.measure == "level" or target.base_year not in values.index:
        return None
    years = np.arange(target.base_year, target.year + 1)
    rate = target.target / 100.0
    if target.measure == "cumulative_growth":
        rate = (1 + rate) ** (1.0 / (target.year - target.base_year)) - 1
    base = float(values[target.base_year])
    return pd.Series(base * (1 + rate) ** (years - target.base_year), index=years)
