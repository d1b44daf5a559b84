"""Back-test a calibration: fit to the data before a year, project, and compare the projection
and two naive forecasts with the data from that year on.

- The fit uses the spec's observations before `hold_out_from` only.
- The projection runs the model with the posterior (its median, and the 5-95% band of the
  posterior's draws) and starts from the last actual. A fit on the anchored run's shocks
  (`likelihood: shocks`) anchors every member on the fit's data up to the year before the
  hold-out (sim/anchoring.py) and projects from there with the member's trends. A fit on
  residuals scales each level indicator's path, and shifts each share's, so that it passes
  through its last observed value before `hold_out_from`; growth rates are the model's own.
- Naive forecasts from the same observations: the last observed CAGR continued (the growth
  between the last two observations), and a random walk with drift (the average growth over
  all observations before the hold-out). Shares (in %) use the additive forms: the last
  change per year continued, and the average change per year. For a growth rate the two
  forecasts of the level it measures give the last observed rate and the mean rate.
- Errors are forecast − observed, in the indicator's unit and in % of the observed value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import ensemble
from .. import indicators as ind
from ..errors import InputError, Problem
from ..yamlfile import display_path
from . import fit as fit_mod
from .spec import Spec, observations

GOAL_INDICATORS = ("gdp_nominal", "services_va")
GOAL_TOLERANCE_PCT = 3.0
GOAL_HORIZON = 2  # the second held-out year: 2024 for a hold-out from 2023
BAND_MEMBERS = 1000
ANCHORED_BAND_MEMBERS = 200  # each is anchored year by year, so fewer
FORECASTS = ("projection", "last_cagr", "drift")


@dataclass
class Backtest:
    spec: Spec
    hold_out_from: int
    calibration: fit_mod.Calibration
    paths: pd.DataFrame     # indicator, year, observed, projection, p5, p95, last_cagr, drift
    errors: pd.DataFrame    # held-out rows with each forecast's error
    summary: pd.DataFrame   # per indicator: mean absolute % error of each forecast
    verdicts: list[str]

    def write(self, folder, lang: str = "zh") -> Path:
        """The back-test's folder (see `write`)."""
        return write(self, Path(folder), lang)


def _kind(name: str, catalogue) -> str:
    """'rate' for growth rates, 'additive' for other % series (shares), else 'level'."""
    if catalogue is None or name not in set(catalogue["id"]):
        return "level"
    row = catalogue.set_index("id").loc[name]
    return "rate" if row["measure"] == "yoy" else "additive" if "%" in row["unit"] else "level"


def naive(observed: pd.Series, years, kind: str) -> pd.DataFrame:
    """The two naive forecasts of one series (index year) for `years`. For a growth rate
    they are the same forecasts of the level it measures: the last rate held, and the mean
    rate."""
    obs = observed.dropna().sort_index()
    out = pd.DataFrame(index=pd.Index(list(years), name="year"),
                       columns=["last_cagr", "drift"], dtype=float)
    if kind == "rate" and len(obs):
        out["last_cagr"], out["drift"] = obs.iloc[-1], obs.mean()
        return out
    additive = kind == "additive"
    if len(obs) < 2:
        return out
    (ya, va), (yb, vb) = obs.iloc[-2:].items()
    y0, v0 = obs.index[0], obs.iloc[0]
    ahead = out.index.to_numpy() - yb
    if additive:
        out["last_cagr"] = vb + (vb - va) / (yb - ya) * ahead
        out["drift"] = vb + (vb - v0) / (yb - y0) * ahead
    elif min(va, vb, v0) > 0:
        out["last_cagr"] = vb * (vb / va) ** (ahead / (yb - ya))
        out["drift"] = vb * np.exp(math.log(vb / v0) / (yb - y0) * ahead)
    return out


def _projection(spec: Spec, cal, before: pd.DataFrame, rows: pd.DataFrame,
                final: int) -> pd.DataFrame:
    """Median and 5-95% band of each (indicator, year) row, from the last actual."""
    scenario = replace(spec.scenario, time={**spec.scenario.time,
                                            "final": max(final, spec.scenario.time["final"])})
    names = [p.name for p in spec.parameters]
    median = cal.parameters.set_index("parameter").loc[names, "estimate"].to_numpy()
    draws = [median]
    if cal.posterior is not None:
        saved = cal.posterior.saved()[names]
        step = max(1, len(saved) // BAND_MEMBERS)
        draws += list(saved.to_numpy()[::step])
    objective = fit_mod.Objective(replace(spec, scenario=scenario, data=rows))
    ens = ensemble.run(scenario, pd.DataFrame(np.array(draws), columns=names))
    values = objective._member_values(ens)  # (rows, members)
    catalogue = objective.catalogue
    measures = (catalogue.set_index("id")["measure"].to_dict() if catalogue is not None else {})
    out = rows[["indicator", "year"]].copy()
    for name in rows["indicator"].unique():
        mask = (rows["indicator"] == name).to_numpy()
        last = before[before["indicator"] == name].sort_values("year")
        if measures.get(name) == "yoy" or last.empty:
            continue
        at = last.iloc[-1]
        base = (rows["indicator"] == name) & (rows["year"] == at["year"])
        model_last = values[base.to_numpy()][0]
        if _kind(name, catalogue) == "additive":
            values[mask] = values[mask] + (at["value"] - model_last)
        else:
            values[mask] = values[mask] * (at["value"] / model_last)
    out["projection"] = values[:, 0]
    band = values[:, 1:] if values.shape[1] > 1 else values[:, :1]
    out["p5"], out["p95"] = np.percentile(band, 5, axis=1), np.percentile(band, 95, axis=1)
    return out


def _anchored_projection(spec: Spec, cal, rows: pd.DataFrame, final: int,
                         as_of: int) -> pd.DataFrame:
    """Median and 5-95% band of each (indicator, year) row: every member anchored on the
    fit's data up to `as_of`, then projected with its own trend parameters."""
    from .. import anchoring

    scenario = replace(spec.scenario, time={**spec.scenario.time,
                                            "final": max(final, spec.scenario.time["final"])})
    names = [p.name for p in spec.parameters]
    draws = [cal.parameters.set_index("parameter").loc[names, "estimate"].to_numpy()]
    if cal.posterior is not None:
        saved = cal.posterior.saved()[names].to_numpy()
        draws += list(saved[::max(1, len(saved) // ANCHORED_BAND_MEMBERS)])
    points = np.array(draws)
    members = {n: points[:, j] for j, n in enumerate(names)}
    solution = anchoring.solve(scenario, spec.data, as_of, members)
    initial = {a.input for a in anchoring.catalogue_for(scenario.model) if a.kind == "initial"}
    model = anchoring._Model(scenario, members, initial)
    out = model.run(int(scenario.time["final"]), solution.initial, solution.shocks)
    t0 = int(round(scenario.time["initial"]))
    values = np.full((len(rows), len(points)), np.nan)
    for i, r in enumerate(rows.itertuples()):
        if r.indicator in model.rows and r.year > t0:
            values[i] = model.value(out, r.indicator, int(r.year) - t0)
    result = rows[["indicator", "year"]].copy()
    result["projection"] = values[:, 0]
    band = values[:, 1:] if values.shape[1] > 1 else values[:, :1]
    result["p5"], result["p95"] = np.percentile(band, 5, axis=1), np.percentile(band, 95,
                                                                                 axis=1)
    return result


def run(spec: Spec, hold_out_from: int, progress=None) -> Backtest:
    """Fit before `hold_out_from`, project, and score against the data from it on."""
    shown = display_path(spec.path)
    full = observations(spec.data_path, spec.scenario,
                        (spec.scenario.time["initial"], math.inf), spec.skip_basis,
                        anchored=spec.likelihood == "shocks")
    before = full[full["year"] < hold_out_from].reset_index(drop=True)
    held = full[full["year"] >= hold_out_from].reset_index(drop=True)
    fit_data = spec.data[spec.data["year"] < hold_out_from].reset_index(drop=True)
    if fit_data.empty or held.empty:
        which = "before" if fit_data.empty else "from"
        raise InputError([Problem("hold_out_from", str(hold_out_from), f"no observations "
                                  f"{which} {hold_out_from} in {display_path(spec.data_path)}, the "
                                  f"data of {shown}. Choose a year inside the data's span.")])
    fit_spec = replace(spec, data=fit_data)
    cal = fit_mod.calibrate(fit_spec, progress)
    catalogue = ind.catalogue_for(spec.scenario.model)
    shown_names = sorted(held["indicator"].unique())
    scored = before[before["indicator"].isin(shown_names)]
    rows = pd.concat([scored, held])[["indicator", "year", "value"]]
    rows = rows.drop_duplicates(["indicator", "year"]).sort_values(["indicator", "year"])
    rows = rows.reset_index(drop=True)
    if spec.likelihood == "shocks":
        paths = _anchored_projection(fit_spec, cal, rows, int(held["year"].max()),
                                     hold_out_from - 1)
    else:
        paths = _projection(fit_spec, cal, before, rows, int(held["year"].max()))
    paths.insert(2, "observed", rows["value"].to_numpy())
    paths["held_out"] = paths["year"] >= hold_out_from
    parts = []
    for name, group in paths.groupby("indicator", sort=True):
        obs = scored[scored["indicator"] == name].set_index("year")["value"]
        parts.append(naive(obs, group["year"], _kind(name, catalogue))
                     .set_index(group.index))
    paths = paths.join(pd.concat(parts))
    paths.loc[~paths["held_out"], ["last_cagr", "drift"]] = np.nan
    errors = paths[paths["held_out"]].drop(columns="held_out").reset_index(drop=True)
    for f in FORECASTS:
        errors[f"{f}_error"] = errors[f] - errors["observed"]
        errors[f"{f}_error_pct"] = 100 * errors[f"{f}_error"] / errors["observed"].abs()
    summary = errors.groupby("indicator", sort=True).agg(
        years=("year", "count"),
        **{f"{f}_mape": (f"{f}_error_pct", lambda e: float(np.mean(np.abs(e))))
           for f in FORECASTS}).reset_index()
    summary["best"] = summary[[f"{f}_mape" for f in FORECASTS]].idxmin(axis=1).str[:-5]
    return Backtest(spec, hold_out_from, cal, paths.drop(columns="held_out"), errors, summary,
                    verdicts(errors, hold_out_from))


def verdicts(errors: pd.DataFrame, hold_out_from: int) -> list[str]:
    """Whether the projection meets the goal on GDP and services value added, said plainly."""
    year = hold_out_from + GOAL_HORIZON - 1
    lines = []
    for name in GOAL_INDICATORS:
        row = errors[(errors["indicator"] == name) & (errors["year"] == year)]
        if row.empty:
            lines.append(f"{name} {year}: no observation held out, goal not assessed")
            continue
        r = row.iloc[0]
        e, c, d = (float(r[f"{f}_error_pct"]) for f in FORECASTS)
        within = abs(e) <= GOAL_TOLERANCE_PCT
        beats = abs(e) < abs(c) and abs(e) < abs(d)
        verdict = "beats both naive forecasts" if beats else \
            "does NOT beat both naive forecasts"
        lines.append(f"{name} {year}: projection {e:+.1f}%, last CAGR {c:+.1f}%, drift "
                     f"{d:+.1f}% -> {verdict}, {'within' if within else 'NOT within'} "
                     f"{GOAL_TOLERANCE_PCT:g}%")
    return lines


def write(bt: Backtest, out: Path, lang: str = "zh") -> Path:
    """errors.csv, paths.csv, summary.csv, parameters.csv, a chart per indicator, manifest."""
    from .. import model as model_mod
    from .. import outputs
    from ..charts.calibration import write_backtest_charts

    dest = Path(out)
    spec = bt.spec
    with outputs.atomic_folder(dest, [spec.path, spec.data_path, *spec.scenario.files,
                                      spec.scenario.model]) as tmp:
        outputs.write_csv(bt.errors, tmp / "errors.csv", index=False)
        outputs.write_csv(bt.paths, tmp / "paths.csv", index=False)
        outputs.write_csv(bt.summary, tmp / "summary.csv", index=False)
        outputs.write_csv(bt.calibration.parameters, tmp / "parameters.csv", index=False)
        info = model_mod.info(spec.scenario.model)
        outputs.write_manifest({
            "backtest": spec.name, "hold_out_from": bt.hold_out_from,
            "files": {str(p): model_mod.file_sha256(p)
                      for p in [spec.path, spec.data_path, *spec.scenario.files[:-1]]},
            "model": {"path": str(info.path), "sha256": info.sha256},
            "method": spec.method, "seed": spec.seed, "converged": bt.calibration.converged,
            "message": bt.calibration.message, "verdicts": bt.verdicts,
        }, tmp / "manifest.json")
        write_backtest_charts(bt.paths, bt.hold_out_from, tmp / "charts", lang)
    return dest


def summary_text(bt: Backtest) -> str:
    """The printed table: mean absolute % error of each forecast per indicator, and the goal."""
    lines = [f"fit to the data before {bt.hold_out_from}: "
             f"{'converged' if bt.calibration.converged else 'NOT CONVERGED'} "
             f"({bt.calibration.message})", "",
             f"{'indicator':38s} {'years':>5} {'projection':>11} {'last CAGR':>10} "
             f"{'drift':>8}  best (mean absolute % error)"]
    def pct(value, width):
        return f"{'-':>{width}} " if math.isnan(value) else f"{value:{width}.2f}%"

    for r in bt.summary.itertuples():
        lines.append(f"{r.indicator:38s} {r.years:5d} {pct(r.projection_mape, 10)} "
                     f"{pct(r.last_cagr_mape, 9)} {pct(r.drift_mape, 7)}  {r.best}")
    return "\n".join(lines + [""] + bt.verdicts)
