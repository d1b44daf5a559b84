"""How likely is each 2025 target? Sample the uncertain parameters, run every member, and
summarise the indicators as percentiles and each target as a probability of being met."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import budget, distributions, ensemble, measures, outputs
from . import indicators as ind
from . import model as model_mod
from . import scenario as scen
from . import targets as tgt
from .charts.fan import FanPanel, write_fan_charts
from .charts.labels import target_unit, unit_label
from .errors import InputError, Problem
from .schema.scenario import MAX_SAMPLES, MAX_SEED

PERCENTILES = (5, 25, 50, 75, 95)


@dataclass
class Uncertainty:
    scenario: scen.Scenario
    samples: pd.DataFrame
    percentiles: pd.DataFrame
    probabilities: pd.DataFrame
    ensemble: ensemble.Ensemble
    settings: dict


def settings_for(scenario: scen.Scenario, samples=None, seed=None, sampling=None,
                 minimum: int = distributions.MIN_SAMPLES, posterior=None) -> dict:
    """The scenario's uncertainty settings with command-line overrides, checked."""
    where = scen.display_path(scenario.path)
    section = scenario.uncertainty
    if not section.get("parameters") and posterior is None:
        raise InputError([Problem(where, "uncertainty", "no uncertain parameters. Add an "
                                  "uncertainty: section (see scenarios/README.md).")])
    out = {"samples": 1000, "sampling": "latin_hypercube", "seed": 0, "parameters": {},
           **section}
    if samples is not None:
        out["samples"] = samples
    if seed is not None:
        out["seed"] = seed
    if sampling is not None:
        out["sampling"] = sampling
    if out["samples"] < minimum:
        raise InputError([Problem("samples", str(out["samples"]), f"too few members: use at "
                                  f"least {minimum}.")])
    if out["samples"] > MAX_SAMPLES:
        raise InputError([Problem("samples", str(out["samples"]), f"too many members: use "
                                  f"at most {MAX_SAMPLES:,}.")])
    if not 0 <= out["seed"] <= MAX_SEED:
        raise InputError([Problem("seed", str(out["seed"]), f"must be a whole number from 0 "
                                  f"to {MAX_SEED:,}.")])
    check_size(scenario, out["samples"], out["samples"], samples is not None)
    return out


def check_size(scenario: scen.Scenario, members: int, samples: int, given: bool) -> None:
    """Refuse an ensemble of `members` runs that would exceed the step or memory budget
    (sim/budget.py), before anything is drawn or run; the problem names the `samples`
    argument if `given`, else the scenario's uncertainty.samples."""
    variables = len(model_mod.info(scenario.model).variables)
    if problem := budget.check_members(members, scenario.time, variables):
        where = ("samples", str(samples)) if given else \
            (scen.display_path(scenario.path), "uncertainty.samples")
        raise InputError([Problem(*where, problem)])


def member_values(ens: ensemble.Ensemble, variable: str, measure: str, scale: float):
    """(years, values of shape (years, members)) of one indicator across the ensemble."""
    years, values = ens.yearly(variable)
    if measure == "yoy":
        return years[1:], measures.yoy(values) * scale / 100.0
    return years, values * scale


def target_values(ens: ensemble.Ensemble, target) -> np.ndarray | None:
    """The target's measure for every member (None if the run does not cover it)."""
    if target.variable not in ens.values:
        return None
    years, values = ens.yearly(target.variable)
    out = tgt.target_measure(values, years, target)
    return None if np.all(np.isnan(out)) else out


def _read(indicators, targets) -> list[str] | None:
    """The variables the summaries read (every variable for a model with no catalogue)."""
    if indicators is None and targets is None:
        return None
    names = set(indicators["variable"]) if indicators is not None else set()
    names |= set(targets["variable"]) if targets is not None else set()
    return sorted(names - {tgt.TRACKED})


def run(path, samples=None, seed=None, sampling=None, progress=None,
        actuals=None, as_of=None, posterior=None) -> Uncertainty:
    """Sample, run and summarise; returns pandas objects (nothing is written). With actuals,
    every member is anchored on them up to the as-of year (sim/anchoring.py). `path` is a
    scenario file or a loaded Scenario. `posterior` (a `sim calibrate` folder) replaces the
    drawn parameters it covers by draws of the calibration's posterior."""
    from .anchoring import configure

    scenario = path if isinstance(path, scen.Scenario) else scen.load(path)
    scenario = configure(scenario, actuals, as_of)
    settings = settings_for(scenario, samples, seed, sampling, posterior=posterior)
    draws = _draws(scenario, settings, posterior)
    catalogue = ind.catalogue_for(scenario.model)
    catalogue_t = tgt.catalogue_for(scenario.model)
    ens = ensemble.run(scenario, draws, progress, outputs=_read(catalogue, catalogue_t))
    rows = []
    for r in (catalogue.itertuples(index=False) if catalogue is not None else []):
        if r.variable not in ens.values:
            continue
        years, values = member_values(ens, r.variable, r.measure, r.scale)
        q = np.percentile(values, PERCENTILES, axis=1)
        for i, year in enumerate(years):
            rows.append({"indicator": r.id, "year": int(year),
                         **{f"p{p}": q[j, i] for j, p in enumerate(PERCENTILES)}})
    percentiles = pd.DataFrame(rows, columns=["indicator", "year"] +
                               [f"p{p}" for p in PERCENTILES])
    probs = []
    if catalogue_t is not None:
        catalogue_t = tgt.with_overrides(catalogue_t, scenario.targets)
        for t in catalogue_t.itertuples(index=False):
            values = target_values(ens, t) if t.variable != tgt.TRACKED else None
            if values is None:
                continue
            q = np.percentile(values, PERCENTILES)
            probs.append({"id": t.id, "indicator_zh": t.indicator_zh,
                          "indicator_en": t.indicator_en, "year": t.year, "target": t.target,
                          "comparator": t.comparator, "tolerance": t.tolerance,
                          "strict": bool(t.strict),
                          "measure": t.measure,
                          "p_met": float(np.mean(tgt.target_met(values, t))),
                          **{f"p{p}": q[j] for j, p in enumerate(PERCENTILES)}})
    probabilities = pd.DataFrame(probs)
    return Uncertainty(scenario, draws, percentiles.round(10), probabilities, ens, settings)


def _draws(scenario: scen.Scenario, settings: dict, posterior) -> pd.DataFrame:
    """The members' parameter values: the scenario's distributions, and the posterior's
    draws for the parameters a calibration fitted."""
    n, seed = settings["samples"], settings["seed"]
    if posterior is None:
        return distributions.sample(settings["parameters"], n, settings["sampling"], seed)
    from .calibration.posterior import load_draws

    fitted = load_draws(posterior, model_mod.info(scenario.model), n, seed)
    settings["posterior"] = {"folder": str(posterior), "parameters": list(fitted.columns)}
    rest = {k: v for k, v in settings["parameters"].items() if k not in fitted.columns}
    if not rest:
        return fitted
    return pd.concat([distributions.sample(rest, n, settings["sampling"], seed), fitted],
                     axis=1)


def write(result: Uncertainty, out: Path, lang: str = "zh") -> Path:
    """samples.csv, percentiles.csv, probabilities.csv, fan charts and manifest.json."""
    dest = Path(out)
    scenario = result.scenario
    info = model_mod.info(scenario.model)
    with outputs.atomic_folder(dest, [*scenario.files, scenario.model]) as tmp:
        outputs.write_csv(result.samples, tmp / "samples.csv")
        outputs.write_csv(result.percentiles, tmp / "percentiles.csv", index=False)
        if not result.probabilities.empty:
            outputs.write_csv(result.probabilities, tmp / "probabilities.csv", index=False)
        outputs.write_yaml(scenario.to_dict(info), tmp / "scenario.yaml")
        outputs.write_manifest({
            "scenario": scenario.name, "scenario_sha256": scen.scenario_hash(scenario),
            "engine": result.ensemble.engine,
            "notice": result.ensemble.notice,
            "files": {str(p): model_mod.file_sha256(p) for p in scenario.files},
            "model": {"path": str(info.path), "sha256": info.sha256},
            "samples": result.settings["samples"], "sampling": result.settings["sampling"],
            "seed": result.settings["seed"], "distributions": result.settings["parameters"],
            "posterior": result.settings.get("posterior"),
        }, tmp / "manifest.json")
        _fan_charts(result, tmp / "charts", lang)
    return dest


def _fan_charts(result: Uncertainty, folder: Path, lang: str) -> None:
    catalogue = tgt.catalogue_for(result.scenario.model)
    if catalogue is None or result.probabilities.empty:
        return
    catalogue = tgt.with_overrides(catalogue, result.scenario.targets)
    info = model_mod.info(result.scenario.model)
    ens = result.ensemble
    prob = result.probabilities.set_index("id")["p_met"]
    panels = []
    for t in catalogue.itertuples(index=False):
        if t.id not in prob.index:
            continue
        years, values = ens.yearly(t.variable)
        values = values * (t.scale if t.measure == "level" else 1.0)
        bands = pd.DataFrame(np.percentile(values, PERCENTILES, axis=1).T, index=years,
                             columns=[f"p{p}" for p in PERCENTILES])
        required = None
        if t.measure != "level":
            required = tgt.required_path(bands["p50"], t)
        unit = target_unit(t, lang)
        if t.measure != "level":  # growth targets are drawn as the level that grows
            unit = unit_label(info.doc.set_index("Real Name")["Units"].get(t.variable, ""),
                              lang)
        panels.append(FanPanel(t, bands, required, unit, float(prob[t.id])))
    write_fan_charts(panels, folder, lang)
