"""Plan indicators in the plan's units (亿元, %, count), computed from model results.

The catalogue is `indicators.csv` beside the model file: each row maps an indicator id of
plan_indicators.csv to a model variable, a measure (its level, or its year-on-year growth)
and a scale (100 turns a model fraction into the plan's %).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import measures

CATALOGUE_NAME = "indicators.csv"


def catalogue_for(model_path: Path) -> pd.DataFrame | None:
    """The indicator catalogue that ships beside `model_path`, or None for other models."""
    path = Path(model_path).with_name(CATALOGUE_NAME)
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"scale": float}, keep_default_na=False)


def annual(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of `results` at whole years, indexed by integer year."""
    times = results.index.to_numpy(dtype=float)
    whole = np.isclose(times, np.round(times), rtol=0, atol=1e-9)
    out = results.loc[whole].copy()
    out.index = np.round(times[whole]).astype(int)
    out.index.name = "year"
    return out


def compute(results: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Year by indicator table: one column per catalogue id present in `results`."""
    yearly = annual(results)
    columns = {}
    for row in catalogue.itertuples(index=False):
        if row.variable not in yearly.columns:
            continue
        series = yearly[row.variable].astype(float)
        if row.measure == "yoy":
            growth = measures.yoy(series.to_numpy()) / 100.0
            series = pd.Series(np.concatenate([[np.nan], growth]), index=series.index)
        columns[row.id] = series * row.scale
    table = pd.DataFrame(columns, index=yearly.index)
    table.index.name = "year"
    return table


def labels(catalogue: pd.DataFrame, lang: str) -> dict[str, tuple[str, str]]:
    """{id: (name, unit)} in the chosen language, for tables and charts."""
    zh = lang == "zh"
    return {r.id: (r.indicator_zh if zh else r.indicator_en, r.unit_zh if zh else r.unit)
            for r in catalogue.itertuples(index=False)}
