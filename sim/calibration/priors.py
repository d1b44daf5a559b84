"""Priors of fitted parameters: a continuous distribution of sim.distributions with a source,
checked against the parameter's bounds, and their joint log density for the sampler.

    parameters:
      services price growth:
        bounds: [-0.05, 0.15]
        prior: {distribution: normal, mean: 0.025, sd: 0.01, source: "2016-2020 deflator"}

A normal or lognormal prior without lower/upper is truncated at the parameter's bounds.
"""

from __future__ import annotations

import math

import numpy as np

from .. import distributions
from ..errors import Problem

CONTINUOUS = ("normal", "uniform", "triangular", "lognormal")
CENTRE = {"normal": "mean", "lognormal": "median", "triangular": "mode"}


def check(raw, where: str, line, bounds: tuple[float, float], file: str,
          problems: list[Problem]) -> tuple[dict, str] | None:
    """The prior as (distribution spec, source), or None after adding the problems."""
    where = f"{where}.prior"
    if not isinstance(raw, dict) or raw.get("distribution") not in CONTINUOUS:
        got = raw.get("distribution") if isinstance(raw, dict) else raw
        problems.append(Problem(file, where, f"not a distribution ({got!r}). Write "
                                f"{{distribution: one of {', '.join(CONTINUOUS)}, its "
                                "parameters, source: where it comes from}.", line))
        return None
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(file, f"{where}.source", "missing. Say where the prior comes "
                                "from (the plan, the 2016-2020 record, the literature).", line))
        return None
    before = len(problems)
    clean = distributions._check_one({k: v for k, v in raw.items() if k != "source"}, file,
                                     where, line, problems)
    if clean is None or len(problems) > before:
        return None
    lo, hi = bounds
    kind = clean["distribution"]
    if kind in ("normal", "lognormal"):
        clean.setdefault("lower", lo)
        clean.setdefault("upper", hi)
    centre = clean.get(CENTRE.get(kind, ""), (clean["lower"] + clean["upper"]) / 2)
    if clean["lower"] < lo or clean["upper"] > hi or not lo <= centre <= hi:
        problems.append(Problem(file, where, f"lies outside the parameter's range: the prior "
                                f"reaches [{clean['lower']:g}, {clean['upper']:g}] (centre "
                                f"{centre:g}), the bounds are [{lo:g}, {hi:g}]. Move the prior "
                                "inside the bounds or widen the bounds.", line))
        return None
    return clean, source.strip()


def describe(spec: dict) -> str:
    """A short text form, e.g. 'normal(mean=0.025, sd=0.01) on [-0.05, 0.15]'."""
    keys = [k for k in distributions.FIELDS[spec["distribution"]]]
    inner = ", ".join(f"{k}={spec[k]:g}" for k in keys)
    limits = f" on [{spec['lower']:g}, {spec['upper']:g}]" if spec["distribution"] in (
        "normal", "lognormal") else ""
    return f"{spec['distribution']}({inner}){limits}"


def log_density(specs: list[dict], points: np.ndarray) -> np.ndarray:
    """Joint log prior of many points (rows; parameters independent a priori)."""
    points = np.atleast_2d(points)
    total = np.zeros(len(points))
    for i, spec in enumerate(specs):
        total = total + distributions.logpdf(spec, points[:, i])
    return total


def draw(specs: list[dict], n: int, rng: np.random.Generator) -> np.ndarray:
    """n independent draws of every parameter from its prior, shape (n, parameters)."""
    u = rng.uniform(1e-6, 1 - 1e-6, size=(n, len(specs)))
    return np.column_stack([distributions.ppf(s, u[:, i]) for i, s in enumerate(specs)])


def quantiles(spec: dict, q) -> np.ndarray:
    """The prior's quantiles q (fractions)."""
    return distributions.ppf(spec, np.asarray(q, dtype=float))


def sd(spec: dict) -> float:
    """The prior's standard deviation, by quadrature on its quantiles."""
    x = quantiles(spec, (np.arange(2000) + 0.5) / 2000)
    return float(np.std(x)) if np.all(np.isfinite(x)) else math.inf
