"""The scenario's uncertainty section around the page's current values.

A distribution whose parameter the page has moved follows it: shifted by the change (scaled
by it for a lognormal), its bounds kept inside the parameter's range. A discrete choice, or a
distribution squeezed to a point by those bounds, gives way to the page's value. Every member
then runs at once (sim/ensemble.py); the result is P(target met) per target and the 5-95%
band of each chart.
"""

from __future__ import annotations

import numpy as np

from .. import distributions, ensemble
from .. import scenario as scen
from .. import targets as tgt
from .. import uncertainty as unc
from ..errors import InputError, Problem
from . import request

BAND = (5, 95)


def _clip(value, p):
    lo = -np.inf if p.minimum is None else p.minimum
    hi = np.inf if p.maximum is None else p.maximum
    return float(min(max(value, lo), hi))


def recentred(spec: dict, old: float, new: float, p) -> dict | None:
    """`spec` moved from the scenario's value `old` to the page's `new`; None when the
    parameter should simply take `new`."""
    if new == old:
        return spec
    kind = spec["distribution"]
    out = dict(spec)
    if kind == "choice":
        return None
    if kind == "lognormal":
        if old <= 0 or new <= 0:
            return None
        ratio = new / old
        out["median"] = spec["median"] * ratio
        for key in ("lower", "upper"):
            if key in spec:
                out[key] = _clip(spec[key] * ratio, p)
    else:
        delta = new - old
        for key in ("lower", "upper", "mode", "mean"):
            if key in spec:
                out[key] = _clip(spec[key] + delta, p) if key in ("lower", "upper") \
                    else spec[key] + delta
        if "lower" in out and "upper" in out and not out["lower"] < out["upper"]:
            return None
        if kind == "triangular":
            out["mode"] = min(max(out["mode"], out["lower"]), out["upper"])
    return out


def section_for(base: scen.Scenario, current: scen.Scenario, info) -> dict:
    """The base scenario's uncertainty section recentred on `current`'s values, checked by
    the same rules as a scenario file's section."""
    settings = unc.settings_for(base)
    old = base.resolved_constants(info)
    new = current.resolved_constants(info)
    moved = {}
    for name, spec in settings["parameters"].items():
        spec = recentred(spec, old[name], new[name], info.parameters[name])
        if spec is not None:
            moved[name] = spec
    problems: list[Problem] = []
    parameters = distributions.check_given(moved, request.WHERE, info, problems)
    if problems:
        raise InputError(problems)
    return {**settings, "parameters": parameters}


def run(base: scen.Scenario, current: scen.Scenario, info, catalogue, charts: list[dict],
        samples: int | None = None) -> dict:
    """P(target met) per modelled target and the 5-95% band of each chart."""
    settings = section_for(base, current, info)
    n = int(samples or settings["samples"])
    if not settings["parameters"]:
        raise InputError([Problem(request.WHERE, "uncertainty", "no uncertain parameter is "
                                  "left: every one is fixed by the page's values.")])
    draws = distributions.sample(settings["parameters"], n, settings["sampling"],
                                 settings["seed"])
    ens = ensemble.run(current, draws)
    wanted = {c["id"] for c in charts}
    probabilities, bands = {}, {}
    for t in catalogue.itertuples(index=False):
        if t.id not in wanted:
            continue
        values = unc.target_values(ens, t)
        if values is None:
            continue
        probabilities[t.id] = float(np.mean(tgt.target_met(values, t)))
        years, levels = ens.yearly(t.variable)
        if t.measure == "level":
            levels = levels * t.scale
        low, high = np.percentile(levels, BAND, axis=1)
        bands[t.id] = {"years": [int(y) for y in years], "low": low.tolist(),
                       "high": high.tolist()}
    return {"samples": n, "parameters": sorted(settings["parameters"]),
            "probabilities": probabilities, "bands": bands}
