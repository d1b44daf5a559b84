"""Posterior draws of the fitted parameters by MCMC, with convergence diagnostics.

emcee's ensemble sampler (differential-evolution, snooker and stretch moves) moves half the
walkers at a time, each half in one batch-engine call (`vectorize=True`). The walkers start
in a small ball around the posterior mode (found from the best of START_POOL × walkers prior
draws); the first `burn` steps are discarded. Diagnostics per parameter: the integrated
autocorrelation time τ (emcee), the effective sample size (kept draws / τ) and the split
R-hat across walkers (Gelman et al. 2013, each walker's chain split in halves); for the run,
the mean acceptance fraction. The chain counts as converged when it is at least MIN_TAUS τ long
for every parameter, R-hat is below RHAT_LIMIT and the acceptance lies in ACCEPTANCE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import priors
from .likelihood import SeriesLikelihood

MIN_TAUS = 20
RHAT_LIMIT = 1.1
ACCEPTANCE = (0.1, 0.9)
START_POOL = 8  # prior draws per walker: the search for the mode starts at the best of them
MODE_ITERATIONS = 200
JITTER = 0.01  # the walkers start around the mode, spread by this fraction of the prior's sd
MAX_SAVED = 4000  # draws written to posterior.csv
QUANTILES = (0.05, 0.5, 0.95)


@dataclass
class Posterior:
    """Kept draws (rows) with their log posterior, and the chain's diagnostics."""

    draws: pd.DataFrame
    log_prob: np.ndarray
    chain: np.ndarray  # (kept steps, walkers, parameters)
    diagnostics: pd.DataFrame
    acceptance: float
    converged: bool
    message: str

    @property
    def median(self) -> np.ndarray:
        return self.draws.median().to_numpy()

    def saved(self) -> pd.DataFrame:
        """At most MAX_SAVED draws, evenly spaced through the chain (for posterior.csv)."""
        step = max(1, math.ceil(len(self.draws) / MAX_SAVED))
        out = self.draws.iloc[::step].reset_index(drop=True)
        out.index.name = "draw"
        return out


def _mode(log_prob, x0: np.ndarray, parameters) -> np.ndarray:
    """The posterior mode near x0 (bounded quasi-Newton; each gradient is one batch of
    forward differences), where the walkers start."""
    from scipy import optimize

    lower = np.array([p.lower for p in parameters])
    upper = np.array([p.upper for p in parameters])
    steps = 1e-6 * (upper - lower)

    def value_and_gradient(x):
        shifted = np.where(x + steps > upper, -steps, steps)
        values = log_prob(np.vstack([x, x + np.diag(shifted)]))
        if not np.all(np.isfinite(values)):
            return 1e12, np.zeros_like(x)
        return -values[0], -(values[1:] - values[0]) / shifted

    found = optimize.minimize(value_and_gradient, x0, jac=True, method="L-BFGS-B",
                              bounds=list(zip(lower, upper, strict=True)),
                              options={"maxiter": MODE_ITERATIONS})
    return found.x if np.isfinite(found.fun) and found.fun < -log_prob(x0[None])[0] else x0


def split_rhat(chain: np.ndarray) -> np.ndarray:
    """Split R-hat per parameter of a (steps, walkers, parameters) chain."""
    half = chain.shape[0] // 2
    parts = np.concatenate([chain[:half], chain[half:2 * half]], axis=1)  # (n, 2w, p)
    n = parts.shape[0]
    means = parts.mean(axis=0)
    within = parts.var(axis=0, ddof=1).mean(axis=0)
    between = n * means.var(axis=0, ddof=1)
    var = (n - 1) / n * within + between / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(within > 0, np.sqrt(var / within), np.nan)


def log_posterior(spec, residuals, series, default_noise=None):
    """log prior + log likelihood of many points at once; `residuals(points)` gives the
    (members, observations) residuals of the observation `series`."""
    specs = [p.prior for p in spec.parameters]
    likelihood = SeriesLikelihood(series, spec.noise, *(
        (default_noise,) if default_noise is not None else ()))

    def log_prob(points):
        points = np.atleast_2d(points)
        lp = priors.log_density(specs, points)
        out = np.full(len(points), -np.inf)
        ok = np.isfinite(lp)
        if ok.any():
            out[ok] = lp[ok] + likelihood(residuals(points[ok]))
        return out

    return log_prob


def find_mode(spec, log_prob) -> np.ndarray:
    """The posterior mode, searched from the most probable of START_POOL × walkers prior
    draws."""
    rng = np.random.default_rng(spec.seed)
    pool = priors.draw([p.prior for p in spec.parameters], START_POOL * spec.walkers, rng)
    return _mode(log_prob, pool[int(np.argmax(log_prob(pool)))], spec.parameters)


def sample(spec, residuals, series, default_noise=None, mode=None) -> Posterior:
    """Run the ensemble sampler on the spec's priors and the likelihood of `residuals`."""
    import emcee

    names = [p.name for p in spec.parameters]
    specs = [p.prior for p in spec.parameters]
    log_prob = log_posterior(spec, residuals, series, default_noise)
    if mode is None:
        mode = find_mode(spec, log_prob)
    rng = np.random.default_rng(spec.seed + 1)
    scale = np.array([JITTER * min(priors.sd(s), p.upper - p.lower)
                      for s, p in zip(specs, spec.parameters, strict=True)])
    lower = np.array([p.lower for p in spec.parameters])
    upper = np.array([p.upper for p in spec.parameters])
    start = np.clip(mode + scale * rng.standard_normal((spec.walkers, len(names))),
                    lower + 1e-9 * (upper - lower), upper - 1e-9 * (upper - lower))
    moves = [(emcee.moves.DEMove(), 0.6), (emcee.moves.DESnookerMove(), 0.2),
             (emcee.moves.StretchMove(), 0.2)]
    sampler = emcee.EnsembleSampler(spec.walkers, len(names), log_prob, moves=moves,
                                    vectorize=True)
    sampler.random_state = np.random.RandomState(spec.seed).get_state()
    sampler.run_mcmc(start, spec.steps)
    chain = sampler.get_chain(discard=spec.burn)
    logp = sampler.get_log_prob(discard=spec.burn)
    tau = np.asarray(emcee.autocorr.integrated_time(chain, tol=0), dtype=float)
    kept = chain.shape[0] * chain.shape[1]
    rhat = split_rhat(chain)
    acceptance = float(np.mean(sampler.acceptance_fraction))
    diagnostics = pd.DataFrame({"parameter": names, "tau": tau, "ess": kept / tau,
                                "rhat": rhat, "steps_per_tau": chain.shape[0] / tau})
    problems = []
    short = [n for n, t in zip(names, tau, strict=True) if chain.shape[0] < MIN_TAUS * t]
    if short:
        problems.append(f"chain shorter than {MIN_TAUS} autocorrelation times for "
                        f"{', '.join(short)}; raise method.steps")
    high = [n for n, r in zip(names, rhat, strict=True) if not r < RHAT_LIMIT]
    if high:
        problems.append(f"R-hat above {RHAT_LIMIT} for {', '.join(high)}")
    if not ACCEPTANCE[0] <= acceptance <= ACCEPTANCE[1]:
        problems.append(f"acceptance fraction {acceptance:.2f} outside {ACCEPTANCE}")
    draws = pd.DataFrame(chain.reshape(-1, len(names)), columns=names)
    message = "; ".join(problems) or (
        f"{spec.walkers} walkers x {spec.steps} steps, {spec.burn} burnt; acceptance "
        f"{acceptance:.2f}, max tau {np.max(tau):.1f}, min ESS {np.min(kept / tau):.0f}")
    return Posterior(draws, logp.reshape(-1), chain, diagnostics, acceptance, not problems,
                     message)


def parameter_table(spec, post: Posterior, correlation_warning: float = 0.95) -> pd.DataFrame:
    """Median, mean, sd and 90% interval of each parameter beside its prior, with warnings."""
    q = post.draws.quantile(QUANTILES)
    corr = post.draws.corr()
    rows = []
    for p, d in zip(spec.parameters, post.diagnostics.itertuples(), strict=True):
        col = post.draws[p.name]
        lo, med, hi = (float(q.loc[x, p.name]) for x in QUANTILES)
        prior_lo, prior_hi = priors.quantiles(p.prior, (0.05, 0.95))
        span = p.upper - p.lower
        notes = []
        if min(lo - p.lower, p.upper - hi) <= 0.01 * span:
            notes.append("posterior piles up at a bound")
        if p.historical and not p.historical[0] <= med <= p.historical[1]:
            notes.append(f"outside the range seen historically [{p.historical[0]:g}, "
                         f"{p.historical[1]:g}]")
        prior_sd = priors.sd(p.prior)
        if math.isfinite(prior_sd) and col.std() > 0.9 * prior_sd:
            notes.append("the data say little: the posterior is close to the prior")
        for other in corr.columns:
            r = corr.loc[p.name, other]
            if other != p.name and np.isfinite(r) and abs(r) > correlation_warning:
                notes.append(f"correlation {r:+.2f} with '{other}'")
        rows.append({"parameter": p.name, "estimate": med, "mean": float(col.mean()),
                     "sd": float(col.std()), "p5": lo, "p95": hi,
                     "prior": priors.describe(p.prior), "prior_p5": float(prior_lo),
                     "prior_p95": float(prior_hi), "prior_source": p.source,
                     "historical_low": p.historical[0] if p.historical else np.nan,
                     "historical_high": p.historical[1] if p.historical else np.nan,
                     "lower_bound": p.lower, "upper_bound": p.upper, "tau": d.tau,
                     "ess": d.ess, "rhat": d.rhat, "warning": "; ".join(notes)})
    return pd.DataFrame(rows)


def load_draws(folder, info, n: int, seed: int) -> pd.DataFrame:
    """n draws resampled (with replacement, from `seed`) from a calibration's posterior.csv,
    whole rows at a time so that the parameters keep their joint posterior."""
    from pathlib import Path

    from ..errors import InputError, Problem

    path = Path(folder) / "posterior.csv"
    if not path.is_file():
        raise InputError([Problem("posterior", str(folder), "no posterior.csv in this "
                                  "folder. Give the output folder of 'sim calibrate' with "
                                  "method mcmc.")])
    table = pd.read_csv(path, encoding="utf-8-sig", index_col="draw")
    problems = [Problem(str(path), str(name), info.unknown_parameter(str(name)))
                for name in table.columns if info.parameter(str(name)) is None]
    if table.empty or table.isna().any().any():
        problems.append(Problem(str(path), "", "empty or incomplete draws. Run 'sim calibrate' "
                                "again to rewrite it."))
    if problems:
        raise InputError(problems)
    table.columns = [info.parameter(str(c)).name for c in table.columns]
    rows = np.random.default_rng(seed).integers(0, len(table), n)
    out = table.iloc[rows].reset_index(drop=True)
    out.index.name = "member"
    return out
