"""Which assumptions decide each 2025 target? Global sensitivity with SALib.

SALib designs the experiment on the unit hypercube (Saltelli's scheme for Sobol indices,
trajectories for Morris screening); each coordinate is mapped through the inverse CDF of the
parameter's distribution, so the indices refer to the distributions of the scenario's
`uncertainty:` section. The model runs are one batch-engine ensemble.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import distributions, ensemble
from . import model as model_mod
from . import outputs
from . import scenario as scen
from . import targets as tgt
from .charts.sensitivity import write_sensitivity_charts
from .errors import InputError, Problem
from .uncertainty import check_size, settings_for, target_values

METHODS = ("sobol", "morris")
MIN_BASE = {"sobol": 64, "morris": 10}
DEFAULT_BASE = {"sobol": 1024, "morris": 100}


@dataclass
class Sensitivity:
    scenario: scen.Scenario
    method: str
    indices: pd.DataFrame  # one row per target and parameter
    ranking: pd.DataFrame  # parameters ranked by their largest index over targets
    runs: int
    settings: dict


def _problem(names: list[str]) -> dict:
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def run(path, method: str = "sobol", samples: int | None = None, seed: int | None = None,
        progress=None, actuals=None, as_of=None) -> Sensitivity:
    """Indices of every modelled 2025 target for every uncertain parameter (anchored on
    actuals up to the as-of year when they are given). `path` is a scenario file or a loaded
    Scenario."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    from .anchoring import configure

    scenario = path if isinstance(path, scen.Scenario) else scen.load(path)
    scenario = configure(scenario, actuals, as_of)
    base = samples if samples is not None else DEFAULT_BASE[method]
    settings = settings_for(scenario, base, seed, None, minimum=MIN_BASE[method])
    if method == "sobol" and base & (base - 1):
        raise InputError([Problem("samples", str(base), "Sobol sampling needs a power of "
                                  "two (e.g. 512, 1024).")])
    params = settings["parameters"]
    names = list(params)
    if len(names) < 2:
        raise InputError([Problem(scen.display_path(scenario.path), "uncertainty.parameters",
                                  "list at least two uncertain parameters to compare.")])
    check_size(scenario, base * (len(names) + (2 if method == "sobol" else 1)), base, True)
    problem = _problem(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            unit = sobol_sample.sample(problem, base, calc_second_order=False,
                                       seed=settings["seed"])
        else:
            unit = morris_sample.sample(problem, base, num_levels=4, seed=settings["seed"])
    eps = 1e-12  # the hypercube's edges map to infinite quantiles of unbounded distributions
    unit = np.clip(unit, eps, 1 - eps)
    draws = pd.DataFrame({n: distributions.ppf(params[n], unit[:, i])
                          for i, n in enumerate(names)})
    ens = ensemble.run(scenario, draws, progress)
    catalogue = tgt.catalogue_for(scenario.model)
    rows = []
    if catalogue is not None:
        catalogue = tgt.with_overrides(catalogue, scenario.targets)
        for t in catalogue.itertuples(index=False):
            if t.variable == tgt.TRACKED:
                continue
            y = target_values(ens, t)
            if y is None or not np.all(np.isfinite(y)):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if method == "sobol":
                    res = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                                seed=settings["seed"])
                    cols = {"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                            "ST_conf": res["ST_conf"]}
                else:
                    res = morris_analyze.analyze(problem, unit, y, num_levels=4,
                                                 seed=settings["seed"])
                    cols = {"mu_star": res["mu_star"], "mu_star_conf": res["mu_star_conf"],
                            "sigma": res["sigma"]}
            for i, name in enumerate(names):
                rows.append({"id": t.id, "indicator_zh": t.indicator_zh,
                             "indicator_en": t.indicator_en, "parameter": name,
                             **{k: float(v[i]) for k, v in cols.items()}})
    indices = pd.DataFrame(rows)
    key = "ST" if method == "sobol" else "mu_star"
    if indices.empty:
        ranking = pd.DataFrame(columns=["parameter", f"max_{key}", "top_for"])
    else:
        if method == "morris":  # scale-free: each target's mu* relative to its largest
            largest = indices.groupby("id")["mu_star"].transform("max")
            indices["mu_star_rel"] = (indices["mu_star"] / largest.where(largest > 0)).fillna(0)
            key = "mu_star_rel"
        ranked = indices.dropna(subset=[key])
        ranked = ranked[ranked.groupby("id")[key].transform("max") > 0]
        best = ranked.loc[ranked.groupby("id")[key].idxmax()]
        top = best.groupby("parameter")["id"].apply(lambda s: ", ".join(s))
        ranking = (indices.groupby("parameter")[key].max().rename(f"max_{key}")
                   .sort_values(ascending=False).reset_index())
        ranking["top_for"] = ranking["parameter"].map(top).fillna("")
    return Sensitivity(scenario, method, indices, ranking, len(draws),
                       {**settings, "samples": base})


def write(result: Sensitivity, out: Path, lang: str = "zh") -> Path:
    """indices.csv, ranking.csv, a bar chart per target and manifest.json."""
    dest = Path(out)
    info = model_mod.info(result.scenario.model)
    with outputs.atomic_folder(dest, [*result.scenario.files, result.scenario.model]) as tmp:
        outputs.write_csv(result.indices, tmp / "indices.csv", index=False)
        outputs.write_csv(result.ranking, tmp / "ranking.csv", index=False)
        outputs.write_manifest({
            "scenario": result.scenario.name, "method": result.method,
            "base_samples": result.settings["samples"], "model_runs": result.runs,
            "seed": result.settings["seed"],
            "files": {str(p): model_mod.file_sha256(p) for p in result.scenario.files},
            "model": {"path": str(info.path), "sha256": info.sha256},
            "distributions": result.settings["parameters"],
        }, tmp / "manifest.json")
        write_sensitivity_charts(result.indices, result.method, tmp / "charts", lang)
    return dest
