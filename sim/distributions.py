"""Parameter distributions of a scenario's `uncertainty:` section, and sampling from them.

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

from .errors import Problem
from .yamlfile import is_number, line_of, suggest

FIELDS = {
    "uniform": ("lower", "upper"),
    "normal": ("mean", "sd"),
    "triangular": ("lower", "mode", "upper"),
    "lognormal": ("median", "sigma"),
    "choice": ("values",),
}
OPTIONAL = {"normal": ("lower", "upper"), "lognormal": ("lower", "upper"),
            "choice": ("weights",)}
SECTION_KEYS = ("samples", "sampling", "seed", "parameters")
SAMPLINGS = ("latin_hypercube", "random")
MIN_SAMPLES = 10


def _support(spec: dict) -> tuple[float, float]:
    kind = spec["distribution"]
    if kind in ("uniform", "triangular"):
        return spec["lower"], spec["upper"]
    if kind == "choice":
        return min(spec["values"]), max(spec["values"])
    return spec.get("lower", -math.inf if kind == "normal" else 0.0), spec.get("upper", math.inf)


def check(section, file: str, info, problems: list[Problem]) -> dict:
    """The validated section: {samples, sampling, seed, parameters: {real name: spec}}."""
    out = {"samples": 1000, "sampling": "latin_hypercube", "seed": 0, "parameters": {}}
    if not isinstance(section, dict):
        problems.append(Problem(file, "uncertainty", "must be a mapping with parameters:."))
        return out
    for key, value in section.items():
        where, line = f"uncertainty.{key}", line_of(section, key)
        if key not in SECTION_KEYS:
            problems.append(Problem(file, where, f"unknown key. Allowed: "
                                    f"{', '.join(SECTION_KEYS)}.{suggest(key, SECTION_KEYS)}",
                                    line))
        elif key in ("samples", "seed") and (not isinstance(value, int)
                                            or isinstance(value, bool) or value < 0):
            problems.append(Problem(file, where, "must be a whole number >= 0.", line))
        elif key == "sampling" and value not in SAMPLINGS:
            problems.append(Problem(file, where, f"must be one of {', '.join(SAMPLINGS)}."
                                    f"{suggest(str(value), SAMPLINGS)}", line))
        elif key != "parameters":
            out[key] = value
    params = section.get("parameters") or {}
    if not isinstance(params, dict):
        problems.append(Problem(file, "uncertainty.parameters", "must map parameter names to "
                                "distributions."))
        return out
    for spec, where, line, p in info.known_parameters(params, file, "uncertainty.parameters",
                                                      problems):
        real = p.name
        clean = _check_one(spec, file, where, line, problems)
        if clean is None:
            continue
        lo, hi = _support(clean)
        if p.outside(lo, hi):
            problems.append(Problem(file, where, f"the distribution reaches [{lo:g}, {hi:g}], "
                                    f"outside the model's range {p.range_text()} for '{real}'. "
                                    "Set lower and upper inside it.", line))
            continue
        out["parameters"][real] = clean
    return out


def _check_one(spec, file, where, line, problems) -> dict | None:
    if not isinstance(spec, dict) or "distribution" not in spec:
        problems.append(Problem(file, where, f"needs distribution: one of {', '.join(FIELDS)}.",
                                line))
        return None
    kind = spec["distribution"]
    if kind not in FIELDS:
        problems.append(Problem(file, f"{where}.distribution", f"unknown distribution "
                                f"{kind!r}. Use one of {', '.join(FIELDS)}."
                                f"{suggest(str(kind), FIELDS)}", line))
        return None
    allowed = ("distribution",) + FIELDS[kind] + OPTIONAL.get(kind, ())
    extra = [k for k in spec if k not in allowed]
    missing = [k for k in FIELDS[kind] if k not in spec]
    if extra or missing:
        problems.append(Problem(file, where, f"a {kind} distribution takes "
                                f"{', '.join(allowed[1:])}" + (f"; missing {', '.join(missing)}"
                                                               if missing else "")
                                + (f"; unknown {', '.join(map(str, extra))}" if extra else "")
                                + ".", line))
        return None
    clean = {"distribution": kind}
    for key in allowed[1:]:
        if key not in spec:
            continue
        value = spec[key]
        if key in ("values", "weights"):
            if not isinstance(value, list) or not value or not all(map(is_number, value)):
                problems.append(Problem(file, f"{where}.{key}", "must be a list of numbers.",
                                        line))
                return None
            clean[key] = [float(v) for v in value]
        elif not is_number(value):
            problems.append(Problem(file, f"{where}.{key}", f"must be a number; got {value!r}.",
                                    line))
            return None
        else:
            clean[key] = float(value)
    bad = ""
    if kind in ("uniform", "triangular") and not clean["lower"] < clean["upper"]:
        bad = "lower must be below upper"
    elif kind == "triangular" and not clean["lower"] <= clean["mode"] <= clean["upper"]:
        bad = "mode must lie between lower and upper"
    elif kind in ("normal", "lognormal") and clean.get("sd", clean.get("sigma")) <= 0:
        bad = "the spread (sd or sigma) must be positive"
    elif kind == "lognormal" and clean["median"] <= 0:
        bad = "median must be positive"
    elif kind == "normal" and clean.get("lower", -math.inf) >= clean.get("upper", math.inf):
        bad = "lower must be below upper"
    elif kind == "choice" and "weights" in clean and (
            len(clean["weights"]) != len(clean["values"]) or min(clean["weights"]) < 0
            or sum(clean["weights"]) <= 0):
        bad = "weights must be one non-negative number per value"
    if bad:
        problems.append(Problem(file, where, f"{bad}.", line))
        return None
    return clean


def ppf(spec: dict, u: np.ndarray) -> np.ndarray:
    """Values at quantiles `u` in (0, 1) of one distribution."""
    from scipy import stats  # imported here: scipy.stats is slow to import, runs need it not

    kind = spec["distribution"]
    if kind == "uniform":
        return spec["lower"] + u * (spec["upper"] - spec["lower"])
    if kind == "triangular":
        lo, hi = spec["lower"], spec["upper"]
        return stats.triang.ppf(u, (spec["mode"] - lo) / (hi - lo), loc=lo, scale=hi - lo)
    if kind == "normal":
        mean, sd = spec["mean"], spec["sd"]
        a = (spec.get("lower", -np.inf) - mean) / sd
        b = (spec.get("upper", np.inf) - mean) / sd
        return stats.truncnorm.ppf(u, a, b, loc=mean, scale=sd)
    if kind == "lognormal":
        dist = stats.lognorm(spec["sigma"], scale=spec["median"])
        lo = dist.cdf(spec.get("lower", 0.0))
        hi = dist.cdf(spec.get("upper", np.inf))
        return dist.ppf(lo + u * (hi - lo))
    values = np.array(spec["values"])
    weights = np.array(spec.get("weights", [1.0] * len(values)))
    edges = np.cumsum(weights) / weights.sum()
    return values[np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)]


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
    from scipy import stats

    x = np.asarray(x, dtype=float)
    kind = spec["distribution"]
    if kind == "uniform":
        lo, hi = spec["lower"], spec["upper"]
        return np.where((x >= lo) & (x <= hi), -math.log(hi - lo), -np.inf)
    if kind == "triangular":
        lo, hi = spec["lower"], spec["upper"]
        return stats.triang.logpdf(x, (spec["mode"] - lo) / (hi - lo), loc=lo, scale=hi - lo)
    if kind == "normal":
        mean, sd = spec["mean"], spec["sd"]
        a = (spec.get("lower", -np.inf) - mean) / sd
        b = (spec.get("upper", np.inf) - mean) / sd
        return stats.truncnorm.logpdf(x, a, b, loc=mean, scale=sd)
    if kind == "lognormal":
        dist = stats.lognorm(spec["sigma"], scale=spec["median"])
        lo, hi = spec.get("lower", 0.0), spec.get("upper", np.inf)
        mass = dist.cdf(hi) - dist.cdf(lo)
        inside = (x >= lo) & (x <= hi)
        return np.where(inside, dist.logpdf(np.where(inside, x, spec["median"]))
                        - math.log(mass), -np.inf)
    raise ValueError(f"no density for a {kind} distribution")
