"""Fit model parameters to observed series, with intervals and identification warnings.

The objective is the sum of squared weighted residuals, each series divided by its own
scale (the mean absolute observed value), so that 亿元 and % series count alike. Bounded
least squares runs from several starts (the spec's start values first, then points drawn
from the bounds with the spec's seed), or differential evolution searches globally and
least squares polishes its best point. Candidate points run together through the batch
engine (a Jacobian's shifted points, a population of differential evolution). 95% intervals come from the Jacobian at the
optimum: cov = s² (JᵀJ)⁻¹ with s² the residual variance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from .. import engine, ensemble, measures
from .. import indicators as ind
from ..scenario import with_values
from .. import anchoring
from . import anchored, posterior, priors, stats
from .spec import DE_POPULATION, Spec

CORRELATION_WARNING = 0.95
CONDITION_WARNING = 1e8
LINEARISATION_WARNING = 0.005  # half a point of growth


@dataclass
class Calibration:
    """Everything a fit produced, as pandas objects."""

    spec: Spec
    parameters: pd.DataFrame
    correlation: pd.DataFrame
    fit: pd.DataFrame
    stats: pd.DataFrame
    checks: pd.DataFrame
    objective: float
    runs: int  # the search's model runs (a least-squares fit: counted against max_runs)
    converged: bool
    message: str
    results: pd.DataFrame
    warnings: list
    posterior: object = None
    linearisation_error: float | None = None
    after_runs: int = 0  # model runs after the search: the best point's fit, its intervals


class BudgetExhausted(Exception):
    """The next batch of model runs would go past the spec's max_runs."""

    def __init__(self, needed: int, left: int):
        super().__init__(needed, left)
        self.needed, self.left = needed, left


class Objective:
    """Runs the model at a parameter vector and compares it with the observations."""

    def __init__(self, spec: Spec, progress=None):
        self.spec = spec
        self.names = [p.name for p in spec.parameters]
        self.catalogue = ind.catalogue_for(spec.scenario.model)
        data = spec.data
        self.series = data["indicator"].to_numpy()
        self.years = data["year"].to_numpy()
        self.observed = data["value"].to_numpy(dtype=float)
        scale = data.groupby("indicator")["value"].transform(lambda v: v.abs().mean())
        self.scale = np.where(scale.to_numpy() > 0, scale.to_numpy(), 1.0)
        self.weight = np.array([spec.weights.get(s, 1.0) for s in self.series])
        self.runs = 0
        self.limit: int | None = spec.max_runs
        self.best = (math.inf, None)
        self.progress = progress
        self._plan_cache = None

    def simulate(self, theta) -> pd.DataFrame:
        """Every variable of one run at `theta` (the scenario's yearly values still apply)."""
        scenario = replace(self.spec.scenario,
                           constants={**self.spec.scenario.constants,
                                      **dict(zip(self.names, map(float, theta), strict=True))})
        self.runs += 1
        return engine.run(scenario)

    def values(self, results: pd.DataFrame) -> np.ndarray:
        """The simulated value of every observation in one run's results."""
        yearly = ind.annual(results)
        table = ind.compute(results, self.catalogue) if self.catalogue is not None else None
        out = np.empty(len(self.series))
        for i, (name, year) in enumerate(zip(self.series, self.years, strict=True)):
            source = table if table is not None and name in table.columns else yearly
            out[i] = source[name].get(year, np.nan) if name in source.columns else np.nan
        return out

    def _plan(self) -> list[tuple[str, str, float, np.ndarray, np.ndarray]]:
        """Per observed series: variable, measure, scale, observation rows and their years."""
        rows = {}
        if self.catalogue is not None:
            rows = {r.id: r for r in self.catalogue.itertuples(index=False)}
        plan = []
        for name in sorted(set(self.series)):
            row = rows.get(name)
            where = np.flatnonzero(self.series == name)
            plan.append((row.variable if row is not None else name,
                         row.measure if row is not None else "level",
                         row.scale if row is not None else 1.0, where,
                         self.years[where].astype(int)))
        return plan

    def _member_values(self, ens: ensemble.Ensemble) -> np.ndarray:
        """The simulated value of every observation for every member: (observations, m)."""
        if self._plan_cache is None:
            self._plan_cache = self._plan()
        out = np.full((len(self.series), ens.values[next(iter(ens.values))].shape[1]), np.nan)
        for variable, measure, scale, where, years in self._plan_cache:
            saved, values = ens.yearly(variable)
            if measure == "yoy":
                saved, values = saved[1:], measures.yoy(values) / 100.0
            index = np.searchsorted(saved, years)
            found = (index < len(saved)) & (saved[np.minimum(index, len(saved) - 1)] == years)
            out[where[found]] = values[index[found]] * scale
        return out

    def evaluate(self, points: np.ndarray) -> np.ndarray:
        """Residuals of many parameter vectors at once (rows of `points`): (m, observations).

        The members run together through the batch engine, which is what makes multi-start
        Jacobians and differential evolution's populations cheap.
        """
        points = np.atleast_2d(np.asarray(points, dtype=float))
        if self.limit is not None and self.runs + len(points) > self.limit:
            raise BudgetExhausted(len(points), self.limit - self.runs)
        ens = ensemble.run(self.spec.scenario, pd.DataFrame(points, columns=self.names))
        self.runs += len(points)
        simulated = self._member_values(ens)
        res = (self.weight[:, None] * (simulated - self.observed[:, None])
               / self.scale[:, None]).T
        res = np.where(np.isfinite(res), res, 1e3)  # a failed run is far from the data
        totals = np.einsum("ij,ij->i", res, res)
        best = int(np.argmin(totals))
        if totals[best] < self.best[0]:
            self.best = (float(totals[best]), points[best].copy())
        if self.progress:
            self.progress(self.runs, self.best[0])
        return res

    def residuals(self, theta) -> np.ndarray:
        return self.evaluate(theta)[0]

    def jacobian(self, theta) -> np.ndarray:
        """Forward differences of the residuals, stepping inward from any bound; the base
        point and the p shifted points run as one batch.

        (The optimiser's own Jacobian is scaled down for parameters at a bound, which would
        hide how the data respond to them; this one is not.)"""
        theta = np.asarray(theta, dtype=float)
        steps = np.array([1e-5 * (p.upper - p.lower) for p in self.spec.parameters])
        upper = np.array([p.upper for p in self.spec.parameters])
        steps = np.where(theta + steps > upper, -steps, steps)
        points = np.vstack([theta, theta + np.diag(steps)])
        res = self.evaluate(points)
        return ((res[1:] - res[0]) / steps[:, None]).T


def model_runs(n: int) -> str:
    """'1 model run', '5 model runs'."""
    return f"{n} model run" + ("" if n == 1 else "s")


def _starts(spec: Spec) -> list[np.ndarray]:
    lower = np.array([p.lower for p in spec.parameters])
    upper = np.array([p.upper for p in spec.parameters])
    rng = np.random.default_rng(spec.seed)
    points = [np.array([p.start for p in spec.parameters])]
    points += [lower + rng.random(len(lower)) * (upper - lower) for _ in range(spec.starts - 1)]
    return points


def _optimise(spec: Spec, objective: Objective):
    """The best result found and whether the optimiser converged within max_runs."""
    lower = np.array([p.lower for p in spec.parameters])
    upper = np.array([p.upper for p in spec.parameters])
    kwargs = dict(jac=objective.jacobian, bounds=(lower, upper), method="trf",
                  x_scale=upper - lower, xtol=1e-8, ftol=1e-8, gtol=1e-8)
    best, converged = None, False
    try:
        if spec.method == "differential_evolution":
            found = optimize.differential_evolution(
                lambda x: np.sum(objective.evaluate(x.T) ** 2, axis=1),
                list(zip(lower, upper, strict=True)), seed=spec.seed, vectorized=True,
                updating="deferred",
                maxiter=max(2, int(0.7 * spec.max_runs) // (DE_POPULATION * len(lower)) - 1),
                popsize=DE_POPULATION,
                tol=1e-8,
                polish=False, init="latinhypercube")
            best = optimize.least_squares(objective.residuals, found.x, **kwargs)
            converged = bool(found.success or best.status > 0)
        else:
            for x0 in _starts(spec):
                result = optimize.least_squares(objective.residuals, x0, **kwargs)
                if best is None or result.cost < best.cost:
                    best = result
            converged = bool(best.status > 0)
    except BudgetExhausted as stop:
        best = optimize.OptimizeResult(
            x=objective.best[1], cost=objective.best[0] / 2, status=0,
            message=f"stopped at max_runs = {spec.max_runs}: the next step needed "
                    f"{model_runs(stop.needed)}, {stop.left} left")
        converged = False
    return best, converged


def _intervals(spec: Spec, result, jac: np.ndarray, n_obs: int):
    names = [p.name for p in spec.parameters]
    p = len(names)
    dof = n_obs - p
    jtj = jac.T @ jac
    warnings: list[str] = []
    cond = np.linalg.cond(jtj) if p else 0.0
    if dof <= 0:
        warnings.append(f"not identified: {n_obs} observations for {p} parameters")
        cov = np.full((p, p), np.nan)
    else:
        s2 = 2 * result.cost / dof
        cov = s2 * np.linalg.pinv(jtj)
        if not np.isfinite(cond) or cond > CONDITION_WARNING:
            warnings.append(f"near-singular Jacobian (condition number {cond:.3g}): some "
                            "parameters cannot be told apart by these data")
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    t = sps.t.ppf(0.975, dof) if dof > 0 else math.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(se, se)
    rows = []
    for i, prm in enumerate(spec.parameters):
        est = float(result.x[i])
        lo, hi = est - t * se[i], est + t * se[i]
        notes = []
        span = prm.upper - prm.lower
        if not np.isfinite(se[i]) or np.linalg.norm(jac[:, i]) < 1e-10:
            notes.append("the data do not respond to it")
        elif min(est - prm.lower, prm.upper - est) <= 1e-6 * span:
            notes.append("estimate at a bound")
        elif lo <= prm.lower or hi >= prm.upper:
            notes.append("interval reaches a bound")
        if prm.historical and not prm.historical[0] <= est <= prm.historical[1]:
            notes.append(f"outside the range seen historically [{prm.historical[0]:g}, "
                         f"{prm.historical[1]:g}]")
        for j, other in enumerate(names):
            if j != i and np.isfinite(corr[i, j]) and abs(corr[i, j]) > CORRELATION_WARNING:
                notes.append(f"correlation {corr[i, j]:+.2f} with '{other}'")
        rows.append({"parameter": prm.name, "estimate": est, "std_error": float(se[i]),
                     "lower95": float(lo), "upper95": float(hi), "lower_bound": prm.lower,
                     "upper_bound": prm.upper, "start": prm.start,
                     "warning": "; ".join(notes)})
    parameters = pd.DataFrame(rows)
    correlation = pd.DataFrame(corr, index=names, columns=names)
    return parameters, correlation, warnings


def _check_values(spec: Spec, results: pd.DataFrame, catalogue) -> pd.DataFrame:
    yearly = ind.annual(results)
    table = ind.compute(results, catalogue) if catalogue is not None else pd.DataFrame()
    rows = []
    for c in spec.checks:
        series = table[c.indicator] if c.indicator in table.columns else yearly[c.indicator]
        a, b = float(series.get(c.start, np.nan)), float(series.get(c.end, np.nan))
        if c.measure == "cagr":
            value = float(measures.cagr(b, a, c.end - c.start))
        elif c.measure == "change_per_year":
            value = float(measures.points_per_year(b, a, c.end - c.start))
        else:
            value = b
        rows.append({"check": c.label, "indicator": c.indicator, "measure": c.measure,
                     "from": c.start, "to": c.end, "plan": c.plan, "model": value,
                     "difference": value - c.plan})
    return pd.DataFrame(rows, columns=["check", "indicator", "measure", "from", "to", "plan",
                                       "model", "difference"])


def calibrate(spec: Spec, progress=None) -> Calibration:
    """Fit `spec`'s parameters; never raises for a failed convergence (see `converged`).

    mcmc reports the posterior (its median as the point estimate); the other methods report
    the least-squares optimum with Jacobian intervals."""
    objective = Objective(spec, progress)
    if spec.method == "mcmc" and spec.likelihood == "shocks":
        return _on_shocks(spec)
    if spec.method == "mcmc":
        return _with_posterior(spec, objective)
    result, converged = _optimise(spec, objective)
    if objective.best[0] < 2 * result.cost - 1e-15:
        result.x, result.cost = objective.best[1], objective.best[0] / 2  # best point seen
    search = objective.runs
    objective.limit = None  # the runs below measure the fit, they do not search
    best_results = objective.simulate(result.x)
    simulated = objective.values(best_results)
    fit = pd.DataFrame({"series": objective.series, "year": objective.years,
                        "observed": objective.observed, "simulated": simulated,
                        "residual": simulated - objective.observed,
                        "weight": objective.weight, "scale": objective.scale})
    fit = fit.sort_values(["series", "year"]).reset_index(drop=True)
    jac = objective.jacobian(result.x)
    parameters, correlation, warnings = _intervals(spec, result, jac, len(objective.observed))
    message = result.message if hasattr(result, "message") else ""
    return Calibration(
        spec=spec, parameters=parameters, correlation=correlation, fit=fit,
        stats=stats.table(fit), checks=_check_values(spec, best_results, objective.catalogue),
        objective=float(2 * result.cost), runs=search, converged=converged,
        message=str(message), results=best_results, warnings=warnings,
        after_runs=objective.runs - search)


def _fit_table(objective: Objective, results: pd.DataFrame) -> pd.DataFrame:
    simulated = objective.values(results)
    fit = pd.DataFrame({"series": objective.series, "year": objective.years,
                        "observed": objective.observed, "simulated": simulated,
                        "residual": simulated - objective.observed,
                        "weight": objective.weight, "scale": objective.scale})
    return fit.sort_values(["series", "year"]).reset_index(drop=True)


def _with_posterior(spec: Spec, objective: Objective) -> Calibration:
    objective.limit = None  # the sampler's length is set by walkers and steps
    post = posterior.sample(spec, objective.evaluate, objective.series)
    median = post.median
    search = objective.runs
    results = objective.simulate(median)
    fit = _fit_table(objective, results)
    weighted = fit["weight"] * fit["residual"] / fit["scale"]
    parameters = posterior.parameter_table(spec, post, CORRELATION_WARNING)
    return Calibration(
        spec=spec, parameters=parameters, correlation=post.draws.corr(), fit=fit,
        stats=stats.table(fit), checks=_check_values(spec, results, objective.catalogue),
        objective=float(np.sum(weighted ** 2)), runs=search,
        converged=post.converged, message=post.message, results=results,
        warnings=[] if post.converged else [post.message], posterior=post,
        after_runs=objective.runs - search)


def _on_shocks(spec: Spec) -> Calibration:
    """The posterior of the trend parameters given the shocks of the anchored run."""
    from .. import engine

    centre = np.array([float(priors.quantiles(p.prior, 0.5)) for p in spec.parameters])
    first = anchored.linearise(spec, centre)
    mode = posterior.find_mode(spec, posterior.log_posterior(
        spec, first, first.series, anchored.DEFAULT_NOISE))
    shock_map = anchored.linearise(spec, mode)  # re-centred at the mode
    post = posterior.sample(spec, shock_map, shock_map.series, anchored.DEFAULT_NOISE, mode)
    median = post.median
    shocks, error = anchored.table(spec, shock_map, median)
    warnings = [] if post.converged else [post.message]
    if error > LINEARISATION_WARNING:
        warnings.append(f"the shocks at the posterior median differ from their linear "
                        f"expansion by up to {error:.4f}: treat the intervals as approximate")
    names = [p.name for p in spec.parameters]
    scenario = replace(spec.scenario, constants={**spec.scenario.constants,
                                                 **dict(zip(names, map(float, median)))})
    results = anchoring.anchor(scenario, spec.data, anchored.as_of(spec), engine.run).results
    parameters = posterior.parameter_table(spec, post, CORRELATION_WARNING)
    return Calibration(
        spec=spec, parameters=parameters, correlation=post.draws.corr(), fit=shocks,
        stats=anchored.summary(shocks), checks=_check_values(spec, results, None),
        objective=float(np.nansum(shocks["value"] ** 2)), runs=2 * (len(names) + 1) + 2,
        converged=post.converged, message=f"{post.message}; linearisation error {error:.2g}",
        results=results, warnings=warnings, posterior=post, linearisation_error=error)


def calibrated_scenario(cal: Calibration):
    """The base scenario with the fitted values, over the base scenario's own time."""
    from .. import scenario as scen

    base = scen.load(cal.spec.base_path)
    fitted = dict(zip(cal.parameters["parameter"], cal.parameters["estimate"], strict=True))
    out = with_values(base, str(cal.spec.path), constants=fitted)
    if cal.spec.likelihood == "shocks":  # projected from the latest actual
        out = replace(out, actuals=cal.spec.data_path)
    return out
