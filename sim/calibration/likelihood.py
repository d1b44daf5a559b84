"""The likelihood of fitted parameters given their residuals, series by series.

Each series s has its own error scale σ_s, unknown, with a scaled inverse-χ² prior of
NU0 degrees of freedom centred on s0_s (the spec's `noise:` for the series, a fraction of the
series' mean level; DEFAULT_NOISE otherwise). Integrating σ_s out gives a Student-t
likelihood for the n_s residuals r of the series:

    log L_s = -(NU0 + n_s) / 2 · log(NU0 s0_s² + Σ r²)   (+ a constant)

so a series with many points estimates its own scale, one with a single point leans on s0,
and one bad year weighs less than under a fixed normal error.
"""

from __future__ import annotations

import numpy as np

NU0 = 4.0
DEFAULT_NOISE = 0.02


class SeriesLikelihood:
    """Log likelihood of many residual vectors at once, grouped by series."""

    def __init__(self, series: np.ndarray, noise: dict[str, float],
                 default: float = DEFAULT_NOISE):
        names, self.group = np.unique(np.asarray(series), return_inverse=True)
        self.names = list(names)
        self.count = np.bincount(self.group, minlength=len(names)).astype(float)
        s0 = np.array([noise.get(n, default) for n in names])
        self.prior_ss = NU0 * s0 ** 2

    def __call__(self, residuals: np.ndarray) -> np.ndarray:
        """(members, observations) residuals -> (members,) log likelihood."""
        r = np.atleast_2d(residuals)
        ss = np.zeros((len(r), len(self.names)))
        np.add.at(ss.T, self.group, (r ** 2).T)
        return -0.5 * ((NU0 + self.count) * np.log(self.prior_ss + ss)).sum(axis=1)
