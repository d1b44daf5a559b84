"""The likelihood of trend parameters on the shocks of an anchored run.

Anchoring (sim/anchoring.py) solves, year by year, the shock inputs that make the model
reproduce the observed data. Since the anchored path of the state is the data, a parameter
vector's shocks are its one-year-ahead errors: a trend that is right leaves shocks that
scatter around zero, and a shock year stays one year among many. Each shock series s gets
the Student-t likelihood of likelihood.py (its scale σ_s integrated out, prior guess s0 from
the spec's `noise:`, DEFAULT_NOISE otherwise, in growth-rate units).

Solving the shocks takes a Newton iteration per year, too slow for every step of a sampler.
The shocks are close to linear in the trend parameters (most parameters add to a growth rate
whose shock absorbs them one for one), so the sampler works on their first-order expansion
about the posterior mode: one batch solve of p + 1 members gives the base shocks and the
Jacobian. The exact shocks at the posterior median are solved again afterwards, and their
largest difference from the expansion is reported (`linearisation error`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import anchoring

DEFAULT_NOISE = 0.02  # two points of growth a year
STEP = 1e-4           # finite-difference step, as a fraction of the parameter's bound span
MIN_RESPONSE = 1e-3   # a shock that moves less than this per unit of every parameter is left out


def as_of(spec) -> int:
    """The last year of the fit: the latest year with data inside the spec's window."""
    return int(min(spec.data["year"].max(), spec.scenario.time["final"]))


def solve(spec, points: np.ndarray, year: int | None = None):
    """Shocks of each member (rows of `points`) that reproduce the spec's data to `year`:
    (labels [(shock, year)], values of shape (labels, members), the anchoring's Solution)."""
    names = [p.name for p in spec.parameters]
    points = np.atleast_2d(points)
    solution = anchoring.solve(spec.scenario, spec.data, year or as_of(spec),
                               {n: points[:, j] for j, n in enumerate(names)})
    labels = [(name, y) for name in sorted(solution.shocks)
              for y in sorted(solution.shocks[name])]
    values = np.array([solution.shocks[n][y] for n, y in labels]).reshape(len(labels), -1)
    return labels, values, solution


@dataclass
class ShockMap:
    """Shocks as a linear function of the parameters about `centre`."""

    labels: list[tuple[str, int]]
    centre: np.ndarray
    base: np.ndarray       # (labels,)
    jacobian: np.ndarray   # (labels, parameters)

    @property
    def series(self) -> np.ndarray:
        return np.array([name for name, _ in self.labels])

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """(members, labels) shocks of many parameter vectors."""
        return self.base + (np.atleast_2d(points) - self.centre) @ self.jacobian.T


def linearise(spec, centre: np.ndarray) -> ShockMap:
    """The expansion about `centre`, keeping the shocks that respond to a fitted parameter
    (the others add a constant, or next to it, to the likelihood)."""
    span = np.array([p.upper - p.lower for p in spec.parameters])
    upper = np.array([p.upper for p in spec.parameters])
    steps = STEP * span
    steps = np.where(centre + steps > upper, -steps, steps)
    labels, values, _ = solve(spec, np.vstack([centre, centre + np.diag(steps)]))
    jacobian = (values[:, 1:] - values[:, :1]) / steps
    keep = np.flatnonzero(np.any(np.abs(jacobian) > MIN_RESPONSE, axis=1))
    return ShockMap([labels[i] for i in keep], np.asarray(centre, float), values[keep, 0],
                    jacobian[keep])


def table(spec, shock_map: ShockMap, point: np.ndarray) -> tuple[pd.DataFrame, float]:
    """The exact shocks at `point` beside the expansion's, and the largest difference."""
    labels, values, solution = solve(spec, point)
    exact = dict(zip(labels, values[:, 0], strict=True))
    linear = shock_map(point)[0]
    pinned = {(c[0], y): f"{c[1]} ({c[2]})" for y, chosen in solution.pinned.items()
              for c in chosen}
    rows = [{"shock": name, "year": year, "value": exact.get((name, year), np.nan),
             "linear": value, "pinned_by": pinned.get((name, year), "")}
            for (name, year), value in zip(shock_map.labels, linear, strict=True)]
    out = pd.DataFrame(rows, columns=["shock", "year", "value", "linear", "pinned_by"])
    error = float(np.nanmax(np.abs(out["value"] - out["linear"]))) if len(out) else 0.0
    return out, error


def summary(shocks: pd.DataFrame) -> pd.DataFrame:
    """Per shock series: years, mean and standard deviation of the shocks at the median."""
    rows = [{"shock": name, "n": len(g), "mean": float(g["value"].mean()),
             "sd": float(g["value"].std(ddof=0)),
             "rms": float(np.sqrt(np.mean(g["value"] ** 2)))}
            for name, g in shocks.groupby("shock", sort=True)]
    return pd.DataFrame(rows, columns=["shock", "n", "mean", "sd", "rms"])
