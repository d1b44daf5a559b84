"""The plan's targets: the catalogue, a scenario's overrides and the targets table.

The catalogue is `targets.csv` beside the model file. Each target has a comparator
(approx = 左右 within a tolerance; at_least = 以上/超过/突破; reach = 达到, both meaning at
least the value by the target year), a measure (level, cagr, cumulative_growth,
average_growth) and a unit in English and Chinese. The arithmetic of measures, bands and
required paths is sim.measures.

Targets whose variable is 'tracked, not modelled' are counts of projects or places, or
rates reported by statistics offices: they are listed with their target and judged from
actuals, but never simulated.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import measures
from .indicators import annual

CATALOGUE_NAME = "targets.csv"
COMPARATORS = measures.COMPARATORS
MEASURES = measures.MEASURES
TRACKED = "tracked, not modelled"
COLUMNS = ["id", "indicator_zh", "indicator_en", "unit", "unit_zh", "year", "target",
           "comparator", "projected", "gap", "status", "tolerance", "strict", "measure",
           "variable"]


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
    for col, default in (("unit_zh", table["unit"]), ("series", "")):
        if col not in table.columns:
            table[col] = default
    table["strict"] = False
    return table


def with_overrides(catalogue: pd.DataFrame, overrides: dict) -> pd.DataFrame:
    """The catalogue with a scenario's `targets:` section applied (tolerance, measure,
    strict)."""
    table = catalogue.copy()
    for tid, spec in overrides.items():
        row = table.index[table["id"] == tid]
        for key, value in spec.items():
            table.loc[row, key] = value
    return table


def target_measure(values: np.ndarray, years, target) -> np.ndarray:
    """The target's measure for (years, members) of its variable: levels, so an average
    growth is their CAGR."""
    how = "cagr" if target.measure == "average_growth" else target.measure
    return measures.value(values, years, how, int(target.year),
                          int(target.base_year), target.scale)


def target_status(measured, target) -> np.ndarray:
    """met / exceeded / above / below for measured values of one target."""
    return measures.status(measured, target.target, target.comparator, target.tolerance,
                           bool(getattr(target, "strict", False)))


def target_met(measured, target) -> np.ndarray:
    """Whether each measured value meets the target (超额 counts unless read strictly)."""
    return np.isin(target_status(measured, target), measures.MET)


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
            values = yearly[[t.variable]].to_numpy(dtype=float)
            value = float(target_measure(values, yearly.index, t)[0])
            if math.isnan(value):
                row.update(projected=math.nan, gap=math.nan, status="outside run")
            else:
                row.update(projected=value, gap=value - t.target,
                           status=target_status(value, t).item())
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def required_path(values: pd.Series, target) -> pd.Series | None:
    """The path a growth target implies from its base-year value, for charts; None for
    level targets."""
    if target.measure == "level" or target.base_year not in values.index:
        return None
    base = float(values[target.base_year])
    level = measures.implied_level(target.measure, target.target,
                                   target.year - target.base_year, base)
    years, path = measures.required_path(target.base_year, base, target.year, level)
    return pd.Series(path, index=years)
