"""Priors of fitted parameters: a continuous distribution of the uncertainty sections' schema
with a source (checked against the parameter's bounds by the spec's schema), and their joint
log density for the sampler.

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
from ..schema import distribution as schema_dist


def from_schema(prior) -> tuple[dict, str]:
    """A prior checked by the spec's schema (sim/schema/calibration.py: a distribution of
    sim/schema/distribution.py with a source, truncated at the bounds) as (spec, source)."""
    spec = schema_dist.as_dict(prior)
    return spec, spec.pop("source").strip()


def describe(spec: dict) -> str:
    """A short text form, e.g. 'normal(mean=0.025, sd=0.01) on [-0.05, 0.15]'."""
    keys = schema_dist.FIELDS[spec["distribution"]]
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
