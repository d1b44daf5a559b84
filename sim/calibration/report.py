"""A calibration's output folder and its printed summary."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from .. import messages
from .. import model as model_mod
from .. import outputs
from ..charts import calibration as charts
from ..runner import simulate
from . import priors
from .fit import Calibration, calibrated_scenario


def scenario_yaml(cal: Calibration, folder: Path) -> dict:
    """The calibrated scenario: extends the base and sets only the fitted parameters."""
    spec = cal.spec
    return {
        "name": f"{spec.name}_calibrated",
        "title": {lang: messages.text("calibrated_title", lang, name=spec.name)
                  for lang in messages.LANGS},
        "description": {lang: messages.text("calibrated_description", lang, spec=spec.path.name,
                                            base=spec.base_path.name)
                        for lang in messages.LANGS},
        "extends": os.path.relpath(spec.base_path, folder),
        "constants": {r.parameter: float(r.estimate) for r in cal.parameters.itertuples()},
        **({"actuals": os.path.relpath(spec.data_path, folder)} if anchored_fit(cal) else {}),
    }


def anchored_fit(cal: Calibration) -> bool:
    """Whether the fit used the anchored run's shocks (its calibrated scenario is anchored on
    the same data, so a projection starts from the latest actual)."""
    return cal.spec.likelihood == "shocks"


def write(cal: Calibration, out: Path, lang: str = "zh") -> Path:
    """Write the calibration's folder atomically; return its path."""
    spec = cal.spec
    dest = Path(out)
    with outputs.atomic_folder(dest, [spec.path, *spec.scenario.files, spec.scenario.model]) \
            as tmp:
        shocks = anchored_fit(cal)
        outputs.write_csv(cal.fit, tmp / ("shocks.csv" if shocks else "fit.csv"), index=False)
        outputs.write_csv(cal.parameters, tmp / "parameters.csv", index=False)
        outputs.write_csv(cal.stats, tmp / ("shock_stats.csv" if shocks else "stats.csv"),
                          index=False)
        outputs.write_csv(cal.correlation, tmp / "correlation.csv")
        if not cal.checks.empty:
            outputs.write_csv(cal.checks, tmp / "checks.csv", index=False)
        if cal.posterior is not None:
            outputs.write_csv(cal.posterior.saved(), tmp / "posterior.csv")
            outputs.write_csv(cal.posterior.diagnostics, tmp / "diagnostics.csv", index=False)
            charts.write_prior_posterior(_prior_panels(cal), tmp / "charts", lang)
        outputs.write_yaml(scenario_yaml(cal, dest.resolve()), tmp / f"{spec.name}.yaml")
        projection = simulate(calibrated_scenario(cal))
        if projection.targets is not None:
            outputs.write_csv(projection.targets, tmp / "projection_targets.csv", index=False)
        info = model_mod.info(spec.scenario.model)
        outputs.write_manifest({
            "calibration": spec.name,
            "files": {str(p): model_mod.file_sha256(p)
                      for p in [spec.path, spec.data_path, *spec.scenario.files[:-1]] if p},
            "model": {"path": str(info.path), "sha256": info.sha256},
            "method": spec.method, "seed": spec.seed,
            **({"walkers": spec.walkers, "steps": spec.steps, "burn": spec.burn,
                "acceptance": cal.posterior.acceptance} if cal.posterior is not None
               else {"starts": spec.starts}),
            "objective": cal.objective, "model_runs": cal.runs, "converged": cal.converged,
            "message": cal.message,
            "fitted": {r.parameter: r.estimate for r in cal.parameters.itertuples()},
            "likelihood": spec.likelihood, "skip_basis": list(spec.skip_basis),
            "linearisation_error": cal.linearisation_error,
        }, tmp / "manifest.json")
        if shocks:
            charts.write_shock_charts(cal.fit, tmp / "charts", lang)
        else:
            panels = [(name, _simulated_path(cal, name), group.set_index("year")["observed"])
                      for name, group in cal.fit.groupby("series", sort=True)]
            charts.write_fit_charts(panels, tmp / "charts", lang)
    return dest


def _prior_panels(cal: Calibration) -> list:
    """(name, posterior draws, prior density on a grid) per parameter."""
    import numpy as np

    from .. import distributions

    panels = []
    for p in cal.spec.parameters:
        lo, hi = priors.quantiles(p.prior, (0.001, 0.999))
        draws = cal.posterior.draws[p.name].to_numpy()
        grid = np.linspace(min(lo, draws.min()), max(hi, draws.max()), 200)
        panels.append((p.name, draws, grid, np.exp(distributions.logpdf(p.prior, grid))))
    return panels


def _simulated_path(cal: Calibration, name: str) -> pd.Series:
    from .. import indicators as ind

    catalogue = ind.catalogue_for(cal.spec.scenario.model)
    if catalogue is not None and name in set(catalogue["id"]):
        return ind.compute(cal.results, catalogue)[name].dropna()
    return ind.annual(cal.results)[name]


def _fmt(value: float) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else \
        f"{value:.4g}"


def _posterior_lines(cal: Calibration) -> list[str]:
    """Median and 90% interval beside the prior's, diagnostics and warnings per parameter."""
    lines = [f"{'converged' if cal.converged else 'NOT CONVERGED'}: {cal.message}", "",
             f"{'parameter':38s} {'median':>9}   {'90% interval':21s} {'prior 90%':21s} "
             f"{'tau':>5} {'ESS':>6} {'R-hat':>6}"]
    for r in cal.parameters.itertuples():
        lines.append(f"{r.parameter:38s} {r.estimate:9.5f}   "
                     f"{f'[{r.p5:.4f}, {r.p95:.4f}]':21s} "
                     f"{f'[{r.prior_p5:.4f}, {r.prior_p95:.4f}]':21s} {r.tau:5.1f} "
                     f"{r.ess:6.0f} {r.rhat:6.3f}" + (f"   ! {r.warning}" if r.warning else ""))
    return lines


def summary(cal: Calibration) -> str:
    """Fitted values with intervals and warnings, the correlation matrix and fit statistics."""
    if cal.posterior is not None:
        head = _posterior_lines(cal)
    else:
        head = _point_lines(cal)
    return "\n".join(head + _common_lines(cal))


def _point_lines(cal: Calibration) -> list[str]:
    lines = [f"{'converged' if cal.converged else 'DID NOT CONVERGE'}: objective "
             f"{cal.objective:.6g} after {cal.runs} model runs ({cal.message})", "",
             "parameter                              estimate   95% interval"]
    for r in cal.parameters.itertuples():
        lines.append(f"{r.parameter:38s} {r.estimate:9.5f}   [{_fmt(r.lower95)}, "
                     f"{_fmt(r.upper95)}]" + (f"   ! {r.warning}" if r.warning else ""))
    for w in cal.warnings:
        lines.append(f"! {w}")
    return lines


def _common_lines(cal: Calibration) -> list[str]:
    lines = ["", "correlation of the estimates:",
             cal.correlation.round(2).to_string(float_format=lambda v: f"{v:+.2f}"), ""]
    if anchored_fit(cal):
        lines.append(f"{'shock (one-year-ahead error at the median)':44s} {'n':>2} "
                     f"{'mean':>8} {'sd':>8}")
        for r in cal.stats.itertuples():
            lines.append(f"{r.shock:44s} {r.n:2d} {r.mean:+8.4f} {r.sd:8.4f}")
        return lines
    lines.append("series                                 n      RMSE    MAPE%      R²   "
                 "Theil U   U_M   U_S   U_C")
    for r in cal.stats.itertuples():
        lines.append(f"{r.series:38s} {r.n:2d} {_fmt(r.rmse):>9} {_fmt(r.mape):>8} "
                     f"{_fmt(r.r2):>7} {_fmt(r.theil_u):>9} {_fmt(r.um):>5} {_fmt(r.us):>5} "
                     f"{_fmt(r.uc):>5}")
    if not cal.checks.empty:
        lines += ["", "against the plan's own figures:"]
        for r in cal.checks.itertuples():
            lines.append(f"  {r.check}: plan {r.plan:g}, model {r.model:.2f} "
                         f"(off by {r.difference:+.2f})")
    return lines
