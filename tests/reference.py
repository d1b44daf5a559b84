"""Expected values from PySD itself: the plan model translated and run by PySD with no sim
code in between, for tests that check the numbers sim computes and writes.

A scenario's year-by-year value for year Y drives the flows from Y-1 to Y (models/README.md);
`by_year` writes such a rate as the series PySD takes, one value per integration step.
"""

from __future__ import annotations

import atexit
import functools
import math
import shutil
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import yaml

from .conftest import MODEL

START, END, STEP = 2020, 2025, 0.25  # the model's INITIAL TIME, FINAL TIME and TIME STEP


@functools.cache
def _translation() -> str:
    """PySD's translation of a copy of the model, made once per test session."""
    folder = Path(tempfile.mkdtemp(prefix="pysd-reference-"))
    atexit.register(shutil.rmtree, folder, True)
    copy = folder / MODEL.name
    shutil.copyfile(MODEL, copy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd

        return str(pysd.read_vensim(str(copy)).py_model_file)


def _model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pysd

        return pysd.load(_translation())  # fresh: PySD keeps parameters between runs


def default(name: str) -> float:
    """The model's own value of a constant."""
    return float(_model()[name])


def by_year(name: str, values: dict) -> pd.Series:
    """`name` at values[Y] on the steps from Y-1 to Y and at the model's value elsewhere."""
    base = default(name)
    grid = [START + STEP * i for i in range(int((END - START) / STEP) + 1)]
    return pd.Series([values.get(math.floor(t) + 1, base) for t in grid], index=grid)


def run(params: dict | None = None) -> pd.DataFrame:
    """PySD's results of the plan model, one row per year: {name: value or by_year series}."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = _model().run(params=dict(params or {}))
    results.index = results.index.astype(float)
    return results


def scenario_params(path: Path) -> dict:
    """The constants and year-by-year series a scenario file sets itself (not what it
    extends), as PySD params."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    params = dict(data.get("constants") or {})
    for name, values in (data.get("series") or {}).items():
        params[name] = by_year(name, {int(y): float(v) for y, v in values.items()})
    return params
