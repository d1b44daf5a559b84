"""Parameter distributions of a scenario's `uncertainty:` section (the same schema gives
calibration priors, sim/calibration/priors.py), and sampling from them.

    uncertainty:
      samples: 1000                  # default number of members
      sampling: latin_hypercube      # or random
      seed: 1
      parameters:
        sei real growth: {distribution: normal, mean: 0.08, sd: 0.01, lower: 0.05, upper: 0.11}
        services price growth: {distribution: uniform, lower: 0.01, upper: 0.04}
        hte formation rate: {distribution: triangular, lower: 0.14, mode: 0.18, upper: 0.22}
        online retail growth: {distribution: lognormal, median: 0.09, sigma: 0.2}
        innovation loop strength: {distribution: choice, values: [0, 1, 1.5]}

A normal distribution with lower/upper is truncated there. Every distribution's support must
lie inside the parameter's declared range in the model.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import modelcheck
from .errors import Problem
from .schema import distribution as schema_dist
from .yamlfile import line_of

MIN_SAMPLES = 10


def check(section, raw, file: str, info, problems: list[Problem]) -> dict:
    """The second pass over a schema-checked `uncertainty:` section: {real name: spec}.

    Each parameter must be a tunable constant of the model, and each distribution's support
    must lie inside the parameter's declared range. `raw` is the section as read (for lines).
    """
    out = {}
    raw_params = raw.get("parameters") if isinstance(raw, dict) else None
    for name, spec in section.parameters.items():
        key, line = f"uncertainty.parameters.{name}", line_of(raw_params, name)
        p = modelcheck.parameter(info, name, file, key, line, problems)
        if p is None:
            continue
        lo, hi = schema_dist.support(spec)
        if p.outside(lo, hi):
            problems.append(Problem(file, key, f"the distribution reaches [{lo:g}, {hi:g}], "
                                    f"outside the model's range {p.range_text()} for "
                                    f"'{p.name}'. Set lower and upper inside it.", line))
            continue
        out[p.name] = schema_dist.as_dict(spec)
    return out


def check_given(parameters: dict, file: str, info, problems: list[Problem]) -> dict:
    """{real name: spec} of distributions given as plain data ({name: {distribution: ...}})
    rather than read from a file, checked by the same schema and the same model checks."""
    from . import schema
    from .schema.scenario import Uncertainty

    section = schema.check(Uncertainty, {"parameters": parameters}, file, problems)
    return {} if section is None else check(section, {}, file, info, problems)


def _continuous(spec: dict):
    """(the law as a frozen scipy distribution, lower, upper): truncation to [lower, upper]
    is left to the caller; a normal comes truncated already, as scipy's truncnorm."""
    from scipy import stats  # imported here: scipy.stats is slow to import, runs need it not

    kind = spec["distribution"]
    lo, hi = spec.get("lower", -np.inf), spec.get("upper", np.inf)
    if kind == "uniform":
        return stats.uniform(loc=lo, scale=hi - lo), lo, hi
    if kind == "triangular":
        return stats.triang((spec["mode"] - lo) / (hi - lo), loc=lo, scale=hi - lo), lo, hi
    if kind == "normal":
        mean, sd = spec["mean"], spec["sd"]
        return stats.truncnorm((lo - mean) / sd, (hi - mean) / sd, loc=mean, scale=sd), \
            -np.inf, np.inf
    if kind == "lognormal":
        return stats.lognorm(spec["sigma"], scale=spec["median"]), spec.get("lower", 0.0), hi
    raise ValueError(f"no density for a {kind} distribution")


def ppf(spec: dict, u: np.ndarray) -> np.ndarray:
    """Values at quantiles `u` in (0, 1) of one distribution."""
    if spec["distribution"] == "choice":
        values = np.array(spec["values"])
        weights = np.array(spec.get("weights", [1.0] * len(values)))
        edges = np.cumsum(weights) / weights.sum()
        return values[np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)]
    dist, lo, hi = _continuous(spec)
    below, above = dist.cdf(lo), dist.cdf(hi)
    return dist.ppf(below + u * (above - below))


def sample(parameters: dict, n: int, sampling: str, seed: int) -> pd.DataFrame:
    """n draws of every parameter (columns), by Latin hypercube or plain random sampling."""
    from scipy.stats import qmc

    names = list(parameters)
    if sampling == "latin_hypercube":
        u = qmc.LatinHypercube(d=len(names), seed=seed).random(n)
    else:
        u = np.random.default_rng(seed).random((n, len(names)))
    table = pd.DataFrame({name: ppf(parameters[name], u[:, i]) for i, name in enumerate(names)})
    table.index.name = "member"
    return table


def logpdf(spec: dict, x: np.ndarray) -> np.ndarray:
    """Log density of one continuous distribution at `x` (-inf outside its support), with
    the same truncation as `ppf`."""
    x = np.asarray(x, dtype=float)
    dist, lo, hi = _continuous(spec)
    inside = (x >= lo) & (x <= hi)
    mass = dist.cdf(hi) - dist.cdf(lo)
    with np.errstate(divide="ignore"):
        return np.where(inside, dist.logpdf(np.where(inside, x, dist.median())) - math.log(mass),
                        -np.inf)
